"""Every write of the kiosk: issue a ticket, call the next one, call again, skip, mark served; and the
default counters a centre gets on its first kiosk visit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, F

from accounts.models import User
from catalog.models import ProcedureField, ProcedureVersion
from dossiers.models import Dossier
from dossiers.services import local_date
from kernel.errors import DomainError, Forbidden
from kiosk import selectors
from kiosk.models import Counter, QueueTicket, TicketSequence
from organization.models import Agency

FIELD_COUNTERS = 3  # default counters given one field each; a general counter takes the rest
NO_CURRENT = "Quầy chưa gọi số nào."


def counters_ensure(centre: Agency) -> None:
    """Give a centre without any counter a default set (administrators change it in the admin):
    one counter for each of its three busiest fields (by dossiers received there, else by procedures), a general counter with a line of its own
    ("other fields") that also serves those three, and a priority counter with its own line."""
    if Counter.objects.filter(centre=centre).exists():
        return
    with transaction.atomic():
        # Two first visits at once: the second waits for the first, then finds its counters.
        Agency.objects.select_for_update().filter(pk=centre.pk).first()
        if Counter.objects.filter(centre=centre).exists():
            return
        busiest = _busiest_fields(centre)
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


def _busiest_fields(centre: Agency) -> list[ProcedureField]:
    """The fields of most dossiers received at the centre, then of most procedures at its level."""
    by_dossiers = (
        Dossier.objects.filter(receiving_agency=centre, version__field__isnull=False)
        .values("version__field")
        .annotate(n=Count("pk"))
        .order_by("-n", "version__field")
        .values_list("version__field", flat=True)[:FIELD_COUNTERS]
    )
    chosen = list(by_dossiers)
    flag = "versions__at_commune" if centre.level == Agency.Level.COMMUNE else "versions__at_province"
    by_procedures = (
        ProcedureField.objects.filter(versions__status=ProcedureVersion.Status.IN_FORCE, **{flag: True})
        .exclude(pk__in=chosen)
        .annotate(n=Count("versions"))
        .order_by("-n", "name")
        .values_list("pk", flat=True)[: FIELD_COUNTERS - len(chosen)]
    )
    chosen += list(by_procedures)
    fields = ProcedureField.objects.in_bulk(chosen)
    return [fields[pk] for pk in chosen]


@transaction.atomic
def ticket_issue(*, centre: Agency, line_key: str, at: datetime) -> QueueTicket:
    """Issue the next number of a line for the local date of ``at``. The day's sequence row is locked
    until the transaction ends, so simultaneous kiosks never hand out the same number."""
    line = selectors.line_get(centre, line_key)
    day = local_date(at)
    TicketSequence.objects.bulk_create(
        [TicketSequence(centre=centre, line=line.key, day=day, last=0)], ignore_conflicts=True
    )
    sequence = TicketSequence.objects.select_for_update().get(centre=centre, line=line.key, day=day)
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
