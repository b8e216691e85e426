"""A month of imported history (March 2026, ``serviceindex/tests/scenario.py``) against a table computed
by hand: the statutory summary from the facts, the same numbers through the API and in the XLSX
export, and the naive count from the dossiers. The service index of the same month is checked by hand
in ``serviceindex/tests/test_compute.py``, the targets in ``targets/tests/test_progress.py``.

Commune A, by hand (see the scenario's docstring for the dossiers):

    carried over  1   D0 (received 26/02, pending at the end of February)
    received      7   online D2 D4, counter D1 D3 D5 D6, postal D7
    resolved      4   early D1, on time D2, late D0 D3
    stopped       1   D7
    pending       3   D4 overdue since 17/03; D5 in time; D6 in time (awaiting the supplement)
    supplement    1   D6
    check         1 + 7 = 4 + 1 + 3
    flags         digitised D1 D2 D6 (3), reused D2, paid online D4, e-results D0 D1 D2 (3),
                  rated D0 (4) D1 (5) D2 (3): 3 rated, 2 satisfied (4 or 5)
    rates         on time (1 + 1) / 4 = 50 %; online 2 / 7 = 28.57 %

Commune B: B1 received online 03/03 and resolved early the same day; digitised, e-result, rated 5.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dossiers.importer import import_lines
from organization.models import Agency
from reports.summary import Counts, GroupBy, summary, summary_naive
from serviceindex.tests.scenario import COMMUNE_A, COMMUNE_B, march_lines

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
PERIOD = "from=2026-03-01&to=2026-03-31"

COMMUNE_A_BY_HAND = Counts(
    carried_over=1,
    received_online=2,
    received_counter=4,
    received_postal=1,
    resolved_early=1,
    resolved_on_time=1,
    resolved_late=2,
    stopped=1,
    pending=3,
    pending_overdue=1,
    supplement_requests=1,
    digitized=3,
    reused=1,
    paid_online=1,
    e_results=3,
    rated=3,
    satisfied=2,
)
COMMUNE_B_BY_HAND = Counts(
    received_online=1,
    resolved_early=1,
    digitized=1,
    e_results=1,
    rated=1,
    satisfied=1,
)


@pytest.fixture
def march() -> None:
    outcome = import_lines(march_lines())
    assert outcome.imported == 9, outcome.rejections


def test_the_summary_of_the_month_matches_the_hand_computation(march) -> None:
    a, b = (Agency.objects.get(code=code).pk for code in (COMMUNE_A, COMMUNE_B))
    by_agency = summary(*MARCH, group_by=GroupBy.AGENCY)
    assert by_agency == {a: COMMUNE_A_BY_HAND, b: COMMUNE_B_BY_HAND}
    assert COMMUNE_A_BY_HAND.balanced and COMMUNE_B_BY_HAND.balanced
    assert COMMUNE_A_BY_HAND.rates()["on_time_rate"] == 50.0
    assert COMMUNE_A_BY_HAND.rates()["online_rate"] == 28.57

    province = Counts()
    province.add(COMMUNE_A_BY_HAND)
    province.add(COMMUNE_B_BY_HAND)
    assert summary(*MARCH) == {None: province}
    by_channel = summary(*MARCH, group_by=GroupBy.CHANNEL)
    assert {key: (c.received, c.resolved, c.pending) for key, c in by_channel.items()} == {
        "counter": (4, 3, 2),  # D0 carried over and resolved late; D5, D6 pending
        "online": (3, 2, 1),  # D2, D4, B1
        "postal": (1, 0, 0),  # D7 stopped
    }
    # The naive count from the dossiers and their events agrees, grouping by grouping.
    for group_by in (None, *GroupBy):
        assert summary(*MARCH, group_by=group_by) == summary_naive(*MARCH, group_by=group_by)


def test_on_the_last_day_of_february_only_d0_is_pending(march) -> None:
    a = Agency.objects.get(code=COMMUNE_A).pk
    february = summary(date(2026, 2, 1), date(2026, 2, 28), group_by=GroupBy.AGENCY)
    assert february == {a: Counts(received_counter=1, pending=1, pending_overdue=1)}


def test_the_api_and_the_xlsx_carry_the_hand_computed_numbers(api, monitor, march) -> None:
    status, body = api(monitor).get(f"reports/summary?{PERIOD}&group_by=agency")
    assert status == 200, body
    row = next(row for row in body["rows"] if row["key"] == COMMUNE_A)
    assert {
        key: row[key]
        for key in (
            "carried_over",
            "received",
            "received_online",
            "resolved",
            "resolved_late",
            "stopped",
            "pending",
            "pending_overdue",
            "supplement_requests",
            "on_time_rate",
            "online_rate",
            "balanced",
        )
    } == {
        "carried_over": 1,
        "received": 7,
        "received_online": 2,
        "resolved": 4,
        "resolved_late": 2,
        "stopped": 1,
        "pending": 3,
        "pending_overdue": 1,
        "supplement_requests": 1,
        "on_time_rate": 50.0,
        "online_rate": 28.57,
        "balanced": True,
    }
    assert (body["total"]["received"], body["total"]["resolved"]) == (8, 5)

    client = api(monitor)
    response = client.client.get(f"/api/v1/reports/summary.xlsx?{PERIOD}", headers=client.headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Biểu tổng hợp"]
    rows = {r[1].value: [c.value for c in r[2:]] for r in sheet.iter_rows() if isinstance(r[0].value, int)}
    # Handled, carried over, received online / counter / postal, resolved (early, on time, late),
    # stopped, pending (in time, overdue), supplement requests, on-time and online rates.
    assert rows["Ủy ban nhân dân Phường Phố Hiến"] == [8, 1, 2, 4, 1, 4, 1, 1, 2, 1, 3, 2, 1, 1, 0.5, 0.2857]
