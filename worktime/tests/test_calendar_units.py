"""Example-based tests of worktime.calendar, one rule at a time (see the module's rule §n)."""

from __future__ import annotations

import time as clock
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from worktime.calendar import (
    DEFAULT_WINDOWS,
    VN_TZ,
    Deadline,
    Override,
    Unit,
    WorkCalendar,
    WorkWindow,
    parse_windows,
    vietnam_public_holidays,
)

# A week without holidays: Mon 9 – Fri 13 March 2026.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 3, d) for d in range(9, 16))


def vn(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=VN_TZ)


def no_holidays(year: int) -> tuple[Mapping[date, str], AbstractSet[date]]:
    return {}, set()


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


# -- windows ---------------------------------------------------------------------------------


def test_default_windows_and_day_length(cal: WorkCalendar) -> None:
    assert parse_windows("08:00-12:00,13:00-17:00") == DEFAULT_WINDOWS
    assert DEFAULT_WINDOWS[0] == WorkWindow(time(8), time(12))
    assert cal.minutes_per_day == 480


def test_parse_windows_roundtrip() -> None:
    assert parse_windows("08:00-12:00,13:00-17:00") == DEFAULT_WINDOWS
    assert parse_windows(" 7:30 - 11:30 , 13:30-17:30 ") == (
        WorkWindow(time(7, 30), time(11, 30)),
        WorkWindow(time(13, 30), time(17, 30)),
    )
    # Touching windows do not overlap.
    assert len(parse_windows("08:00-12:00,12:00-16:00")) == 2


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("08:00-12:00,", "empty"),
        ("8h-12h", "HH:MM-HH:MM"),
        ("08:00-12:00;13:00-17:00", "HH:MM-HH:MM"),
        ("25:00-26:00", "bad time"),
        ("08:61-09:00", "bad time"),
        ("12:00-08:00", "before end"),
        ("08:00-08:00", "before end"),
        ("13:00-17:00,08:00-12:00", "sorted"),
        ("08:00-12:30,12:00-17:00", "overlap"),
    ],
)
def test_parse_windows_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_windows(spec)


def test_work_window_validation() -> None:
    with pytest.raises(ValueError, match="before end"):
        WorkWindow(time(17), time(8))
    with pytest.raises(ValueError, match="whole minutes"):
        WorkWindow(time(8, 0, 30), time(12))
    with pytest.raises(ValueError, match="overlap"):
        WorkCalendar(windows=(WorkWindow(time(8), time(12)), WorkWindow(time(11), time(17))))
    with pytest.raises(ValueError, match="at least one"):
        WorkCalendar(windows=())


# -- working days ----------------------------------------------------------------------------


def test_weekends_and_holidays_are_not_working_days(cal: WorkCalendar) -> None:
    assert [cal.is_working_day(d) for d in (MON, TUE, WED, THU, FRI, SAT, SUN)] == [True] * 5 + [False] * 2
    assert not cal.is_working_day(date(2026, 1, 1))  # Tết Dương lịch
    assert not cal.is_working_day(date(2026, 2, 17))  # Tết Nguyên Đán
    assert cal.is_working_day(date(2026, 8, 22))  # library make-up Saturday


def test_override_extra_day_off_and_make_up_saturday() -> None:
    cal = WorkCalendar(
        overrides=[
            Override(WED, working=False, reason="Nghỉ theo quyết định của UBND tỉnh"),
            Override(SAT, working=True, reason="Làm bù"),
            Override(date(2026, 1, 1), working=True),  # explicit working day beats a holiday
        ]
    )
    assert not cal.is_working_day(WED)
    assert cal.is_working_day(SAT)
    assert cal.is_working_day(date(2026, 1, 1))
    # Tue 16:00 + 1 working day skips Wednesday: Tue 1h + Thu 7h → Thu 16:00.
    assert cal.add(vn(TUE, 16), 1, Unit.WORKING_DAY) == vn(THU, 16)
    # Fri 16:00 + 1 working day uses the make-up Saturday: Fri 1h + Sat 7h → Sat 16:00.
    assert cal.add(vn(FRI, 16), 1, Unit.WORKING_DAY) == vn(SAT, 16)


