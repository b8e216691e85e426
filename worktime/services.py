"""The working-time calendar of this installation: the pure arithmetic of ``worktime.calendar`` with
the configured windows and the administrators' overrides."""

from __future__ import annotations

from django.conf import settings

from worktime.calendar import Override, WorkCalendar, parse_windows
from worktime.models import CalendarOverride


def work_calendar() -> WorkCalendar:
    """The calendar every deadline is computed with. Reads the (small) override table each call so
    that every app server sees an administrator's change at once."""
    overrides = [
        Override(day=day, working=kind == CalendarOverride.Kind.WORKING_DAY, reason=reason)
        for day, kind, reason in CalendarOverride.objects.values_list("day", "kind", "reason")
    ]
    return WorkCalendar(windows=parse_windows(settings.MOTCUA_WORK_WINDOWS), overrides=overrides)
