"""Golden cases around Tết Bính Ngọ 2026 and other 2026 holidays, computed by hand.

2026 facts (from holidays==0.109, checked by printing ``holidays.Vietnam(years=2026)``):
  Thu 1 Jan Tết Dương lịch; Mon 16 – Fri 20 Feb Tết (so Sat 14 – Sun 22 Feb are all off);
  Sun 26 Apr Giỗ Tổ Hùng Vương, observed Mon 27 Apr; Thu 30 Apr; Fri 1 May;
  Sat 22 Aug is a make-up working day for Mon 31 Aug; Tue 1 and Wed 2 Sep Quốc khánh;
  Tue 24 Nov Ngày Văn hóa Việt Nam. 2027: Fri 1 Jan Tết Dương lịch.
Default windows 08:00–12:00, 13:00–17:00: a working day is 480 minutes.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from worktime.calendar import VN_TZ, Deadline, Unit, WorkCalendar, parse_windows


def vn(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_tet_2026_table(cal: WorkCalendar) -> None:
    assert [d for d, _ in cal.holidays(2026) if d.month == 2] == [date(2026, 2, d) for d in range(16, 21)]
    assert [cal.is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [True] + [False] * 9 + [True]


def test_received_fri_13_feb_1000_plus_1_working_day(cal: WorkCalendar) -> None:
    # Fri 13 Feb 10:00–12:00 = 120, 13:00–17:00 = 240 → 360; 120 left.
    # Sat 14 – Sun 22 Feb are off. Mon 23 Feb 08:00 + 120 → 10:00.
    assert cal.deadline(vn(2026, 2, 13, 10), 1, Unit.WORKING_DAY) == Deadline(
        start=vn(2026, 2, 13, 10), due=vn(2026, 2, 23, 10)
    )


def test_received_thu_12_feb_1630_plus_2_working_days(cal: WorkCalendar) -> None:
    # Need 960. Thu 12 Feb 16:30–17:00 = 30 (930 left); Fri 13 Feb = 480 (450 left);
    # 14–22 Feb off; Mon 23 Feb 08:00–12:00 = 240 (210 left); 13:00 + 210 → 16:30.
    assert cal.deadline(vn(2026, 2, 12, 16, 30), 2, Unit.WORKING_DAY).due == vn(2026, 2, 23, 16, 30)


def test_received_fri_13_feb_1530_with_and_without_after_15h_rule(cal: WorkCalendar) -> None:
    # With the rule: 15:30 >= 15:00 on a working day → next working day is Mon 23 Feb;
    # start 08:00, + 480 → Mon 23 Feb 17:00 (same day, not Tue 08:00).
    assert cal.deadline(vn(2026, 2, 13, 15, 30), 1, "working_day", after_15h_next_day=True) == Deadline(
        start=vn(2026, 2, 23, 8), due=vn(2026, 2, 23, 17)
    )
    # Without it: Fri 15:30–17:00 = 90 (390 left); Mon 23 08:00–12:00 = 240 (150 left);
    # 13:00 + 150 → 15:30.
    assert cal.deadline(vn(2026, 2, 13, 15, 30), 1, "working_day").due == vn(2026, 2, 23, 15, 30)


def test_received_fri_13_feb_1459_with_after_15h_rule(cal: WorkCalendar) -> None:
    # 14:59 < 15:00: starts at once. Fri 14:59–17:00 = 121 (359 left); Mon 23 08:00–12:00 = 240
    # (119 left); 13:00 + 119 → 14:59.
    assert cal.deadline(vn(2026, 2, 13, 14, 59), 1, "working_day", after_15h_next_day=True) == Deadline(
        start=vn(2026, 2, 13, 14, 59), due=vn(2026, 2, 23, 14, 59)
    )


def test_received_sat_14_feb_0900_plus_4_working_hours(cal: WorkCalendar) -> None:
    # Sat 14 Feb is off, so is everything up to Sun 22 Feb → start Mon 23 Feb 08:00;
    # + 240 → 12:00 exactly (due at 12:00, not 13:00).
    assert cal.deadline(vn(2026, 2, 14, 9), 4, Unit.WORKING_HOUR) == Deadline(
        start=vn(2026, 2, 23, 8), due=vn(2026, 2, 23, 12)
    )


def test_received_thu_5_feb_plus_10_calendar_days(cal: WorkCalendar) -> None:
    # 5 Feb + 10 = Sun 15 Feb → not working; 16–20 Feb Tết, 21–22 weekend →
    # close of Mon 23 Feb = 17:00.
    assert cal.deadline(vn(2026, 2, 5, 10), 10, Unit.CALENDAR_DAY).due == vn(2026, 2, 23, 17)


def test_received_fri_13_feb_1600_plus_3_calendar_days(cal: WorkCalendar) -> None:
    # 13 Feb + 3 = Mon 16 Feb (Giao thừa) → next working day Mon 23 Feb → 17:00.
    assert cal.deadline(vn(2026, 2, 13, 16), 3, Unit.CALENDAR_DAY).due == vn(2026, 2, 23, 17)


def test_received_wed_31_dec_2025_1600_plus_1_working_day(cal: WorkCalendar) -> None:
    # Wed 31 Dec 16:00–17:00 = 60 (420 left); Thu 1 Jan 2026 is a holiday (2026 table);
    # Fri 2 Jan 08:00–12:00 = 240 (180 left); 13:00 + 180 → 16:00.
    assert cal.deadline(vn(2025, 12, 31, 16), 1, Unit.WORKING_DAY).due == vn(2026, 1, 2, 16)


def test_received_thu_31_dec_2026_1000_plus_1_working_day(cal: WorkCalendar) -> None:
    # Thu 31 Dec 10:00–17:00 = 360 (120 left); Fri 1 Jan 2027 holiday (2027 table);
    # Sat 2, Sun 3 weekend; Mon 4 Jan 08:00 + 120 → 10:00.
    assert cal.deadline(vn(2026, 12, 31, 10), 1, Unit.WORKING_DAY).due == vn(2027, 1, 4, 10)


def test_received_mon_27_apr_2026_plus_5_working_days(cal: WorkCalendar) -> None:
    # Mon 27 Apr is the observed Hùng Kings day → start Tue 28 Apr 08:00.
    # Working days: Tue 28 (1), Wed 29 (2); Thu 30 Apr, Fri 1 May holidays; Sat 2, Sun 3 weekend;
    # Mon 4 (3), Tue 5 (4), Wed 6 May (5) → due Wed 6 May 17:00.
    assert cal.deadline(vn(2026, 4, 27, 9), 5, Unit.WORKING_DAY) == Deadline(
        start=vn(2026, 4, 28, 8), due=vn(2026, 5, 6, 17)
    )


def test_received_fri_24_apr_2026_1500_after_15h_plus_3_working_days(cal: WorkCalendar) -> None:
    # 15:00 on a working day → next working day: Sat 25, Sun 26 (Hùng Kings), Mon 27 (observed)
    # are off → start Tue 28 Apr 08:00. Tue 28 (1), Wed 29 (2), Mon 4 May (3) → Mon 4 May 17:00.
    assert cal.deadline(vn(2026, 4, 24, 15), 3, Unit.WORKING_DAY, after_15h_next_day=True) == Deadline(
        start=vn(2026, 4, 28, 8), due=vn(2026, 5, 4, 17)
    )


def test_make_up_saturday_22_aug_2026(cal: WorkCalendar) -> None:
    # Fri 21 Aug 14:00–17:00 = 180 (300 left); Sat 22 Aug is a make-up working day:
    # 08:00–12:00 = 240 (60 left); 13:00 + 60 → Sat 22 Aug 14:00.
    assert cal.deadline(vn(2026, 8, 21, 14), 1, Unit.WORKING_DAY).due == vn(2026, 8, 22, 14)
    # Received on that Saturday at 09:00: it is working time, the clock starts at once.
    assert cal.effective_start(vn(2026, 8, 22, 9)) == vn(2026, 8, 22, 9)


def test_national_day_2026_bridge(cal: WorkCalendar) -> None:
    # Need 960. Fri 28 Aug 10:00–17:00 = 360 (600 left); Sat 29, Sun 30 weekend;
    # Mon 31 Aug day off (swapped with 22 Aug); Tue 1, Wed 2 Sep Quốc khánh;
    # Thu 3 Sep = 480 (120 left); Fri 4 Sep 08:00 + 120 → 10:00.
    assert cal.deadline(vn(2026, 8, 28, 10), 2, Unit.WORKING_DAY).due == vn(2026, 9, 4, 10)


def test_pause_across_tet(cal: WorkCalendar) -> None:
    # Received Tue 10 Feb 08:00 + 5 working days: Tue 10, Wed 11, Thu 12, Fri 13, Mon 23 → Mon 23 17:00.
    deadline = cal.deadline(vn(2026, 2, 10, 8), 5, Unit.WORKING_DAY)
    assert deadline.due == vn(2026, 2, 23, 17)
    # Paused Wed 11 10:00, resumed Thu 12 10:00 (one working day of pause).
    # Left at pause: Wed 10:00–17:00 = 360, Thu 480, Fri 480, Mon 23 480 → 1800.
    # From Thu 12 10:00: Thu 360 (1440 left), Fri 13 480 (960), Mon 23 480 (480), Tue 24 480 → 17:00.
    new_due = cal.resume(
        due=deadline.due, paused_at=vn(2026, 2, 11, 10), resumed_at=vn(2026, 2, 12, 10), unit=Unit.WORKING_DAY
    )
    assert new_due == vn(2026, 2, 24, 17)


def test_pause_during_tet(cal: WorkCalendar) -> None:
    # Due Wed 25 Feb 12:00. Paused Fri 13 Feb 16:00, resumed Tue 17 Feb (Tết) 09:00.
    # Left at pause: Fri 16:00–17:00 = 60, Mon 23 480, Tue 24 480, Wed 25 08:00–12:00 240 → 1260.
    # Restart: Tue 17 Feb is off → Mon 23 Feb 08:00. Mon 480 (780), Tue 480 (300),
    # Wed 25 08:00–12:00 240 (60), 13:00 + 60 → Wed 25 Feb 14:00.
    new_due = cal.resume(
        due=vn(2026, 2, 25, 12),
        paused_at=vn(2026, 2, 13, 16),
        resumed_at=vn(2026, 2, 17, 9),
        unit=Unit.WORKING_HOUR,
    )
    assert new_due == vn(2026, 2, 25, 14)


def test_calendar_day_pause(cal: WorkCalendar) -> None:
    # Due Mon 23 Feb 17:00 (calendar days). Paused Fri 6 Feb 10:00, resumed Mon 9 Feb 09:00:
    # 3 calendar days → 26 Feb (Thu, working) → Thu 26 Feb 17:00.
    assert cal.resume(
        due=vn(2026, 2, 23, 17),
        paused_at=vn(2026, 2, 6, 10),
        resumed_at=vn(2026, 2, 9, 9),
        unit=Unit.CALENDAR_DAY,
    ) == vn(2026, 2, 26, 17)
    # Paused Mon 9 Feb, resumed Wed 11 Feb: 2 days → due date Sat 14 Feb → off until Sun 22 →
    # starting from a due of Thu 12 Feb 17:00 the new due is Mon 23 Feb 17:00.
    assert cal.resume(
        due=vn(2026, 2, 12, 17),
        paused_at=vn(2026, 2, 9, 10),
        resumed_at=vn(2026, 2, 11, 10),
        unit=Unit.CALENDAR_DAY,
    ) == vn(2026, 2, 23, 17)


def test_remaining_minutes_over_tet(cal: WorkCalendar) -> None:
    due = vn(2026, 2, 23, 10)
    # Fri 13 Feb 16:00–17:00 = 60 + Mon 23 08:00–10:00 = 120 → 180 ≤ 480: approaching.
    assert cal.remaining_minutes(due, vn(2026, 2, 13, 16)) == 180
    assert cal.is_approaching(due, vn(2026, 2, 13, 16))
    # Thu 12 Feb 16:00: 60 + 480 + 120 = 660 > 480: not yet.
    assert cal.remaining_minutes(due, vn(2026, 2, 12, 16)) == 660
    assert not cal.is_approaching(due, vn(2026, 2, 12, 16))
    # Overdue at Tue 24 Feb 09:00: Mon 10:00–12:00 120 + 13:00–17:00 240 + Tue 08:00–09:00 60 = 420.
    assert cal.remaining_minutes(due, vn(2026, 2, 24, 9)) == -420


def test_custom_windows_over_tet() -> None:
    cal = WorkCalendar(windows=parse_windows("07:30-11:30,13:30-17:30"))
    # Fri 13 Feb 11:00–11:30 = 30, 13:30–17:30 = 240 → 270 (210 left);
    # Mon 23 Feb 07:30 + 210 → 11:00.
    assert cal.deadline(vn(2026, 2, 13, 11), 1, Unit.WORKING_DAY).due == vn(2026, 2, 23, 11)
    # Calendar days close at the last window's end: Thu 5 Feb + 10 → Mon 23 Feb 17:30.
    assert cal.deadline(vn(2026, 2, 5, 10), 10, Unit.CALENDAR_DAY).due == vn(2026, 2, 23, 17, 30)


def test_non_working_days_2026(cal: WorkCalendar) -> None:
    # Every Monday–Friday holiday of 2026; Sun 26 Apr (Hùng Kings) is not listed, its Monday is.
    assert cal.non_working_days(2026) == [
        (date(2026, 1, 1), "Tết Dương lịch"),
        (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán"),
        (date(2026, 2, 17), "Tết Nguyên Đán"),
        (date(2026, 2, 18), "Mùng hai Tết Nguyên Đán"),
        (date(2026, 2, 19), "Mùng ba Tết Nguyên Đán"),
        (date(2026, 2, 20), "Mùng bốn Tết Nguyên Đán"),
        (date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
        (date(2026, 4, 30), "Ngày Chiến thắng"),
        (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
        (date(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)"),
        (date(2026, 9, 1), "Quốc khánh"),
        (date(2026, 9, 2), "Quốc khánh"),
        (date(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
    ]


def test_holidays_and_make_up_days_2026(cal: WorkCalendar) -> None:
    holidays = dict(cal.holidays(2026))
    assert holidays[date(2026, 4, 26)] == "Ngày Giỗ Tổ Hùng Vương"  # a Sunday, still a holiday
    assert len(holidays) == 14
    assert cal.make_up_working_days(2026) == [
        (date(2026, 8, 22), "Ngày làm việc bù (cho ngày nghỉ 31/08/2026)")
    ]