def test_day_off_wins_when_a_date_is_in_both_override_sets() -> None:
    cal = WorkCalendar(overrides=[Override(TUE, working=True), Override(TUE, working=False)])
    assert not cal.is_working_day(TUE)
    cal = WorkCalendar(overrides=[Override(TUE, working=False), Override(TUE, working=True)])
    assert not cal.is_working_day(TUE)


def test_holiday_lookup_is_lazy_and_cached_per_year() -> None:
    asked: list[int] = []

    def source(year: int) -> tuple[Mapping[date, str], AbstractSet[date]]:
        asked.append(year)
        return vietnam_public_holidays(year)

    cal = WorkCalendar(holiday_source=source)
    assert asked == []
    # Thu 31 Dec 2026 10:00 + 1 working day → Fri 1 Jan 2027 is a holiday → Mon 4 Jan 10:00.
    assert cal.add(vn(date(2026, 12, 31), 10), 1, "working_day") == vn(date(2027, 1, 4), 10)
    cal.add(vn(date(2026, 12, 30), 10), 3, "working_day")
    assert asked == [2026, 2027]


def test_vietnam_public_holidays_filters_make_up_days_by_year() -> None:
    names, make_up = vietnam_public_holidays(2026)
    assert make_up == {date(2026, 8, 22)}  # the library also carries 2014-12-27 and 2019-01-05
    assert names[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert all(d.year == 2026 for d in names)


# -- instants and the clock start -------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "inside"),
    [
        (vn(MON, 7, 59, 59), False),
        (vn(MON, 8), True),  # an opening is inside
        (vn(MON, 11, 59, 59), True),
        (vn(MON, 12), False),  # a close is outside
        (vn(MON, 12, 30), False),
        (vn(MON, 13), True),
        (vn(MON, 17), False),
        (vn(SAT, 10), False),
    ],
)
def test_is_working_time(cal: WorkCalendar, instant: datetime, inside: bool) -> None:
    assert cal.is_working_time(instant) is inside


@pytest.mark.parametrize(
    ("received", "start"),
    [
        (vn(MON, 7), vn(MON, 8)),  # before the first window
        (vn(MON, 8), vn(MON, 8)),  # exactly at an opening: inside
        (vn(MON, 10, 15), vn(MON, 10, 15)),
        (vn(MON, 12), vn(MON, 13)),  # exactly at 12:00: lunch → 13:00
        (vn(MON, 12, 30), vn(MON, 13)),  # lunch gap
        (vn(MON, 17), vn(TUE, 8)),  # exactly at 17:00 → next working day
        (vn(MON, 21), vn(TUE, 8)),
        (vn(FRI, 17), vn(date(2026, 3, 16), 8)),
        (vn(SAT, 9), vn(date(2026, 3, 16), 8)),  # weekend start → Monday 08:00
        (vn(SUN, 23, 59), vn(date(2026, 3, 16), 8)),
    ],
)
def test_effective_start(cal: WorkCalendar, received: datetime, start: datetime) -> None:
    assert cal.effective_start(received) == start
    assert cal.next_opening(received) == start


def test_after_15h_rule(cal: WorkCalendar) -> None:
    assert cal.effective_start(vn(MON, 14, 59, 59), after_15h_next_day=True) == vn(MON, 14, 59, 59)
    assert cal.effective_start(vn(MON, 15), after_15h_next_day=True) == vn(TUE, 8)
    assert cal.effective_start(vn(MON, 16, 30), after_15h_next_day=True) == vn(TUE, 8)
    assert cal.effective_start(vn(FRI, 15), after_15h_next_day=True) == vn(date(2026, 3, 16), 8)
    # Without the flag 15:00 is ordinary working time.
    assert cal.effective_start(vn(MON, 15)) == vn(MON, 15)
    # Non-working day: the normal rule already moves to the next opening.
    assert cal.effective_start(vn(SAT, 16), after_15h_next_day=True) == vn(date(2026, 3, 16), 8)
    # The cutoff is on local time: 08:00 UTC is 15:00 in Vietnam.
    received_utc = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    assert cal.effective_start(received_utc, after_15h_next_day=True) == vn(TUE, 8)


