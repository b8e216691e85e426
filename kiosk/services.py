"""Every write of the kiosk: issue a ticket, call the next one, call again, skip, mark served; and the
default counters a centre gets on its first kiosk visit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import User
from catalog.models import ProcedureField
from dossiers.models import Dossier
from dossiers.services import local_date
from kernel.errors import DomainError, Forbidden, NotFound
from kiosk import selectors
from kiosk.models import Counter, QueueTicket, TicketSequence
from organization.models import Agency

FIELD_COUNTERS = 3  # default counters given one field each; a general counter takes the rest
RECENT_DAYS = 180  # the dossiers that say what a centre receives
NO_CURRENT = "Quầy chưa gọi số nào."


def counters_ensure(centre: Agency) -> None:
    """Give a centre without any counter a default set (administrators change it in the admin): one
    counter for each of the three busiest fields of the procedures it receives (``_busiest_fields``), a
    general counter with a line of its own ("other fields") that also serves those three, and a priority
    counter with its own line."""
    if Counter.objects.filter(centre=centre).exists():
        return
    with transaction.atomic():
        # Two first visits at once: the second waits for the first, then finds its counters.
        Agency.objects.select_for_update().filter(pk=centre.pk).first()
        if Counter.objects.filter(centre=centre).exists():
            return
        busiest = _busiest_fields(centre, timezone.now())
        number = 0
        for number, field in enumerate(busiest, start=1):
            counter = Counter.objects.create(
                centre=centre, number=number, name=f"Quầy {number}: {field.name}"
            )
            counter.fields.set([field])
        general = Counter.objects.create(
            centre=centre,
            number=number + 1,
            name=f"Quầy {number + 1}: Tổng hợp",
            own_line=True,
            own_line_label="Các lĩnh vực khác",
        )
        general.fields.set(busiest)
        Counter.objects.create(
            centre=centre,
            number=number + 2,
            name=f"Quầy {number + 2}: Ưu tiên",
            own_line=True,
            own_line_label="Ưu tiên: người cao tuổi, người khuyết tật, phụ nữ mang thai",
        )


def _busiest_fields(centre: Agency, at: datetime) -> list[ProcedureField]:
    """The fields of the procedures the centre actually receives: first those of its dossiers received
    in the last ``RECENT_DAYS`` days (most first), then those with most of its procedures — in force in
    the province, at the centre's level, and carried out by its own administration or linked to it
    (``selectors.centre_procedures``). Never a field of the province's vertical agencies the centre
    does not receive (a ward's kiosk offered "Hải quan" and "Thuế": issue 14)."""
    by_dossiers = (
        Dossier.objects.filter(
            receiving_agency=centre,
            received_at__gte=at - timedelta(days=RECENT_DAYS),
            version__field__isnull=False,
        )
        .values("version__field")
        .annotate(n=Count("pk"))
        .order_by("-n", "version__field")
        .values_list("version__field", flat=True)[:FIELD_COUNTERS]
    )
    chosen = list(by_dossiers)
    counts: dict[int, int] = {}
    for field_id in selectors.centre_procedures(centre).values_list("current_version__field", flat=True):
        if field_id is not None and field_id not in chosen:
            counts[field_id] = counts.get(field_id, 0) + 1
    fields = ProcedureField.objects.in_bulk([*chosen, *counts])
    rest = sorted(counts, key=lambda pk: (-counts[pk], fields[pk].name))
    chosen += rest[: FIELD_COUNTERS - len(chosen)]
    return [fields[pk] for pk in chosen]


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def line_letter(index: int) -> str:
    """The letter of the ``index``-th line (0: A … 25: Z, then AA, AB …)."""
    if index < len(LETTERS):
        return LETTERS[index]
    first, second = divmod(index - len(LETTERS), len(LETTERS))
    return LETTERS[first] + LETTERS[second]


def _sequence(centre: Agency, line: selectors.Line, position: int, day: date) -> TicketSequence:
    """The day's sequence of ``line``, locked, with its letter: the line's own (by its place on the
    kiosk) unless another line took it that day (counters changed during the day), then the first free."""
    found = TicketSequence.objects.select_for_update().filter(centre=centre, line=line.key, day=day).first()
    if found is not None and found.letter:
        return found
    # The line's first ticket of the day: letters are given one at a time in the centre (the centre's
    # row locked, NO KEY so that dossiers referring to it are not held up), so two lines opening at
    # once never take the same letter.
    Agency.objects.select_for_update(no_key=True).filter(pk=centre.pk).first()
    found = TicketSequence.objects.select_for_update().filter(centre=centre, line=line.key, day=day).first()
    if found is not None and found.letter:
        return found
    taken = set(
        TicketSequence.objects.filter(centre=centre, day=day)
        .exclude(letter="")
        .values_list("letter", flat=True)
    )
    letter = line_letter(position)
    index = 0
    while letter in taken:
        letter, index = line_letter(index), index + 1
    if found is None:
        return TicketSequence.objects.create(centre=centre, line=line.key, day=day, letter=letter, last=0)
    found.letter = letter
    found.save(update_fields=["letter"])
    return found


@transaction.atomic
def ticket_issue(*, centre: Agency, line_key: str, at: datetime) -> QueueTicket:
    """Issue the next number of a line for the local date of ``at``, with the line's letter (``A001``).
    The day's sequence row is locked until the transaction ends, so simultaneous kiosks never hand out
    the same number; the number shown is unique in the centre for the day."""
    lines = selectors.centre_lines(centre)
    position = next((i for i, line in enumerate(lines) if line.key == line_key), None)
    if position is None:
        raise NotFound(selectors.NO_LINE)
    line = lines[position]
    day = local_date(at)
    sequence = _sequence(centre, line, position, day)
    sequence.last = F("last") + 1
    sequence.save(update_fields=["last"])
    sequence.refresh_from_db(fields=["last"])
    return QueueTicket.objects.create(
        centre=centre,
        line=line.key,
        line_name=line.name,
        field=line.field,
        line_counter=line.counter,
        day=day,
        letter=sequence.letter,
        number=sequence.last,
        issued_at=at,
    )


def _lock_counter(counter: Counter, actor: User) -> Counter:
    """Check ``actor`` works at the counter's centre, and serialise the actions of one counter."""
    if not selectors.can_operate(actor, counter.centre):
        raise Forbidden(selectors.NOT_OPERATOR)
    return Counter.objects.select_for_update().select_related("centre").get(pk=counter.pk)


def _finish(ticket: QueueTicket, status: QueueTicket.Status, at: datetime) -> None:
    ticket.status = status
    ticket.finished_at = at
    ticket.save(update_fields=["status", "finished_at"])


@transaction.atomic
def ticket_call_next(*, counter: Counter, actor: User, at: datetime) -> QueueTicket | None:
    """Mark the counter's current ticket served and call the longest-waiting ticket of its lines
    (None when nobody waits)."""
    counter = _lock_counter(counter, actor)
    current = selectors.current_ticket(counter)
    if current is not None:
        _finish(current, QueueTicket.Status.SERVED, at)
    # SKIP LOCKED: two counters serving the same line calling at the same instant take two people.
    ticket = selectors.counter_queue(counter, local_date(at)).select_for_update(skip_locked=True).first()
    if ticket is None:
        return None
    ticket.status = QueueTicket.Status.CALLED
    ticket.counter = counter
    ticket.called_by = actor
    ticket.called_at = ticket.announced_at = at
    ticket.save(update_fields=["status", "counter", "called_by", "called_at", "announced_at"])
    return ticket


@transaction.atomic
def ticket_recall(*, counter: Counter, actor: User, at: datetime) -> QueueTicket:
    """Call the current ticket again: the display announces it anew."""
    counter = _lock_counter(counter, actor)
    ticket = selectors.current_ticket(counter)
    if ticket is None:
        raise DomainError("no_current_ticket", NO_CURRENT, status=409)
    ticket.announced_at = at
    ticket.recalls += 1
    ticket.save(update_fields=["announced_at", "recalls"])
    return ticket


@transaction.atomic
def ticket_skip(*, counter: Counter, actor: User, at: datetime) -> QueueTicket:
    """The person called did not come: the ticket is closed as absent and the counter is free."""
    counter = _lock_counter(counter, actor)
    ticket = selectors.current_ticket(counter)
    if ticket is None:
        raise DomainError("no_current_ticket", NO_CURRENT, status=409)
    _finish(ticket, QueueTicket.Status.SKIPPED, at)
    return ticket


@transaction.atomic
def ticket_serve(*, counter: Counter, actor: User, at: datetime) -> QueueTicket:
    """The person has been served: the counter is free."""
    counter = _lock_counter(counter, actor)
    ticket = selectors.current_ticket(counter)
    if ticket is None:
        raise DomainError("no_current_ticket", NO_CURRENT, status=409)
    _finish(ticket, QueueTicket.Status.SERVED, at)
    return ticket
