"""The slot arithmetic of the schedule (jobs/slots.py, pure): every process that looks at a job between two
of its slots finds the same latest slot, at the job's local time, and the next one a period later."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobs.slots import Daily, Weekly, latest_slot, next_slot

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PARIS = ZoneInfo("Europe/Paris")  # daylight saving time: the order must hold across its changes

instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
times = st.times().map(lambda t: t.replace(microsecond=0))
cadences = st.one_of(st.builds(Daily, times), st.builds(Weekly, st.integers(min_value=0, max_value=6), times))


def vn(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


@given(cadence=cadences, now=instants)
def test_the_latest_slot_is_at_or_before_now_and_the_next_after_it(cadence, now) -> None:
    latest, following = latest_slot(cadence, now, VN), next_slot(cadence, now, VN)
    assert latest <= now < following
    period = timedelta(days=1 if isinstance(cadence, Daily) else 7)
    assert following - latest == period  # Vietnam keeps one offset all year
    for slot in (latest, following):
        local = slot.astimezone(VN)
        assert local.time() == cadence.at
        if isinstance(cadence, Weekly):
            assert local.weekday() == cadence.weekday


@given(cadence=cadences, now=instants, later=st.integers(min_value=0))
def test_every_look_between_two_slots_finds_the_same_slot(cadence, now, later) -> None:
    """What makes the slot a key every process agrees on, whatever its clock reads."""
    latest, following = latest_slot(cadence, now, VN), next_slot(cadence, now, VN)
    between = latest + timedelta(microseconds=later % ((following - latest) // timedelta(microseconds=1)))
    assert latest_slot(cadence, between, VN) == latest
    assert latest_slot(cadence, latest, VN) == latest  # a slot is its own latest
    assert latest_slot(cadence, latest - timedelta(microseconds=1), VN) < latest


@given(cadence=cadences, now=instants)
def test_the_order_holds_in_a_zone_with_daylight_saving_time(cadence, now) -> None:
    latest, following = latest_slot(cadence, now, PARIS), next_slot(cadence, now, PARIS)
    assert latest <= now < following


@pytest.mark.parametrize(
    ("cadence", "now", "latest", "following"),
    [
        (Daily(time(2, 0)), vn(2026, 3, 3, 1, 59), vn(2026, 3, 2, 2, 0), vn(2026, 3, 3, 2, 0)),
        (Daily(time(2, 0)), vn(2026, 3, 3, 2, 0), vn(2026, 3, 3, 2, 0), vn(2026, 3, 4, 2, 0)),
        # 02:00 in Hưng Yên is 19:00 UTC the day before.
        (
            Daily(time(2, 0)),
            datetime(2026, 3, 2, 19, 30, tzinfo=UTC),
            vn(2026, 3, 3, 2, 0),
            vn(2026, 3, 4, 2, 0),
        ),
        # Sundays at 03:00: 8 March 2026 is a Sunday.
        (Weekly(6, time(3, 0)), vn(2026, 3, 8, 2, 59), vn(2026, 3, 1, 3, 0), vn(2026, 3, 8, 3, 0)),
        (Weekly(6, time(3, 0)), vn(2026, 3, 8, 3, 0), vn(2026, 3, 8, 3, 0), vn(2026, 3, 15, 3, 0)),
        (Weekly(6, time(3, 0)), vn(2026, 3, 11, 12, 0), vn(2026, 3, 8, 3, 0), vn(2026, 3, 15, 3, 0)),
    ],
)
def test_examples(cadence, now, latest, following) -> None:
    assert (latest_slot(cadence, now, VN), next_slot(cadence, now, VN)) == (latest, following)


def test_a_weekday_outside_the_week_and_a_naive_instant_are_refused() -> None:
    with pytest.raises(ValueError, match="weekday"):
        Weekly(7, time(3, 0))
    with pytest.raises(ValueError, match="aware"):
        latest_slot(Daily(time(2, 0)), datetime(2026, 3, 3, 2, 0), VN)