def test_after_15h_rule_through_deadline(cal: WorkCalendar) -> None:
    # 14:59 + 1 working day: Mon 2h01 + Tue 5h59 → Tue 14:59.
    assert cal.deadline(vn(MON, 14, 59), 1, "working_day", after_15h_next_day=True) == Deadline(
        start=vn(MON, 14, 59), due=vn(TUE, 14, 59)
    )
    # 15:00: the clock starts Tue 08:00, so 1 working day ends Tue 17:00.
    assert cal.deadline(vn(MON, 15), 1, "working_day", after_15h_next_day=True) == Deadline(
        start=vn(TUE, 8), due=vn(TUE, 17)
    )


def test_naive_datetimes_are_rejected(cal: WorkCalendar) -> None:
    naive = datetime(2026, 3, 9, 10)
    aware = vn(MON, 10)
    for call in (
        lambda: cal.is_working_time(naive),
        lambda: cal.next_opening(naive),
        lambda: cal.effective_start(naive),
        lambda: cal.add(naive, 1, "working_day"),
        lambda: cal.deadline(naive, 1, "working_day"),
        lambda: cal.working_minutes_between(naive, aware),
        lambda: cal.working_minutes_between(aware, naive),
        lambda: cal.remaining_minutes(naive, aware),
        lambda: cal.is_approaching(aware, naive),
        lambda: cal.resume(due=aware, paused_at=naive, resumed_at=aware, unit="working_day"),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


def test_any_input_zone_results_in_vietnam_time(cal: WorkCalendar) -> None:
    received = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    due = cal.add(received, 1, Unit.WORKING_DAY)
    assert due == vn(TUE, 10)
    assert due.tzinfo is VN_TZ
    plus_seven = timezone(timedelta(hours=7))
    assert cal.effective_start(datetime(2026, 3, 9, 12, tzinfo=plus_seven)).tzinfo is VN_TZ


# -- working units ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        (vn(MON, 10), 1, "working_day", vn(TUE, 10)),
        (vn(MON, 8), 1, "working_day", vn(MON, 17)),  # not Tue 08:00
        (vn(MON, 8), 4, "working_hour", vn(MON, 12)),  # ends exactly at 12:00 → 12:00, not 13:00
        (vn(MON, 9), 3, "working_hour", vn(MON, 12)),
        (vn(MON, 11), 2, "working_hour", vn(MON, 14)),  # 1h before lunch + 1h after
        (vn(MON, 13), 4, "working_hour", vn(MON, 17)),
        (vn(MON, 16), 2, "working_hour", vn(TUE, 9)),
        (vn(MON, 12, 30), 1, "working_hour", vn(MON, 14)),  # starts at 13:00
        (vn(FRI, 10), 1, "working_day", vn(date(2026, 3, 16), 10)),  # over the weekend
        (vn(MON, 8), 5, "working_day", vn(FRI, 17)),
        (vn(MON, 10), 0, "working_day", vn(MON, 10)),  # amount 0 → the start itself
        (vn(MON, 12), 0, "working_hour", vn(MON, 13)),  # … the effective start
        (vn(MON, 10, 0, 30), 1, "working_hour", vn(MON, 11, 0, 30)),  # seconds are kept
    ],
)
def test_add_working_units(cal: WorkCalendar, start: datetime, amount: int, unit: str, due: datetime) -> None:
    assert cal.add(start, amount, unit) == due


@pytest.mark.parametrize(
    ("amount", "unit", "due"),
    [
        (Decimal("0.5"), Unit.WORKING_DAY, vn(MON, 12)),  # 240 minutes
        (Decimal("1.5"), Unit.WORKING_DAY, vn(TUE, 12)),
        (Decimal("0.25"), Unit.WORKING_HOUR, vn(MON, 8, 15)),
        (Decimal("0.0083"), Unit.WORKING_HOUR, vn(MON, 8, 0)),  # 0.498 min → 0
        (Decimal("0.0084"), Unit.WORKING_HOUR, vn(MON, 8, 1)),  # 0.504 min → 1
        (Decimal("0.025"), Unit.WORKING_HOUR, vn(MON, 8, 2)),  # 1.5 min → 2 (half up)
        (Decimal("0.0625"), Unit.WORKING_DAY, vn(MON, 8, 30)),  # 30 minutes
        (Decimal("3"), Unit.WORKING_HOUR, vn(MON, 11)),
    ],
)
def test_decimal_amounts(cal: WorkCalendar, amount: Decimal, unit: Unit, due: datetime) -> None:
    assert cal.add(vn(MON, 8), amount, unit) == due


