"""The index API: freezing a month (who, when, once), the public table, the live view, a unit's history."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from dossiers.importer import import_lines
from reports.tests.history import VN
from serviceindex.models import IndexPublication
from serviceindex.tests.scenario import COMMUNE_A, march_lines

pytestmark = pytest.mark.django_db

APRIL_2 = datetime(2026, 4, 2, 9, 0, tzinfo=VN)


@pytest.fixture
def march() -> None:
    assert import_lines(march_lines()).imported == 9


def _unit(body, code):
    return next(u for u in body["units"] if u["code"] == code)


def test_the_monitor_freezes_march_and_anyone_reads_it(api, monitor, clock, march) -> None:
    clock(APRIL_2)
    status, body = api(monitor).post("index/2026-03/freeze")
    assert status == 201, body
    assert (body["month"], body["frozen"]) == ("2026-03", True)
    assert body["frozen_at"].startswith("2026-04-02T09:00:00+07:00")
    publication = IndexPublication.objects.get()
    assert publication.frozen_by == monitor
    status, public = api().get("index?month=2026-03")
    assert status == 200, public
    assert public == body
    assert api().get("index")[1] == body  # the latest published month by default
    # The contract the dashboard reads.
    assert [g["code"] for g in public["methodology"]["groups"]] == [
        "CKMB",
        "TDGQ",
        "CLGQ",
        "TTTT",
        "MDSH",
        "MDHL",
    ]
    assert sum(g["points"] for g in public["methodology"]["groups"]) == 100
    a = _unit(public, COMMUNE_A)
    assert set(a) == {"code", "name", "level", "score", "max_score", "rank", "rank_of", "groups"}
    assert (a["level"], a["score"], a["max_score"], a["rank"], a["rank_of"]) == (
        "commune",
        41.71,
        74.0,
        2,
        104,
    )
    indicator = a["groups"][1]["indicators"][0]
    assert indicator == {
        "code": "TDGQ.1",
        "name": indicator["name"],
        "points": 16.0,
        "target": 100.0,
        "rate": 57.14,
        "score": 9.14,
        "numerator": 4,
        "denominator": 7,
        "no_data": False,
    }
    sync = a["groups"][0]["indicators"][3]
    assert (sync["code"], sync["no_data"], sync["score"], sync["numerator"]) == ("CKMB.4", True, None, 0)
    assert set(public["province"]) == set(a)


def test_a_frozen_month_is_not_recomputed_but_staff_see_the_live_numbers(
    api, monitor, officer_a, clock, march
) -> None:
    clock(APRIL_2)
    assert api(monitor).post("index/2026-03/freeze")[0] == 201
    late = json.loads(march_lines()[1])
    late["code"] = "H31-SI-LATE"
    assert import_lines([json.dumps(late, ensure_ascii=False)]).imported == 1
    frozen = _unit(api().get("index?month=2026-03")[1], COMMUNE_A)
    assert frozen["groups"][2]["indicators"][2]["denominator"] == 7
    status, live = api(officer_a).get("index?month=2026-03&live=true")
    assert status == 200, live
    assert (live["frozen"], live["frozen_at"]) == (False, None)
    assert _unit(live, COMMUNE_A)["groups"][2]["indicators"][2]["denominator"] == 8


def test_a_month_is_frozen_once(api, monitor, province_admin, clock, march) -> None:
    clock(APRIL_2)
    assert api(monitor).post("index/2026-03/freeze")[0] == 201
    status, body = api(province_admin).post("index/2026-03/freeze")
    assert status == 409, body
    assert body["error"]["code"] == "already_frozen"
    assert body["error"]["message"] == (
        "Chỉ số tháng 03/2026 đã được công bố lúc 09:00 ngày 02/04/2026, không thể công bố lại."
    )
    assert IndexPublication.objects.count() == 1


def test_only_a_finished_month_can_be_frozen(api, monitor, clock) -> None:
    clock(datetime(2026, 3, 31, 23, 30, tzinfo=VN))
    for month in ("2026-03", "2026-05"):
        status, body = api(monitor).post(f"index/{month}/freeze")
        assert status == 409, body
        assert body["error"]["code"] == "month_not_finished"
        assert "chưa kết thúc" in body["error"]["message"]
    assert api(monitor).post("index/2026-02/freeze")[0] == 201


@pytest.mark.parametrize(("persona", "status"), [("officer_a", 403), ("citizen", 403), ("leader_dept", 403)])
def test_only_the_monitor_or_the_province_admin_freezes(api, clock, persona, status, request) -> None:
    clock(APRIL_2)
    answer, body = api(request.getfixturevalue(persona)).post("index/2026-03/freeze")
    assert answer == status, body
    assert body["error"]["code"] == "forbidden"
    assert api().post("index/2026-03/freeze")[0] == 401
    assert not IndexPublication.objects.exists()


def test_province_admin_may_freeze(api, province_admin, clock) -> None:
    clock(APRIL_2)
    assert api(province_admin).post("index/2026-03/freeze")[0] == 201


def test_unpublished_months_and_bad_input_get_clear_errors(api, citizen, monitor) -> None:
    status, body = api().get("index?month=2026-02")
    assert status == 404
    assert body["error"]["message"] == "Tháng 02/2026 chưa được công bố."
    status, body = api().get("index")
    assert status == 404 and body["error"]["message"] == "Chưa có tháng nào được công bố."
    for query in ("month=2026-13", "month=03-2026", "month=x"):
        status, body = api().get(f"index?{query}")
        assert status == 422, body
        assert body["error"]["code"] == "invalid_month" and body["error"]["fields"] == {
            "month": ["Định dạng YYYY-MM."]
        }
    assert api(monitor).post("index/tháng-ba/freeze")[0] == 422
    # The live computation is for staff only.
    assert api().get("index?month=2026-02&live=true")[0] == 401
    assert api(citizen).get("index?month=2026-02&live=true")[0] == 403


def test_a_units_history_is_public_for_published_months_and_live_for_staff(
    api, monitor, officer_b, clock, march
) -> None:
    clock(APRIL_2)
    assert api(monitor).post("index/2026-03/freeze")[0] == 201
    path = f"index/units/{COMMUNE_A}/history?from=2026-01&to=2026-06"
    status, public = api().get(path)
    assert status == 200, public
    assert public == [{"month": "2026-03", "score": 41.71, "rank": 2, "rank_of": 104, "frozen": True}]
    status, staff = api(officer_b).get(path)
    assert status == 200, staff
    # January to April (the current month); May and June have not come yet.
    assert [(row["month"], row["frozen"]) for row in staff] == [
        ("2026-01", False),
        ("2026-02", False),
        ("2026-03", True),
        ("2026-04", False),
    ]
    assert api().get("index/units/000.00.99999.H31/history")[0] == 404
    assert api().get(f"index/units/{COMMUNE_A}/history?from=2026-05&to=2026-01")[0] == 400
