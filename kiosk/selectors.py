"""Reads of the kiosk: a centre's lines, a counter's queue, the calling display's board."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from accounts.models import User
from catalog.models import Procedure, ProcedureField
from kernel.errors import Forbidden, NotFound
from kiosk.competence import received_by_own_administration
from kiosk.models import Counter, QueueTicket
from organization.models import Agency, Role
from organization.selectors import user_scope

OPERATOR_ROLES = (Role.ONE_STOP_OFFICER,)
NOT_OPERATOR = "Chỉ cán bộ một cửa của trung tâm này mới dùng được màn hình quầy."
NO_LINE = "Không có hàng chờ này tại trung tâm."


@dataclass(frozen=True)
class Line:
    """A queue of a centre: the tickets of one procedure field, or of one named counter."""

    key: str
    name: str
    field: ProcedureField | None = None
    counter: Counter | None = None


def centre_get(code: str) -> Agency:
    """An active service centre by its code (404 otherwise)."""
    centre = Agency.objects.filter(code=code.strip(), kind=Agency.Kind.SERVICE_CENTRE, is_active=True).first()
    if centre is None:
        raise NotFound("Không có trung tâm phục vụ hành chính công với mã này.")
    return centre


def centre_procedures(centre: Agency) -> QuerySet[Procedure]:
    """The procedures in force in the province that the centre receives: those the province linked to
    the centre or its committee (a provincial centre: to any provincial agency, vertical ones included —
    they keep counters there), and those at its level (commune or province) carried out by its own
    administration (``kiosk.competence``: not by customs, tax, social insurance… offices)."""
    if centre.level == Agency.Level.COMMUNE:
        level = "at_commune"
        agencies = Agency.objects.filter(pk__in=[pk for pk in (centre.pk, centre.parent_id) if pk])
    else:
        level = "at_province"
        agencies = Agency.objects.filter(province_id=centre.province_id, level=Agency.Level.PROVINCE)
    linked = set(
        Procedure.objects.filter(
            current_version__isnull=False, current_version__agencies__in=agencies
        ).values_list("pk", flat=True)
    )
    at_level = Procedure.objects.filter(
        current_version__isnull=False, **{f"current_version__{level}": True}
    ).values_list("pk", "current_version__implementing_agency_text", "current_version__competent_agency_text")
    own = {
        pk
        for pk, implementing, competent in at_level
        if received_by_own_administration(implementing or competent)
    }
    return Procedure.objects.filter(pk__in=own | linked)


def active_counters(centre: Agency) -> QuerySet[Counter]:
    return Counter.objects.filter(centre=centre, is_active=True).order_by("number")


def centre_lines(centre: Agency) -> list[Line]:
    """The kiosk's buttons: every field some active counter serves (by name), then the counters that
    take tickets of their own (by number)."""
    counters = list(active_counters(centre).prefetch_related("fields"))
    fields = {f.pk: f for counter in counters for f in counter.fields.all()}
    lines = [
        Line(key=f"f{f.pk}", name=f.name, field=f) for f in sorted(fields.values(), key=lambda f: f.name)
    ]
    lines += [Line(key=c.line_key, name=c.line_name, counter=c) for c in counters if c.own_line]
    return lines


def counter_line_keys(counter: Counter) -> list[str]:
    keys = [f"f{pk}" for pk in counter.fields.values_list("pk", flat=True)]
    if counter.own_line:
        keys.append(counter.line_key)
    return keys


def can_operate(user: User | AnonymousUser, centre: Agency) -> bool:
    """One-stop officers of the centre (and superusers) work its counters."""
    return user_scope(user, OPERATOR_ROLES).allows(centre)


def counter_get(*, user: User | AnonymousUser, centre: Agency, number: int) -> Counter:
    if not can_operate(user, centre):
        raise Forbidden(NOT_OPERATOR)
    counter = active_counters(centre).filter(number=number).first()
    if counter is None:
        raise NotFound("Không có quầy số này tại trung tâm.")
    return counter


def current_ticket(counter: Counter) -> QueueTicket | None:
    return QueueTicket.objects.filter(counter=counter, status=QueueTicket.Status.CALLED).first()


def waiting(centre: Agency, day: date) -> QuerySet[QueueTicket]:
    return QueueTicket.objects.filter(centre=centre, day=day, status=QueueTicket.Status.WAITING)


def counter_queue(counter: Counter, day: date) -> QuerySet[QueueTicket]:
    """The tickets this counter calls next, first come first served."""
    return (
        waiting(counter.centre, day).filter(line__in=counter_line_keys(counter)).order_by("issued_at", "pk")
    )


def waiting_ahead(ticket: QueueTicket) -> int:
    """People of the same line who took their ticket before this one and are still waiting."""
    return waiting(ticket.centre, ticket.day).filter(line=ticket.line, number__lt=ticket.number).count()


def waiting_by_line(centre: Agency, day: date) -> dict[str, int]:
    rows = waiting(centre, day).values("line").annotate(n=Count("pk")).values_list("line", "n")
    return dict(rows)


def announcement(ticket: QueueTicket) -> str:
    """What the display shows and says (its live region, read aloud) when ``ticket`` is called: the
    number with its line's letter, the line and the counter (``kiosk/_announce.html`` renders the same)."""
    assert ticket.counter is not None
    return f"Mời số {ticket.display_number}, {ticket.line_name}, đến quầy {ticket.counter.number}"


@dataclass
class BoardRow:
    counter: Counter
    ticket: QueueTicket | None


@dataclass
class Board:
    """The calling display: the latest call, each counter's current ticket, the waiting per line."""

    centre: Agency
    day: date
    latest: QueueTicket | None
    recent: list[QueueTicket]
    rows: list[BoardRow]
    waiting: list[tuple[Line, int]]
    version: str = field(default="")

    @property
    def announcement(self) -> str:
        return announcement(self.latest) if self.latest else ""


def display_board(centre: Agency, day: date, *, recent: int = 5) -> Board:
    called_today = (
        QueueTicket.objects.filter(centre=centre, day=day, announced_at__isnull=False)
        .select_related("counter")
        .order_by("-announced_at", "-pk")
    )
    latest_calls = list(called_today[: recent + 1])
    current = {
        t.counter_id: t
        for t in QueueTicket.objects.filter(centre=centre, status=QueueTicket.Status.CALLED).select_related(
            "counter"
        )
    }
    rows = [BoardRow(counter=c, ticket=current.get(c.pk)) for c in active_counters(centre)]
    counts = waiting_by_line(centre, day)
    lines = [(line, counts.get(line.key, 0)) for line in centre_lines(centre)]
    board = Board(
        centre=centre,
        day=day,
        latest=latest_calls[0] if latest_calls else None,
        recent=latest_calls[1:],
        rows=rows,
        waiting=lines,
    )
    state = repr(
        (
            [(t.pk, t.announced_at, t.status) for t in latest_calls],
            [(r.counter.pk, r.counter.name, r.ticket.pk if r.ticket else None) for r in rows],
            [(line.key, line.name, n) for line, n in lines],
        )
    )
    board.version = hashlib.sha256(state.encode()).hexdigest()[:16]
    return board
