"""GET /api/v1/reports/series: every point equals the summary of its period, in a few queries."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dossiers.importer import import_lines
from organization.models import Agency
from reports.series import Interval, series
from reports.summary import ReportScope, summary
from reports.tests.history import VN, history_lines
from targets.tests import scenario

pytestmark = pytest.mark.django_db

COMMUNE_A = "000.00.11953.H31"


@pytest.fixture
def history() -> None:
    result = import_lines(history_lines(seed=5, count=30, start=datetime(2025, 12, 1, tzinfo=VN), days=100))
    assert result.imported > 25, result


CASES = [
    (date(2025, 11, 1), date(2026, 4, 30), Interval.MONTH, 6),
    (date(2025, 1, 1), date(2026, 12, 31), Interval.MONTH, 24),  # whole years become months
    (date(2025, 12, 17), date(2026, 3, 9), Interval.MONTH, 4),  # partial first and last months
    (date(2026, 1, 20), date(2026, 3, 3), Interval.DAY, 43),
]


def test_each_point_equals_the_summary_of_its_period(history, django_assert_num_queries) -> None:
    for start, end, interval, count in CASES:
        with django_assert_num_queries(2):  # whatever the number of points
            points = series(start, end, interval)
        assert len(points) == count
        assert (points[0].start, points[-1].end) == (start, end)
        for point in points:
            assert point.counts == summary(point.start, point.end)[None], (point.start, point.end)
        assert sum(p.counts.received for p in points) == summary(start, end)[None].received
    # Carried over, pending and overdue at each end come from the stock before the first period.
    assert any(p.counts.carried_over for p in series(date(2026, 1, 1), date(2026, 3, 31), Interval.MONTH))

    commune_a = Agency.objects.get(code=COMMUNE_A)
    scope = ReportScope(everything=False, agency_ids=frozenset({commune_a.pk}))
    points = series(date(2026, 1, 1), date(2026, 12, 31), Interval.MONTH, scope=scope)
    for point in points:
        assert point.counts == summary(point.start, point.end, scope=scope)[None]
    mine = sum(p.counts.received for p in points)
    assert 0 < mine < summary(date(2026, 1, 1), date(2026, 12, 31))[None].received


def test_the_api_returns_points_with_rates_in_the_callers_scope(
    api, monitor, leader_a, officer_b, citizen, clock
) -> None:
    clock(scenario.NOW)
    scenario.load()
    status, body = api(monitor).get("reports/series?from=2026-01-01&to=2026-03-31")
    assert status == 200, body
    assert (body["from"], body["to"], body["interval"]) == ("2026-01-01", "2026-03-31", "month")
    assert [p["label"] for p in body["points"]] == ["01/2026", "02/2026", "03/2026"]
    first, _, march = body["points"]
    assert (first["start"], first["end"]) == ("2026-01-01", "2026-01-31")
    # January: A1–A5, B1, J1 received (7), online A1, A4, B1, J1 (4); resolved A1–A4, J1 (5), A3
    # late; at 31/01 A5 (due 19/01) and B1 (due 08/01) are overdue. March: A6 received, in time.
    assert (first["received"], first["received_online"], first["resolved"], first["resolved_late"]) == (
        7,
        4,
        5,
        1,
    )
    assert (first["pending"], first["pending_overdue"]) == (2, 2)
    assert first["online_rate"] == 57.14  # 4 / 7
    assert (march["carried_over"], march["received"], march["pending"], march["pending_overdue"]) == (
        2,
        1,
        3,
        2,
    )
    assert march["online_rate"] == 0.0 and march["digitized_rate"] == 100.0

    status, body = api(leader_a).get("reports/series?from=2026-01-05&to=2026-01-11&interval=day")
    assert status == 200, body
    assert [p["received"] for p in body["points"]] == [0, 1, 1, 1, 0, 0, 0]  # A1, A2, A3 on 06–08/01
    assert body["points"][0]["label"] == "05/01/2026"
    status, body = api(officer_b).get(f"reports/series?from=2026-01-01&to=2026-03-31&agency={COMMUNE_A}")
    assert status == 403
    status, body = api(citizen).get("reports/series?from=2026-01-01&to=2026-03-31")
    assert status == 403
    status, body = api().get("reports/series?from=2026-01-01&to=2026-03-31")
    assert status == 401


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-03-31&to=2026-01-01", "invalid_period"),
        ("from=2024-01-01&to=2026-01-31&interval=day", "period_too_long"),
        ("from=1990-01-01&to=2026-01-31", "period_too_long"),
        ("from=2026-01-01&to=2026-01-31&interval=week", "invalid"),
        ("from=2026-02-30&to=2026-03-31", "invalid"),
    ],
)
def test_bad_parameters_get_a_clear_error(api, monitor, query, code) -> None:
    status, body = api(monitor).get(f"reports/series?{query}")
    assert 400 <= status < 500, body
    assert body["error"]["code"] == code and body["error"]["message"]