def test_bad_amounts_and_units(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add(vn(MON, 8), -1, Unit.WORKING_DAY)
    with pytest.raises(ValueError, match="negative"):
        cal.deadline(vn(MON, 8), Decimal("-0.5"), Unit.WORKING_HOUR)
    with pytest.raises(ValueError, match="negative"):
        cal.add(vn(MON, 8), -3, Unit.CALENDAR_DAY)
    with pytest.raises(ValueError, match="finite"):
        cal.add(vn(MON, 8), Decimal("NaN"), Unit.WORKING_HOUR)
    with pytest.raises(ValueError, match="whole"):
        cal.add(vn(MON, 8), Decimal("1.5"), Unit.CALENDAR_DAY)
    with pytest.raises(TypeError):
        cal.add(vn(MON, 8), 1.5, Unit.WORKING_DAY)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cal.add(vn(MON, 8), True, Unit.WORKING_DAY)
    with pytest.raises(ValueError):
        cal.add(vn(MON, 8), 1, "fortnight")


def test_unit_values() -> None:
    assert [u.value for u in Unit] == ["working_day", "working_hour", "calendar_day"]
    assert Unit("working_hour") is Unit.WORKING_HOUR


def test_custom_windows() -> None:
    cal = WorkCalendar(windows=parse_windows("07:30-11:30,13:30-17:30"))
    assert cal.minutes_per_day == 480
    assert cal.effective_start(vn(MON, 7)) == vn(MON, 7, 30)
    assert cal.effective_start(vn(MON, 11, 30)) == vn(MON, 13, 30)
    assert cal.effective_start(vn(MON, 17, 15)) == vn(MON, 17, 15)
    assert cal.effective_start(vn(MON, 17, 30)) == vn(TUE, 7, 30)
    # Mon 07:30 + 1 working day → Mon 17:30.
    assert cal.add(vn(MON, 7, 30), 1, "working_day") == vn(MON, 17, 30)
    # Mon 10:30 + 2 working hours: 10:30–11:30 (1h) + 13:30–14:30 (1h) → 14:30.
    assert cal.add(vn(MON, 10, 30), 2, "working_hour") == vn(MON, 14, 30)
    # Mon 09:00 + 5 calendar days = Sat → next working day Mon 16 Mar at close 17:30.
    assert cal.add(vn(MON, 9), 5, "calendar_day") == vn(date(2026, 3, 16), 17, 30)


def test_three_windows_with_a_short_day() -> None:
    cal = WorkCalendar(
        windows=parse_windows("08:00-10:00,10:30-12:00,13:00-14:00"), holiday_source=no_holidays
    )
    assert cal.minutes_per_day == 270
    # 1 working day from Mon 09:00: 60 + 90 + 60 = 210 → 60 left on Tue: 08:00 + 60 → 09:00.
    assert cal.add(vn(MON, 9), 1, "working_day") == vn(TUE, 9)
    assert cal.add(vn(MON, 9), 1, "working_hour") == vn(MON, 10)  # ends at a close
    assert cal.effective_start(vn(MON, 10)) == vn(MON, 10, 30)


# -- calendar days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "due"),
    [
        (vn(MON, 10), 1, vn(TUE, 17)),
        (vn(MON, 10), 0, vn(MON, 17)),
        (vn(MON, 10), 4, vn(FRI, 17)),
        (vn(MON, 10), 5, vn(date(2026, 3, 16), 17)),  # Saturday → Monday close
        (vn(MON, 10), 6, vn(date(2026, 3, 16), 17)),  # Sunday → Monday close
        (vn(MON, 17), 1, vn(WED, 17)),  # the clock starts Tue 08:00
        (vn(SAT, 10), 1, vn(date(2026, 3, 17), 17)),  # starts Mon 16 → Tue 17
    ],
)
def test_calendar_days(cal: WorkCalendar, received: datetime, amount: int, due: datetime) -> None:
    assert cal.deadline(received, amount, Unit.CALENDAR_DAY).due == due
    assert cal.deadline(received, Decimal(amount), Unit.CALENDAR_DAY).due == due


