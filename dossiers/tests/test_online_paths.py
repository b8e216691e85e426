"""Online filing: the citizen submits (the code is issued then: docs/domain.md §4 rule 2); a one-stop
officer receives, returns once with the complete list, or refuses with a reason; the citizen may
withdraw before reception."""

from __future__ import annotations

import pytest

from dossiers.models import Dossier
from outbox.models import OutboxMessage
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, counter_body, vn

pytestmark = pytest.mark.django_db

ONLINE = {"procedure": BIRTH_REGISTRATION, "channel": "online", "receiving_agency": COMMUNE_A_CENTRE}


@pytest.fixture
def submitted(api, citizen, clock):
    clock(vn(2026, 3, 2, 20, 15))  # Monday evening, outside working time
    status, body = api(citizen).post("dossiers", ONLINE)
    assert status == 201, body
    return body


def test_citizen_submits_and_sees_own_dossier(api, citizen, business, submitted):
    # The code is issued at submission, on the local date of the submission (Monday evening).
    assert submitted["status"] == "submitted" and submitted["code"] == "001.00.11953.H31-260302-0001"
    assert submitted["reference"] == submitted["code"]
    assert submitted["events"][-1]["data"] == {"channel": "online", "code": submitted["code"]}
    assert submitted["portal_status"] == 1
    assert submitted["applicant"]["name"] == "Nguyễn Thị Dân"
    assert submitted["applicant"]["id_number"] == "033190001234"
    status, body = api(citizen).get(f"dossiers/{submitted['reference']}")
    assert status == 200
    assert api(business).get(f"dossiers/{submitted['reference']}")[0] == 404
    assert [d["reference"] for d in api(citizen).get("dossiers")[1]["items"]] == [submitted["reference"]]


def test_officer_receives_next_morning_and_the_clock_starts_at_opening(api, officer_a, clock, submitted):
    assert submitted["reference"] in [
        d["reference"] for d in api(officer_a).get("dossiers", status="submitted")[1]["items"]
    ]
    clock(vn(2026, 3, 3, 7, 45))  # Tuesday before opening
    status, body = api(officer_a).post(f"dossiers/{submitted['reference']}/actions/receive", {})
    assert status == 200, body
    # Reception keeps the code issued at submission (Monday's), whatever the day of reception.
    assert body["code"] == submitted["code"] == "001.00.11953.H31-260302-0001"
    assert body["clock_start"] == "2026-03-03T08:00:00+07:00"
    assert body["due_at"] == "2026-03-03T17:00:00+07:00"  # 1 working day from Tuesday 08:00
    assert body["status"] == "received" and body["portal_status"] == 2


def test_return_for_completion_once_with_the_full_list(api, officer_a, citizen, clock, submitted):
    ref = submitted["reference"]
    status, body = api(officer_a).post(f"dossiers/{ref}/actions/return_for_completion", {"items": []})
    assert status == 400 and "items" in body["error"]["fields"]
    status, body = api(officer_a).post(
        f"dossiers/{ref}/actions/return_for_completion",
        {
            "items": ["Ảnh chụp Giấy chứng sinh bị mờ", "Thiếu văn bản ủy quyền"],
            "reason": "Hồ sơ chưa đầy đủ",
        },
    )
    assert status == 200 and body["status"] == "returned"
    assert body["events"][-1]["data"]["items"] == ["Ảnh chụp Giấy chứng sinh bị mờ", "Thiếu văn bản ủy quyền"]
    assert api(officer_a).post(f"dossiers/{ref}/actions/submit", {})[0] == 403  # only the applicant resubmits
    assert body["code"] == ref  # a returned dossier keeps its code
    clock(vn(2026, 3, 3, 9, 0))
    status, body = api(citizen).post(f"dossiers/{ref}/actions/submit", {})
    assert status == 200 and body["status"] == "submitted"
    assert body["code"] == ref and body["events"][-1]["data"] == {}  # re-submitted under the same code
    status, body = api(officer_a).post(
        f"dossiers/{ref}/actions/return_for_completion", {"items": ["Thêm nữa"]}
    )
    assert status == 409 and body["error"]["code"] == "already_returned"
    assert "NĐ 61/2018" in body["error"]["message"]


def test_refusal_at_reception_needs_a_reason(api, officer_a, submitted):
    ref = submitted["reference"]
    status, body = api(officer_a).post(f"dossiers/{ref}/actions/refuse", {"reason": ""})
    assert status == 400 and body["error"]["fields"] == {"reason": ["Bắt buộc nhập."]}
    status, body = api(officer_a).post(f"dossiers/{ref}/actions/refuse", {"reason": "Không thuộc thẩm quyền"})
    assert status == 200 and body["status"] == "refused" and body["portal_status"] == 3
    status, body = api(officer_a).post(f"dossiers/{ref}/actions/receive", {})
    assert status == 409


