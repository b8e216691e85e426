"""The calendar over HTTP, with the administrators' overrides."""

from __future__ import annotations

from datetime import date

import pytest

from worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_due_across_tet_2026(api):
    # Friday 13 Feb 2026 10:00 + 1 working day: 14–22 Feb are Tết and weekend → Monday 23 Feb 10:00.
    status, body = api().get(
        "calendar/due", start="2026-02-13T10:00:00+07:00", amount="1", unit="working_day"
    )
    assert status == 200
    assert body == {"start": "2026-02-13T10:00:00+07:00", "due": "2026-02-23T10:00:00+07:00"}


def test_due_accepts_utc_and_answers_in_local_time(api):
    status, body = api().get("calendar/due", start="2026-02-13T03:00:00Z", amount="4", unit="working_hour")
    assert body["due"] == "2026-02-13T15:00:00+07:00"


def test_after_15h_rule(api):
    params = {"start": "2026-03-03T15:30:00+07:00", "amount": "1", "unit": "working_day"}
    _, plain = api().get("calendar/due", **params)
    _, rule = api().get("calendar/due", **params, after_15h_next_day="true")
    assert plain["start"] == "2026-03-03T15:30:00+07:00" and plain["due"] == "2026-03-04T15:30:00+07:00"
    assert rule["start"] == "2026-03-04T08:00:00+07:00" and rule["due"] == "2026-03-04T17:00:00+07:00"


def test_calendar_days(api):
    _, body = api().get("calendar/due", start="2026-02-05T10:00:00+07:00", amount="10", unit="calendar_day")
    assert body["due"] == "2026-02-23T17:00:00+07:00"


def test_year_across_31_december(api):
    _, body = api().get("calendar/due", start="2025-12-31T16:00:00+07:00", amount="1", unit="working_day")
    assert body["due"] == "2026-01-02T16:00:00+07:00"


def test_override_day_off_moves_deadlines(api):
    CalendarOverride.objects.create(day=date(2026, 3, 4), kind="day_off", reason="Nghỉ bổ sung (thử)")
    _, body = api().get("calendar/due", start="2026-03-03T10:00:00+07:00", amount="1", unit="working_day")
    assert body["due"] == "2026-03-05T10:00:00+07:00"
    _, year = api().get("calendar/2026")
    assert {"date": "2026-03-04", "reason": "Nghỉ bổ sung (thử)"} in year["non_working_days"]


def test_override_make_up_saturday_counts(api):
    CalendarOverride.objects.create(day=date(2026, 3, 7), kind="working_day", reason="Làm bù")
    _, body = api().get("calendar/due", start="2026-03-06T10:00:00+07:00", amount="1", unit="working_day")
    assert body["due"] == "2026-03-07T10:00:00+07:00"
    _, year = api().get("calendar/2026")
    assert {"date": "2026-03-07", "reason": "Làm bù"} in year["make_up_working_days"]


def test_year_view_2026(api):
    status, body = api().get("calendar/2026")
    assert status == 200
    days = {d["date"] for d in body["non_working_days"]}
    assert {
        "2026-01-01",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-04-27",
        "2026-04-30",
        "2026-05-01",
        "2026-09-01",
        "2026-09-02",
    } <= days
    assert "2026-08-22" in {d["date"] for d in body["make_up_working_days"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-13T10:00:00", "amount": "1", "unit": "working_day"}, "start"),
        ({"start": "hôm qua", "amount": "1", "unit": "working_day"}, "start"),
        ({"start": "2026-02-13T10:00:00+07:00", "amount": "-1", "unit": "working_day"}, "amount"),
        ({"start": "2026-02-13T10:00:00+07:00", "amount": "1", "unit": "fortnight"}, "unit"),
        ({"start": "2026-02-13T10:00:00+07:00", "amount": "1.5", "unit": "calendar_day"}, "amount"),
        ({"amount": "1", "unit": "working_day"}, "start"),
    ],
)
def test_bad_input_names_the_field(api, params, field):
    status, body = api().get("calendar/due", **params)
    assert status in (400, 422)
    assert field in body["error"]["fields"]


def test_year_out_of_range(api):
    status, body = api().get("calendar/2150")
    assert status == 400 and body["error"]["code"] == "year_out_of_range"