def test_calendar_days_with_after_15h_rule(cal: WorkCalendar) -> None:
    # Received Mon 15:30 → starts Tue 08:00 → Tue + 2 = Thu close.
    assert cal.deadline(vn(MON, 15, 30), 2, "calendar_day", after_15h_next_day=True).due == vn(THU, 17)
    assert cal.deadline(vn(MON, 14, 30), 2, "calendar_day", after_15h_next_day=True).due == vn(WED, 17)


# -- measuring, remaining, approaching --------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        (vn(MON, 8), vn(MON, 17), 480),
        (vn(MON, 11), vn(MON, 14), 120),  # the lunch hour does not count
        (vn(MON, 12), vn(MON, 13), 0),
        (vn(MON, 16), vn(TUE, 9), 120),
        (vn(FRI, 16), vn(date(2026, 3, 16), 9), 120),
        (vn(MON, 8), vn(date(2026, 3, 16), 8), 5 * 480),
        (vn(MON, 10), vn(MON, 10), 0),
        (vn(TUE, 10), vn(MON, 10), 0),  # b before a
        (vn(MON, 10, 0, 30), vn(MON, 10, 2), 1),  # 1.5 minutes → whole minutes
    ],
)
def test_working_minutes_between(cal: WorkCalendar, a: datetime, b: datetime, minutes: int) -> None:
    assert cal.working_minutes_between(a, b) == minutes


def test_remaining_minutes_and_approaching(cal: WorkCalendar) -> None:
    due = vn(WED, 10)
    assert cal.remaining_minutes(due, vn(MON, 10)) == 960
    assert not cal.is_approaching(due, vn(MON, 10))
    assert cal.remaining_minutes(due, vn(TUE, 9, 59)) == 481
    assert not cal.is_approaching(due, vn(TUE, 9, 59))
    assert cal.remaining_minutes(due, vn(TUE, 10)) == 480  # exactly one working day left
    assert cal.is_approaching(due, vn(TUE, 10))
    assert cal.remaining_minutes(due, vn(TUE, 17, 30)) == 120
    assert cal.is_approaching(due, vn(TUE, 17, 30))
    assert cal.remaining_minutes(due, due) == 0
    assert cal.is_approaching(due, due)  # due now, not yet overdue
    # Overdue: minus the working minutes from the due to now (Wed 10–12, 13–14).
    assert cal.remaining_minutes(due, vn(WED, 14)) == -180
    assert not cal.is_approaching(due, vn(WED, 14))
    # Passed only by non-working time: 0 remaining, but no longer approaching.
    friday_close = vn(FRI, 17)
    assert cal.remaining_minutes(friday_close, vn(SAT, 10)) == 0
    assert not cal.is_approaching(friday_close, vn(SAT, 10))


# -- pause / resume --------------------------------------------------------------------------


def test_resume_working_units(cal: WorkCalendar) -> None:
    # Due Wed 10:00, paused Mon 10:00 (16h left), resumed Tue 10:00 → Tue 10:00 + 16h = Thu 10:00.
    assert cal.resume(
        due=vn(WED, 10), paused_at=vn(MON, 10), resumed_at=vn(TUE, 10), unit="working_day"
    ) == vn(THU, 10)
    # Resumed during lunch: the clock restarts at 13:00. 2h left → 15:00.
    assert cal.resume(
        due=vn(MON, 12), paused_at=vn(MON, 10), resumed_at=vn(MON, 12, 30), unit=Unit.WORKING_HOUR
    ) == vn(MON, 15)
    # Paused during the weekend: the remaining time is the whole next Monday → Tue opening + 8h.
    monday = date(2026, 3, 16)
    assert cal.resume(
        due=vn(monday, 17), paused_at=vn(SAT, 10), resumed_at=vn(monday, 17), unit="working_day"
    ) == vn(date(2026, 3, 17), 17)
    # Paused after the due: nothing remains; the due becomes the restart.
    assert cal.resume(
        due=vn(MON, 10), paused_at=vn(MON, 11), resumed_at=vn(TUE, 7), unit="working_day"
    ) == vn(TUE, 8)
    # Pause and resume at the same instant: unchanged.
    assert cal.resume(due=vn(WED, 10), paused_at=vn(MON, 9), resumed_at=vn(MON, 9), unit="working_day") == vn(
        WED, 10
    )


