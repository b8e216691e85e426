"""Reads of the kiosk: a centre's lines, a counter's queue, the calling display's board."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from accounts.models import User
from catalog.models import ProcedureField
from kernel.errors import Forbidden, NotFound
from kiosk.models import Counter, QueueTicket
from organization.models import Agency, Role
from organization.selectors import user_scope

OPERATOR_ROLES = (Role.ONE_STOP_OFFICER,)
NOT_OPERATOR = "Chỉ cán bộ một cửa của trung tâm này mới dùng được màn hình quầy."


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


def line_get(centre: Agency, key: str) -> Line:
    for line in centre_lines(centre):
        if line.key == key:
            return line
    raise NotFound("Không có hàng chờ này tại trung tâm.")


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
    """What the display shows (and a screen reader says) when ``ticket`` is called."""
    assert ticket.counter is not None
    return f"Mời số {ticket.display_number} đến quầy {ticket.counter.number}"


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
