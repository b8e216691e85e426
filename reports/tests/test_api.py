"""GET /api/v1/reports/summary: the facts, scoped to the caller, with clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from dossiers.importer import import_lines
from organization.models import Agency
from reports.summary import GroupBy, summary
from reports.tests.history import VN, history_lines
from testing.database import kept_for_the_module

pytestmark = pytest.mark.django_db

COMMUNE_A = "000.00.11953.H31"
COMMUNE_B = "000.00.11977.H31"
Q1 = "reports/summary?from=2026-01-01&to=2026-03-31"


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Imported once for the module's tests (each runs in a savepoint of it)."""
    with kept_for_the_module(django_db_blocker):
        import_lines(history_lines(seed=11, count=60, start=datetime(2026, 1, 5, tzinfo=VN), days=70))
        yield


def test_monitor_sees_the_province_with_rates_and_groups(api, monitor, history) -> None:
    status, body = api(monitor).get(f"{Q1}&group_by=agency")
    assert status == 200, body
    expected = summary(date(2026, 1, 1), date(2026, 3, 31))[None]
    assert body["total"]["received"] == expected.received == 60
    assert body["total"]["balanced"] is True
    assert body["total"]["on_time_rate"] == expected.rates()["on_time_rate"]
    assert {row["key"] for row in body["rows"]} == {COMMUNE_A, COMMUNE_B}
    assert sum(row["received"] for row in body["rows"]) == 60
    status, body = api(monitor).get(f"{Q1}&group_by=channel")
    assert {row["key"] for row in body["rows"]} <= {"online", "counter", "postal"}


def test_commune_staff_see_only_their_commune(api, leader_a, officer_b, history) -> None:
    status, mine = api(leader_a).get(Q1)
    assert status == 200, mine
    commune_a = Agency.objects.get(code=COMMUNE_A)
    by_agency = summary(date(2026, 1, 1), date(2026, 3, 31), group_by=GroupBy.AGENCY)
    assert mine["total"]["received"] == by_agency[commune_a.pk].received
    status, body = api(officer_b).get(f"{Q1}&agency={COMMUNE_A}")
    assert status == 403, body
    assert body["error"]["code"] == "forbidden"


def test_citizens_and_anonymous_get_no_report(api, citizen) -> None:
    status, body = api(citizen).get(Q1)
    assert status == 403
    status, body = api().get(Q1)
    assert status == 401


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-03-31&to=2026-01-01", "invalid_period"),
        ("from=2026-02-30&to=2026-03-01", None),
        ("from=2000-01-01&to=2026-03-01", "period_too_long"),
        ("from=2026-01-01&to=2026-03-01&group_by=weather", None),
        ("from=2026-01-01&to=2026-03-01&agency=nope", "not_found"),
        ("to=2026-03-01", None),
    ],
)
def test_bad_parameters_get_a_clear_error(api, monitor, query, code) -> None:
    status, body = api(monitor).get(f"reports/summary?{query}")
    assert 400 <= status < 500, body
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
