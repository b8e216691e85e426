"""Property-based tests of worktime.calendar (hypothesis)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from worktime.calendar import (
    VN_TZ,
    Unit,
    WorkCalendar,
    parse_windows,
    vietnam_public_holidays,
)

SETTINGS = settings(max_examples=200, deadline=None, database=None)

CAL = WorkCalendar()
CUSTOM = WorkCalendar(windows=parse_windows("07:30-11:30,13:30-17:30"))
CALENDARS = st.sampled_from([CAL, CUSTOM])
WORKING_UNITS = st.sampled_from([Unit.WORKING_DAY, Unit.WORKING_HOUR])

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([VN_TZ, UTC, ZoneInfo("Europe/Paris")]),
)
whole_minute_instants = instants.map(lambda t: t.replace(second=0, microsecond=0))


def amounts(unit: Unit) -> st.SearchStrategy[int]:
    if unit is Unit.WORKING_HOUR:
        return st.integers(0, 500)
    return st.integers(0, 60)


def required_minutes(cal: WorkCalendar, amount: int, unit: Unit) -> int:
    return amount * (60 if unit is Unit.WORKING_HOUR else cal.minutes_per_day)


def in_working_time_closed(cal: WorkCalendar, t: datetime) -> bool:
    """On a working day and start <= t <= end of some window (closes count)."""
    local = t.astimezone(cal.tz)
    return cal.is_working_day(local.date()) and any(w.start <= local.time() <= w.end for w in cal.windows)


@SETTINGS
@given(cal=CALENDARS, start=instants, unit=st.sampled_from(list(Unit)), data=st.data())
def test_due_is_in_working_time(cal: WorkCalendar, start: datetime, unit: Unit, data: st.DataObject) -> None:
    """(a) The due instant lies in working time (closed windows) and never on a non-working day."""
    amount = data.draw(amounts(unit))
    due = cal.add(start, amount, unit)
    assert due.tzinfo is cal.tz
    assert cal.is_working_day(due.date())
    assert in_working_time_closed(cal, due)
    assert due >= cal.next_opening(start) >= start


@SETTINGS
@given(
    cal=CALENDARS,
    start=instants,
    unit=st.sampled_from(list(Unit)),
    pair=st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted),
    after_15h=st.booleans(),
)
def test_due_is_monotonic_in_amount(
    cal: WorkCalendar, start: datetime, unit: Unit, pair: list[int], after_15h: bool
) -> None:
    """(b) More time never gives an earlier due."""
    small, large = pair
    first = cal.deadline(start, small, unit, after_15h_next_day=after_15h)
    second = cal.deadline(start, large, unit, after_15h_next_day=after_15h)
    assert first.start == second.start
    assert first.due <= second.due


@SETTINGS
@given(cal=CALENDARS, received=instants, unit=WORKING_UNITS, after_15h=st.booleans(), data=st.data())
def test_working_time_between_start_and_due_is_the_requirement(
    cal: WorkCalendar, received: datetime, unit: Unit, after_15h: bool, data: st.DataObject
) -> None:
    """(c) working_minutes_between(effective start, due) == the required minutes, and the due is
    the earliest such instant (no working time could be cut off its end)."""
    amount = data.draw(amounts(unit))
    deadline = cal.deadline(received, amount, unit, after_15h_next_day=after_15h)
    required = required_minutes(cal, amount, unit)
    assert cal.working_minutes_between(deadline.start, deadline.due) == required
    assert cal.remaining_minutes(deadline.due, deadline.start) == required
    if required:
        assert (
            cal.working_minutes_between(deadline.start, deadline.due - timedelta(seconds=60)) == required - 1
        )
    else:
        assert deadline.due == deadline.start


@SETTINGS
@given(
    cal=CALENDARS,
    received=instants,
    unit=WORKING_UNITS,
    fraction=st.floats(0, 1, exclude_max=True),
    k=st.integers(1, 40),
    data=st.data(),
)
def test_pause_of_k_working_hours_shifts_due_by_k_hours(
    cal: WorkCalendar, received: datetime, unit: Unit, fraction: float, k: int, data: st.DataObject
) -> None:
    """(d) A pause that begins inside working time and covers exactly k working hours shifts the
    due by exactly k working hours."""
    amount = data.draw(amounts(unit).filter(bool))
    deadline = cal.deadline(received, amount, unit)
    paused_at = cal.next_opening(deadline.start + (deadline.due - deadline.start) * fraction)
    assume(paused_at < deadline.due)
    assert cal.is_working_time(paused_at)
    resumed_at = cal.add(paused_at, k, Unit.WORKING_HOUR)
    assert cal.working_minutes_between(paused_at, resumed_at) == k * 60
    new_due = cal.resume(due=deadline.due, paused_at=paused_at, resumed_at=resumed_at, unit=unit)
    assert new_due == cal.add(deadline.due, k, Unit.WORKING_HOUR)
    # The working time left after resuming equals what was left when pausing.
    assert cal.working_minutes_between(cal.next_opening(resumed_at), new_due) == cal.working_minutes_between(
        paused_at, deadline.due
    )
    # A zero-length pause changes nothing.
    assert cal.resume(due=deadline.due, paused_at=paused_at, resumed_at=paused_at, unit=unit) == deadline.due


@SETTINGS
@given(
    cal=CALENDARS,
    start=instants,
    unit=WORKING_UNITS,
    a=st.integers(0, 30),
    b=st.integers(1, 30),
)
def test_add_is_additive(cal: WorkCalendar, start: datetime, unit: Unit, a: int, b: int) -> None:
    """(e) add(add(s, a), b) == add(s, a + b) for working units (b > 0: with b == 0 a due at a
    close would move on to the next opening)."""
    assert cal.add(cal.add(start, a, unit), b, unit) == cal.add(start, a + b, unit)


@SETTINGS
@given(start=instants, days=st.integers(0, 20), hours=st.integers(1, 100))
def test_days_and_hours_compose(start: datetime, days: int, hours: int) -> None:
    """(e') A working day is 8 working hours with the default windows."""
    assert CAL.add(CAL.add(start, days, Unit.WORKING_DAY), hours, Unit.WORKING_HOUR) == CAL.add(
        start, 8 * days + hours, Unit.WORKING_HOUR
    )


@settings(max_examples=100, deadline=None, database=None)
@given(
    cal=CALENDARS,
    a=whole_minute_instants,
    span=st.integers(0, 3 * 24 * 60),
)
def test_working_minutes_agree_with_minute_by_minute_count(cal: WorkCalendar, a: datetime, span: int) -> None:
    """working_minutes_between counts the minutes m in [a, b) for which is_working_time(m)."""
    b = a + timedelta(minutes=span)
    step = timedelta(minutes=1)
    brute = sum(cal.is_working_time(a + i * step) for i in range(span))
    assert cal.working_minutes_between(a, b) == brute


# -- (f) deadlines crossing 31 December ------------------------------------------------------

late_december = st.builds(
    lambda year, day, minute: datetime(year, 12, day, tzinfo=VN_TZ) + timedelta(minutes=minute),
    st.integers(2024, 2030),
    st.integers(15, 31),
    st.integers(0, 24 * 60 - 1),
)


def with_fake_2_january(year: int) -> tuple[Mapping[date, str], AbstractSet[date]]:
    names, make_up = vietnam_public_holidays(year)
    return {**names, date(year, 1, 2): "Ngày nghỉ giả định"}, make_up


FAKE = WorkCalendar(holiday_source=with_fake_2_january)


def reference_due(start: datetime, minutes: int) -> datetime:
    """Independent reference: walk whole windows using one holiday table per year of the date."""
    tables: dict[int, tuple[Mapping[date, str], AbstractSet[date]]] = {}

    def working(day: date) -> bool:
        if day.year not in tables:
            tables[day.year] = with_fake_2_january(day.year)
        names, make_up = tables[day.year]
        return day not in names and (day.weekday() < 5 or day in make_up)

    t = start.astimezone(VN_TZ)
    left = timedelta(minutes=minutes)
    day = t.date()
    while True:
        if working(day):
            for open_h, close_h in ((8, 12), (13, 17)):
                lo = datetime(day.year, day.month, day.day, open_h, tzinfo=VN_TZ)
                hi = datetime(day.year, day.month, day.day, close_h, tzinfo=VN_TZ)
                lo = max(lo, t)
                if hi <= lo:
                    continue
                if left == timedelta(0):
                    return lo
                if left <= hi - lo:
                    return lo + left
                left -= hi - lo
        day += timedelta(days=1)


@SETTINGS
@given(start=late_december, unit=WORKING_UNITS, data=st.data())
def test_year_end_uses_next_years_holidays(start: datetime, unit: Unit, data: st.DataObject) -> None:
    """(f) Late-December deadlines skip the next year's holidays (real 1 January, fake 2 January)
    and equal a count that uses the next year's holiday table."""
    amount = data.draw(st.integers(0, 15) if unit is Unit.WORKING_DAY else st.integers(0, 120))
    due = FAKE.add(start, amount, unit)
    next_year = start.year + 1
    assert due.date() != date(next_year, 1, 2)
    assert due.date() not in vietnam_public_holidays(next_year)[0]
    assert due.date() != date(next_year, 1, 1)
    assert due == reference_due(start, required_minutes(FAKE, amount, unit))
    # Past a fake 2 January that is really a working day, the real calendar counts one more
    # working day in the same interval: the fake table really was consulted.
    second = date(next_year, 1, 2)
    effective = FAKE.next_opening(start)
    if effective.date() < second < due.date() and CAL.is_working_day(second):
        assert CAL.working_minutes_between(effective, due) == required_minutes(FAKE, amount, unit) + 480


@SETTINGS
@given(start=late_december, days=st.integers(0, 20))
def test_year_end_calendar_days_skip_next_years_holidays(start: datetime, days: int) -> None:
    """(f) Calendar-day deadlines also move past next year's holidays."""
    due = FAKE.add(start, days, Unit.CALENDAR_DAY)
    assert FAKE.is_working_day(due.date())
    assert due.date() not in (date(start.year + 1, 1, 1), date(start.year + 1, 1, 2))
    assert due.date() >= FAKE.next_opening(start).date() + timedelta(days=days)