def test_citizen_withdraws_before_reception_only(api, citizen, officer_a, submitted, clock):
    ref = submitted["reference"]
    status, body = api(citizen).post(f"dossiers/{ref}/actions/withdraw", {"reason": "Nộp nhầm"})
    assert status == 200 and body["status"] == "withdrawn"
    clock(vn(2026, 3, 3, 9, 0))
    _, other = api(citizen).post("dossiers", ONLINE)
    api(officer_a).post(f"dossiers/{other['reference']}/actions/receive", {})
    status, body = api(citizen).post(f"dossiers/{other['reference']}/actions/withdraw", {})
    assert status == 409


def test_a_dropped_draft_writes_no_outbox_row_but_a_withdrawn_submission_does(api, citizen, clock):
    """A draft withdrawn was never submitted and has no code: neither the national portal (it never heard
    of it) nor the applicant (he dropped it himself) is told. A submitted dossier withdrawn is synced."""
    clock(vn(2026, 3, 2, 9, 0))
    draft = api(citizen).post("dossiers", {**ONLINE, "draft": True})[1]
    submitted = api(citizen).post("dossiers", ONLINE)[1]
    before = set(OutboxMessage.objects.values_list("pk", flat=True))
    status, body = api(citizen).post(f"dossiers/{draft['reference']}/actions/withdraw", {})
    assert status == 200 and body["status"] == "withdrawn" and body["code"] is None
    assert body["events"][-1]["action"] == "withdraw"  # recorded in the history all the same
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == before
    status, body = api(citizen).post(f"dossiers/{submitted['code']}/actions/withdraw", {"reason": "Nộp nhầm"})
    assert status == 200 and body["status"] == "withdrawn"
    news = OutboxMessage.objects.exclude(pk__in=before)
    assert sorted((m.topic, m.dossier_code, m.payload["portal_status"]) for m in news) == [
        ("notify.applicant", submitted["code"], 7),
        ("portal.sync", submitted["code"], 7),
    ]


def test_draft_then_submit(api, citizen, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(citizen).post("dossiers", {**ONLINE, "draft": True})
    assert status == 201 and body["status"] == "draft"
    assert body["code"] is None and body["reference"] == body["uuid"]  # a draft has no code
    clock(vn(2026, 3, 2, 9, 5))
    status, body = api(citizen).post(f"dossiers/{body['reference']}/actions/submit", {})
    assert status == 200 and body["status"] == "submitted"
    assert body["code"] == "001.00.11953.H31-260302-0001" and body["reference"] == body["code"]
    assert body["events"][-1]["data"] == {"code": body["code"]}
    assert Dossier.objects.get(code=body["code"]).search_text.startswith("001.00.11953.h31-260302-0001 ")


def test_codes_at_submission_and_at_the_counter_share_the_agencys_daily_sequence(
    api, citizen, officer_a, clock
):
    """docs/domain.md §4 rule 2: one sequence per receiving agency and local day, whoever draws from
    it — an online submission (direct, or a draft submitted later) or a counter reception — with no
    duplicate and no gap; a new local day starts again at 0001."""
    clock(vn(2026, 3, 2, 8, 0))
    draft = api(citizen).post("dossiers", {**ONLINE, "draft": True})[1]["reference"]
    codes = [api(citizen).post("dossiers", ONLINE)[1]["code"]]
    clock(vn(2026, 3, 2, 9, 0))
    codes.append(api(officer_a).post("dossiers", counter_body())[1]["code"])
    clock(vn(2026, 3, 2, 23, 59))
    codes.append(api(citizen).post(f"dossiers/{draft}/actions/submit", {})[1]["code"])
    clock(vn(2026, 3, 3, 0, 1))  # 17:01 UTC on the 2nd: the local date is the 3rd
    codes.append(api(citizen).post("dossiers", ONLINE)[1]["code"])
    assert codes == [
        "001.00.11953.H31-260302-0001",
        "001.00.11953.H31-260302-0002",
        "001.00.11953.H31-260302-0003",
        "001.00.11953.H31-260303-0001",
    ]


def test_other_commune_officer_cannot_receive(api, officer_b, submitted):
    status, body = api(officer_b).post(f"dossiers/{submitted['reference']}/actions/receive", {})
    assert status == 404
    assert Dossier.objects.get(code=submitted["code"]).status == "submitted"


def test_staff_cannot_file_online_for_someone(api, officer_a):
    status, body = api(officer_a).post("dossiers", ONLINE)
    assert status == 403


def test_online_needs_a_reception_point(api, citizen):
    status, body = api(citizen).post("dossiers", {"procedure": BIRTH_REGISTRATION, "channel": "online"})
    assert status == 400 and "receiving_agency" in body["error"]["fields"]


def test_actions_have_names_and_unknown_ones_are_422(api, officer_a, submitted):
    status, body = api(officer_a).post(f"dossiers/{submitted['reference']}/actions/teleport", {})
    assert status == 422 and "action" in body["error"]["fields"]
