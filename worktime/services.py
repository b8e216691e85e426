"""The working-time calendar of this installation: the pure arithmetic of ``worktime.calendar`` with
the configured windows and the administrators' overrides."""

from __future__ import annotations

from django.conf import settings

from kernel.generations import bump_on, current
from worktime.calendar import Override, WorkCalendar, parse_windows
from worktime.models import CalendarOverride

OVERRIDES = "worktime.overrides"
bump_on(OVERRIDES, CalendarOverride)


def _overrides() -> tuple[Override, ...]:
    return tuple(
        Override(day=day, working=kind == CalendarOverride.Kind.WORKING_DAY, reason=reason)
        for day, kind, reason in CalendarOverride.objects.values_list("day", "kind", "reason")
    )


def work_calendar() -> WorkCalendar:
    """The calendar every deadline is computed with. The (small) override table is kept while no
    override is written (kernel.generations): every app server sees an administrator's change with
    its next request."""
    overrides = current(OVERRIDES, _overrides)
    return WorkCalendar(windows=parse_windows(settings.MOTCUA_WORK_WINDOWS), overrides=overrides)
