"""Working-time calendar for administrative-procedure deadlines (pure Python, no Django).

Rule summary (from docs/domain.md §4 "Deadline arithmetic"); docstrings below cite these as "rule §n".

§1  Working time is Monday–Friday inside the configured windows (default 08:00–12:00 and
    13:00–17:00, Asia/Ho_Chi_Minh). One working day = the sum of the window lengths.
§2  Non-working days: Saturdays, Sundays and Vietnamese public holidays of the date's own year
    (looked up lazily per year, so deadlines crossing 31 December use next year's table).
    The library's make-up Saturdays are working days. Administrator overrides win over
    everything: an extra day off is non-working, an extra working day is working; a date in
    both sets is a day off.
§3  The clock starts at the reception instant moved forward to the next opening. A window's
    opening is inside working time, its close is not. With ``after_15h_next_day``, reception on
    a working day at 15:00:00 or later starts at the next working day's first opening.
§4  Working units (``working_hour`` = 60 min, ``working_day`` = minutes per day; int or Decimal,
    rounded half up to whole minutes, never negative): the due instant is the EARLIEST instant
    at which the required working time has elapsed, so time ending exactly at 12:00 is due at
    12:00 and 1 working day from Monday 08:00 is due Monday 17:00. Amount 0: due = start.
§5  ``calendar_day`` (whole numbers only): due at the close of working time on the start's
    local date + N days, or at the close of the next working day if that date is not one.
§6  Pause/resume, working units: the working time left between the pause and the old due (0 if
    paused after it) is added again from the resumption moved to the next opening.
§7  Pause/resume, calendar days: the due date moves by the number of calendar days between the
    local dates of pause and resumption, then to the close of that (or the next working) day.
§8  Remaining time is counted in working minutes (negative once overdue); a due is
    "approaching" when it is not past and at most one working day remains.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from kernel.time import VN_TZ as VN_TZ

__all__ = [
    "DEFAULT_WINDOWS",
    "MAX_YEAR",
    "MIN_YEAR",
    "VN_TZ",
    "Deadline",
    "HolidaySource",
    "Override",
    "Unit",
    "WorkCalendar",
    "WorkWindow",
    "parse_windows",
    "vietnam_public_holidays",
]


#: The years the calendar answers for (the API and the pages refuse others).
MIN_YEAR, MAX_YEAR = 1950, 2099

#: rule §3: reception at or after this local time counts from the next working day.
AFTER_15H_CUTOFF = time(15, 0)

#: Reason shown for an extra day off (or make-up working day) that carries no reason.
DEFAULT_DAY_OFF_REASON = "Ngày nghỉ bổ sung"
DEFAULT_MAKE_UP_REASON = "Ngày làm việc bù"

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
_ONE_MINUTE = timedelta(minutes=1)
# Guard against a holiday source that never yields a working day (would loop forever).
_MAX_NON_WORKING_RUN = 3660
_WINDOW_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


class Unit(StrEnum):
    WORKING_DAY = "working_day"
    WORKING_HOUR = "working_hour"
    CALENDAR_DAY = "calendar_day"


@dataclass(frozen=True)
class WorkWindow:
    """One daily working window [start, end) in local wall-clock time (rule §1)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if not isinstance(value, time):
                raise TypeError(f"WorkWindow bounds must be datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError("WorkWindow bounds are local wall-clock times; drop the tzinfo")
            if value.second or value.microsecond:
                raise ValueError(f"WorkWindow bounds must be whole minutes, got {value.isoformat()}")
        if not self.start < self.end:
            raise ValueError(f"WorkWindow start must be before end: {self.start:%H:%M}-{self.end:%H:%M}")

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


DEFAULT_WINDOWS: tuple[WorkWindow, ...] = (
    WorkWindow(time(8, 0), time(12, 0)),
    WorkWindow(time(13, 0), time(17, 0)),
)


def _check_windows(windows: Sequence[WorkWindow]) -> tuple[WorkWindow, ...]:
    result = tuple(windows)
    if not result:
        raise ValueError("at least one working window is required")
    for window in result:
        if not isinstance(window, WorkWindow):
            raise TypeError(f"expected WorkWindow, got {window!r}")
    for previous, current in itertools.pairwise(result):
        if current.start < previous.start:
            raise ValueError(f"working windows must be sorted: {current} comes after {previous}")
        if current.start < previous.end:
            raise ValueError(f"working windows overlap: {previous} and {current}")
    return result


def parse_windows(spec: str) -> tuple[WorkWindow, ...]:
    """Parse ``"08:00-12:00,13:00-17:00"`` into sorted, non-overlapping windows (rule §1)."""
    parts = [part.strip() for part in spec.split(",")]
    if not spec.strip() or any(not part for part in parts):
        raise ValueError(f"empty working window in {spec!r}; expected e.g. '08:00-12:00,13:00-17:00'")
    windows: list[WorkWindow] = []
    for part in parts:
        match = _WINDOW_RE.match(part)
        if match is None:
            raise ValueError(f"bad working window {part!r}; expected HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if not (0 <= h1 <= 23 and 0 <= h2 <= 23 and 0 <= m1 <= 59 and 0 <= m2 <= 59):
            raise ValueError(f"bad time in working window {part!r}")
        windows.append(WorkWindow(time(h1, m1), time(h2, m2)))
    return _check_windows(windows)


@dataclass(frozen=True)
class Override:
    """An administrator's exception for one date (rule §2)."""

    day: date
    working: bool
    reason: str = ""


@dataclass(frozen=True)
class Deadline:
    start: datetime  # effective start (rule §3)
    due: datetime


HolidaySource = Callable[[int], tuple[Mapping[date, str], AbstractSet[date]]]


def vietnam_public_holidays(year: int) -> tuple[dict[date, str], set[date]]:
    """Public holidays of ``year`` with Vietnamese names, and that year's make-up working days.

    ``weekend_workdays`` of the library holds dates of several years (e.g. 2014-12-27 and
    2019-01-05 are always present), so it is filtered to ``year`` (rule §2).
    """
    table = holidays_lib.country_holidays("VN", years=year, language="vi")
    names = {day: str(name) for day, name in table.items() if day.year == year}
    make_up = {day for day in table.weekend_workdays if day.year == year}
    return names, make_up


def _as_decimal(amount: int | Decimal) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise TypeError(f"amount must be int or Decimal, got {type(amount).__name__}")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be finite, got {amount}")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    return value


class WorkCalendar:
    """Deadline arithmetic over working time (rule §1–§8).

    All results are aware datetimes in ``tz``; all inputs must be aware (any zone).
    """

    def __init__(
        self,
        *,
        windows: Sequence[WorkWindow] = DEFAULT_WINDOWS,
        overrides: Iterable[Override] = (),
        tz: ZoneInfo = VN_TZ,
        holiday_source: HolidaySource = vietnam_public_holidays,
    ) -> None:
        self.windows = _check_windows(windows)
        self.tz = tz
        self._holiday_source = holiday_source
        self._day_length = timedelta(minutes=sum(window.minutes for window in self.windows))
        self._extra_off: dict[date, str] = {}
        self._extra_working: dict[date, str] = {}
        for override in overrides:
            target = self._extra_working if override.working else self._extra_off
            target[override.day] = override.reason
        self._years: dict[int, tuple[Mapping[date, str], frozenset[date]]] = {}

    # -- days -------------------------------------------------------------------------------

    @property
    def minutes_per_day(self) -> int:
        """Length of one working day in minutes (rule §1: 480 by default)."""
        return self._day_length // _ONE_MINUTE

    def _year(self, year: int) -> tuple[Mapping[date, str], frozenset[date]]:
        cached = self._years.get(year)
        if cached is None:
            names, make_up = self._holiday_source(year)
            cached = (
                {day: name for day, name in names.items() if day.year == year},
                frozenset(day for day in make_up if day.year == year),
            )
            self._years[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        """rule §2: overrides (day off first) > holidays > make-up days > Mon–Fri."""
        if day in self._extra_off:
            return False
        if day in self._extra_working:
            return True
        names, make_up = self._year(day.year)
        if day in names:
            return False
        return day in make_up or day.weekday() < 5

    def _next_working_day(self, day: date) -> date:
        """The first working day on or after ``day``."""
        for _ in range(_MAX_NON_WORKING_RUN):
            if self.is_working_day(day):
                return day
            day += _ONE_DAY
        raise ValueError(f"no working day within {_MAX_NON_WORKING_RUN} days; check the holiday source")

    # -- instants ---------------------------------------------------------------------------

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"timezone-aware datetime required, got naive {instant!r}")
        return instant.astimezone(self.tz)

    def _bounds(self, day: date) -> list[tuple[datetime, datetime]]:
        tz = self.tz
        return [
            (datetime.combine(day, w.start, tzinfo=tz), datetime.combine(day, w.end, tzinfo=tz))
            for w in self.windows
        ]

    def _opening(self, day: date) -> datetime:
        return datetime.combine(day, self.windows[0].start, tzinfo=self.tz)

    def _close(self, day: date) -> datetime:
        return datetime.combine(day, self.windows[-1].end, tzinfo=self.tz)

    def is_working_time(self, instant: datetime) -> bool:
        """rule §3: inside [open, close) of a window on a working day."""
        local = self._local(instant)
        if not self.is_working_day(local.date()):
            return False
        return any(start <= local < end for start, end in self._bounds(local.date()))

    def next_opening(self, instant: datetime) -> datetime:
        """``instant`` itself if inside working time, else the next window opening (rule §3)."""
        local = self._local(instant)
        day = local.date()
        if self.is_working_day(day):
            for start, end in self._bounds(day):
                if local < end:
                    return max(local, start)
        return self._opening(self._next_working_day(day + _ONE_DAY))

    def effective_start(self, received_at: datetime, *, after_15h_next_day: bool = False) -> datetime:
        """rule §3: where the clock starts for a dossier received at ``received_at``."""
        local = self._local(received_at)
        if after_15h_next_day and local.time() >= AFTER_15H_CUTOFF and self.is_working_day(local.date()):
            return self._opening(self._next_working_day(local.date() + _ONE_DAY))
        return self.next_opening(local)

    # -- amounts ----------------------------------------------------------------------------

    def _required(self, amount: int | Decimal, unit: Unit) -> timedelta:
        """rule §4: the amount as whole working minutes, rounded half up."""
        per_unit = 60 if unit is Unit.WORKING_HOUR else self.minutes_per_day
        minutes = (_as_decimal(amount) * per_unit).to_integral_value(rounding=ROUND_HALF_UP)
        return timedelta(minutes=int(minutes))

    @staticmethod
    def _calendar_days(amount: int | Decimal) -> int:
        value = _as_decimal(amount)
        if value != value.to_integral_value():
            raise ValueError(f"calendar_day amounts must be whole numbers, got {amount}")
        return int(value)

    def _add_working(self, start: datetime, required: timedelta) -> datetime:
        """rule §4: the earliest instant at which ``required`` working time has elapsed."""
        local = self.next_opening(start)
        if required <= _ZERO:
            return local
        remaining = required
        day = local.date()
        for begin_bound, end in self._bounds(day):
            if local >= end:
                continue
            begin = max(local, begin_bound)
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day = self._next_working_day(day + _ONE_DAY)
        # Whole days are skipped without building datetimes; ">" keeps an exact fit on its own
        # day (due at 17:00, not at 08:00 the next morning).
        while remaining > self._day_length:
            remaining -= self._day_length
            day = self._next_working_day(day + _ONE_DAY)
        for begin, end in self._bounds(day):
            available = end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: remaining time fits in one working day")  # pragma: no cover

    def _close_on_or_after(self, day: date) -> datetime:
        """rule §5: close of ``day``, or of the next working day if ``day`` is not one."""
        return self._close(self._next_working_day(day))

    def add(self, start: datetime, amount: int | Decimal, unit: Unit | str) -> datetime:
        """The due instant for ``amount`` ``unit`` counted from ``start`` (rule §4, §5).

        ``start`` is first moved to the next opening (no 15:00 rule here; see ``deadline``).
        """
        unit = Unit(unit)
        if unit is Unit.CALENDAR_DAY:
            days = self._calendar_days(amount)
            return self._close_on_or_after(self.next_opening(start).date() + timedelta(days=days))
        return self._add_working(start, self._required(amount, unit))

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """The instant ``minutes`` working minutes after ``start`` (rule §4)."""
        if minutes < 0:
            raise ValueError(f"minutes must not be negative, got {minutes}")
        return self._add_working(start, timedelta(minutes=minutes))

    def deadline(
        self,
        received_at: datetime,
        amount: int | Decimal,
        unit: Unit | str,
        *,
        after_15h_next_day: bool = False,
    ) -> Deadline:
        """Effective start (rule §3) and due instant (rule §4, §5) of a dossier."""
        start = self.effective_start(received_at, after_15h_next_day=after_15h_next_day)
        return Deadline(start=start, due=self.add(start, amount, unit))

    # -- measuring --------------------------------------------------------------------------

    def _working_time(self, a: datetime, b: datetime) -> timedelta:
        a, b = self._local(a), self._local(b)
        if b <= a:
            return _ZERO
        total = _ZERO
        first, last = a.date(), b.date()
        day = first
        while day <= last:
            if self.is_working_day(day):
                if first < day < last:
                    total += self._day_length
                else:
                    for start, end in self._bounds(day):
                        low, high = max(a, start), min(b, end)
                        if high > low:
                            total += high - low
            day += _ONE_DAY
        return total

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Whole working minutes in [a, b); 0 when b <= a (rule §8)."""
        return self._working_time(a, b) // _ONE_MINUTE

    def remaining_minutes(self, due: datetime, at: datetime) -> int:
        """Working minutes from ``at`` to ``due``; negative (minus the overrun) once overdue (rule §8).

        A due passed only by non-working time gives 0, not a negative number: compare the
        instants to tell "just overdue" from "due now".
        """
        if self._local(at) <= self._local(due):
            return self.working_minutes_between(at, due)
        return -self.working_minutes_between(due, at)

    def is_approaching(self, due: datetime, at: datetime) -> bool:
        """rule §8: not past the due, and at most one working day remains."""
        return self._local(at) <= self._local(due) and self.remaining_minutes(due, at) <= self.minutes_per_day

    def resume(
        self,
        *,
        due: datetime,
        paused_at: datetime,
        resumed_at: datetime,
        unit: Unit | str,
    ) -> datetime:
        """New due instant after a pause from ``paused_at`` to ``resumed_at`` (rule §6, §7)."""
        unit = Unit(unit)
        due_local, paused, resumed = self._local(due), self._local(paused_at), self._local(resumed_at)
        if resumed < paused:
            raise ValueError(f"resumed_at {resumed_at!r} is before paused_at {paused_at!r}")
        if unit is Unit.CALENDAR_DAY:
            shift = resumed.date() - paused.date()
            return self._close_on_or_after(due_local.date() + shift)
        return self._add_working(resumed, self._working_time(paused, due_local))

    # -- year views -------------------------------------------------------------------------

    def holidays(self, year: int) -> list[tuple[date, str]]:
        """All public holidays of ``year`` (weekend ones included) with their names."""
        names, _ = self._year(year)
        return sorted(names.items())

    def non_working_days(self, year: int) -> list[tuple[date, str]]:
        """Monday–Friday dates of ``year`` that are not working days, with the reason (rule §2)."""
        names, _ = self._year(year)
        result: list[tuple[date, str]] = []
        day = date(year, 1, 1)
        while day.year == year:
            if day.weekday() < 5 and not self.is_working_day(day):
                reason = self._extra_off.get(day) or names.get(day) or DEFAULT_DAY_OFF_REASON
                result.append((day, reason))
            day += _ONE_DAY
        return result

    def make_up_working_days(self, year: int) -> list[tuple[date, str]]:
        """Weekend dates of ``year`` that are working days (library make-up days + overrides)."""
        _, make_up = self._year(year)
        candidates = set(make_up) | {day for day in self._extra_working if day.year == year}
        return sorted(
            (day, self._extra_working.get(day) or self._make_up_reason(day))
            for day in candidates
            if day.weekday() >= 5 and self.is_working_day(day)
        )

    def _make_up_reason(self, day: date) -> str:
        # The library names the swapped day off "Ngày nghỉ (thay cho ngày 22/08/2026)"; point back
        # to it. It may lie in another year (Sat 2014-12-27 for 2015-01-02, 2019-01-05 for 2018-12-31).
        needle = f"{day:%d/%m/%Y}"
        for year in (day.year, day.year + 1, day.year - 1):
            for other, name in sorted(self._year(year)[0].items()):
                if needle in name:
                    return f"{DEFAULT_MAKE_UP_REASON} (cho ngày nghỉ {other:%d/%m/%Y})"
        return DEFAULT_MAKE_UP_REASON
