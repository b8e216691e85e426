"""The statutory clock of a dossier (docs/domain.md §4, ADR 0004): started at reception, restarted from
zero when a supplement is received, and the instant one working day before the due instant."""

from __future__ import annotations

from datetime import datetime

from dossiers.models import Dossier
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
