"""GET /api/v1/targets: the year's targets and each unit's progress, scoped to the caller."""

from __future__ import annotations

import pytest

from targets.tests import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(clock) -> None:
    clock(scenario.NOW)
    scenario.load()


def test_a_commune_leader_sees_the_commune_with_its_misses(api, leader_a, history) -> None:
    status, body = api(leader_a).get("targets?year=2026")
    assert status == 200, body
    assert (body["year"], body["targets_year"], body["from"], body["to"]) == (
        2026,
        2026,
        "2026-01-01",
        "2026-04-01",
    )
    assert len(body["targets"]) == 10
    online = next(t for t in body["targets"] if t["code"] == "online_dossiers")
    assert online["threshold"] == 60.0 and online["threshold_text"] == "≥ 60%"
    [unit] = body["units"]
    assert unit["code"] == scenario.COMMUNE_A
    assert unit["missed"] == [
        "full_online_services",
        "online_dossiers",
        "e_results",
        "data_reuse",
        "satisfaction",
    ]
    assert unit["no_data"] == ["portal_sync", "certified_e_copies", "feedback_on_time"]
    digitization = next(r for r in unit["results"] if r["code"] == "digitization")
    assert digitization == {
        "code": "digitization",
        "value": 83.33,
        "numerator": 5,
        "denominator": 6,
        "threshold": 80.0,
        "comparison": "gte",
        "status": "met",
        "status_label": "Đạt",
        "note": "",
    }


def test_the_monitor_sees_every_unit_and_may_narrow_to_one(api, monitor, history) -> None:
    status, body = api(monitor).get("targets?year=2026")
    assert status == 200, body
    codes = {u["code"] for u in body["units"]}
    assert {scenario.COMMUNE_A, scenario.COMMUNE_B, scenario.JUSTICE} <= codes
    assert len(codes) > 100
    status, body = api(monitor).get(f"targets?year=2026&agency={scenario.COMMUNE_B}")
    assert [u["code"] for u in body["units"]] == [scenario.COMMUNE_B]
    # 2024 is a whole past year, with the 2024 targets (online dossiers ≥ 50 %).
    status, body = api(monitor).get(f"targets?year=2024&agency={scenario.COMMUNE_A}")
    assert (body["from"], body["to"]) == ("2024-01-01", "2024-12-31")
    assert next(t for t in body["targets"] if t["code"] == "online_dossiers")["threshold"] == 50.0
    assert body["units"][0]["missed"] == ["full_online_services"]  # no dossier in 2024: no data elsewhere


def test_commune_b_cannot_see_commune_a_and_citizens_see_nothing(
    api, officer_b, specialist_b, citizen, history
) -> None:
    status, body = api(officer_b).get(f"targets?year=2026&agency={scenario.COMMUNE_A}")
    assert status == 403, body
    assert body["error"]["code"] == "forbidden"
    status, body = api(specialist_b).get("targets?year=2026")
    assert [u["code"] for u in body["units"]] == [scenario.COMMUNE_B]
    # Targets are given to units (the People's Committee), not to the commune's service centre.
    status, body = api(officer_b).get("targets?year=2026")
    assert (status, body["units"]) == (200, [])
    status, body = api(citizen).get("targets?year=2026")
    assert status == 403
    status, body = api().get("targets?year=2026")
    assert status == 401


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("year=2026&from=2026-03-01&to=2026-02-01", "invalid_period"),
        ("year=abc", "invalid"),
        ("year=1200", "invalid"),
        ("from=2000-01-01&to=2026-01-01", "period_too_long"),
        ("agency=nope", "not_found"),
    ],
)
def test_bad_parameters_get_a_clear_error(api, monitor, query, code) -> None:
    status, body = api(monitor).get(f"targets?{query}")
    assert 400 <= status < 500, body
    assert body["error"]["code"] == code
    assert body["error"]["message"]
