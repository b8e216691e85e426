"""The statutory clock of a dossier (docs/domain.md §4, ADR 0004): started at reception, restarted from
zero when a supplement is received, and the instant one working day before the due instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from dossiers.models import Dossier
from dossiers.transitions import CLOCK_RUNNING, Status
from worktime.calendar import WorkCalendar


def approaching_at(calendar: WorkCalendar, start: datetime, due: datetime) -> datetime:
    """When only one working day remains before ``due`` (counted from ``start``)."""
    total = calendar.working_minutes_between(start, due)
    return calendar.add_working_minutes(start, max(0, total - calendar.minutes_per_day))


def start_clock(dossier: Dossier, at: datetime, calendar: WorkCalendar) -> None:
    assert dossier.statutory_amount is not None
    deadline = calendar.deadline(
        at, dossier.statutory_amount, dossier.statutory_unit, after_15h_next_day=dossier.after_15h_next_day
    )
    dossier.clock_start = deadline.start
    dossier.due_at = deadline.due
    dossier.appointment_at = deadline.due
    dossier.approaching_at = approaching_at(calendar, deadline.start, deadline.due)
    dossier.clock_stopped_at = None


CLOCK_FIELDS = ["clock_start", "due_at", "appointment_at", "approaching_at", "clock_stopped_at"]


@dataclass(frozen=True)
class ClockMove:
    """How an event moves the running spell of the statutory clock (counted by the reports' overdue
    figures, docs/domain.md §4): a spell closes when the clock stops or its due instant moves, and
    opens when the clock starts, restarts or runs on toward a new due instant."""

    closes: bool
    opens: bool
    due_old: datetime | None  # the due instant the closing spell ran toward


def clock_move(
    from_status: str, to_status: str, due_before: datetime | None, due_after: datetime | None
) -> ClockMove:
    running_before = Status(from_status or Status.DRAFT) in CLOCK_RUNNING
    running_after = Status(to_status) in CLOCK_RUNNING
    due_old = due_before if due_before is not None else due_after
    due_changed = due_old != due_after
    return ClockMove(
        closes=running_before and (not running_after or due_changed),
        opens=running_after and (not running_before or due_changed),
        due_old=due_old,
    )


def running_since_after(
    move: ClockMove, *, at: datetime, due_after: datetime | None, current: datetime | None
) -> datetime | None:
    """``Dossier.clock_running_since`` after the event: when the open spell started, None while the
    clock is stopped."""
    since = current
    if move.closes and move.due_old is not None:
        since = None
    if move.opens and due_after is not None:
        since = at
    return since


def move_running_spell(
    dossier: Dossier, *, from_status: str, due_before: datetime | None, at: datetime
) -> datetime | None:
    """Move ``dossier.clock_running_since`` for an event at ``at`` that took the dossier from
    ``from_status`` (and the due instant ``due_before``) to what it holds now; the caller saves the
    column. Returns the value before, which the report facts count from."""
    before = dossier.clock_running_since
    move = clock_move(from_status, dossier.status, due_before, dossier.due_at)
    dossier.clock_running_since = running_since_after(move, at=at, due_after=dossier.due_at, current=before)
    return before


def running_since_restore(values: Sequence[tuple[int, datetime | None]]) -> None:
    """Set ``clock_running_since`` of these dossiers to what a replay of their history gives (the
    report rebuild, ``reports.rebuild``, finds them): the column is the dossier's, so it is written here."""
    Dossier.objects.bulk_update(
        [Dossier(pk=pk, clock_running_since=since) for pk, since in values],
        ["clock_running_since"],
        batch_size=5000,
    )