def test_resume_calendar_days(cal: WorkCalendar) -> None:
    # Due Wed close; paused Mon, resumed Tue (1 calendar day) → Thu close.
    assert cal.resume(
        due=vn(WED, 17), paused_at=vn(MON, 16), resumed_at=vn(TUE, 9), unit="calendar_day"
    ) == vn(THU, 17)
    # Shift of 3 calendar days: Thu + 3 = Sun → Mon 16 close.
    assert cal.resume(
        due=vn(THU, 17), paused_at=vn(MON, 10), resumed_at=vn(THU, 10), unit="calendar_day"
    ) == vn(date(2026, 3, 16), 17)
    # Same-day pause: unchanged.
    assert cal.resume(
        due=vn(THU, 17), paused_at=vn(MON, 9), resumed_at=vn(MON, 16), unit="calendar_day"
    ) == vn(THU, 17)


def test_resume_before_pause_is_rejected(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="before paused_at"):
        cal.resume(due=vn(WED, 10), paused_at=vn(TUE, 10), resumed_at=vn(MON, 10), unit="working_day")


# -- year views ------------------------------------------------------------------------------


def test_year_views_with_overrides() -> None:
    cal = WorkCalendar(
        overrides=[
            Override(date(2026, 3, 10), working=False, reason="Bầu cử"),
            Override(date(2026, 3, 11), working=False),
            Override(date(2026, 3, 14), working=True, reason="Làm bù ngày 10/3"),
            Override(date(2026, 2, 17), working=True),  # a holiday made working again
        ]
    )
    off = dict(cal.non_working_days(2026))
    assert off[date(2026, 3, 10)] == "Bầu cử"
    assert off[date(2026, 3, 11)] == "Ngày nghỉ bổ sung"
    assert date(2026, 2, 17) not in off
    assert date(2026, 4, 26) not in off  # a Sunday holiday is not listed here …
    assert (date(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương") in cal.holidays(2026)  # … but is a holiday
    assert cal.make_up_working_days(2026) == [
        (date(2026, 3, 14), "Làm bù ngày 10/3"),
        (date(2026, 8, 22), "Ngày làm việc bù (cho ngày nghỉ 31/08/2026)"),
    ]
    assert all(d.weekday() < 5 for d, _ in off.items())


def test_cancelled_make_up_day_is_not_listed() -> None:
    cal = WorkCalendar(overrides=[Override(date(2026, 8, 22), working=False)])
    assert cal.make_up_working_days(2026) == []
    assert not cal.is_working_day(date(2026, 8, 22))


def test_runaway_holiday_source_is_reported() -> None:
    def everything_off(year: int) -> tuple[Mapping[date, str], AbstractSet[date]]:
        first = date(year, 1, 1)
        return {
            first + timedelta(days=i): "off" for i in range(366) if (first + timedelta(days=i)).year == year
        }, set()

    with pytest.raises(ValueError, match="no working day"):
        WorkCalendar(holiday_source=everything_off).next_opening(vn(MON, 10))


# -- speed -----------------------------------------------------------------------------------


def test_long_deadlines_are_fast(cal: WorkCalendar) -> None:
    start = vn(date(2026, 1, 5), 10)
    cal.add(start, 1000, Unit.WORKING_DAY)  # warm the per-year holiday cache
    runs = 200
    began = clock.perf_counter()
    for _ in range(runs):
        cal.deadline(start, 60, Unit.WORKING_DAY)
    per_call = (clock.perf_counter() - began) / runs
    assert per_call < 0.002
    # 1000 working days ≈ 4 calendar years; still exact: 1000 × 480 minutes.
    due = cal.add(start, 1000, Unit.WORKING_DAY)
    assert cal.working_minutes_between(start, due) == 1000 * 480


def test_make_up_reason_points_to_the_swapped_day_off_across_years(cal: WorkCalendar) -> None:
    # Sat 27 Dec 2014 was worked for Fri 2 Jan 2015; Sat 5 Jan 2019 for Mon 31 Dec 2018.
    assert (date(2014, 12, 27), "Ngày làm việc bù (cho ngày nghỉ 02/01/2015)") in cal.make_up_working_days(
        2014
    )
    assert cal.make_up_working_days(2019)[0] == (
        date(2019, 1, 5),
        "Ngày làm việc bù (cho ngày nghỉ 31/12/2018)",
    )
    assert not cal.is_working_day(date(2018, 12, 31))
    assert cal.is_working_day(date(2019, 1, 5))
