"""Supplements, pauses, the one extension and the classification, with hand-computed instants.

Working time 08:00–12:00, 13:00–17:00, Monday–Friday. Procedure 1.000080: 7 working days.
Received Monday 2 March 2026 09:00 → due Wednesday 11 March 09:00 (3/3, 3/4, 3/5, 3/6, 3/9, 3/10, 3/11).
"""

from __future__ import annotations

import pytest

from dossiers.models import Dossier, SupplementRequest
from testing.dossiers import PARENTAGE, advance_to_last_step, counter_body, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body(procedure=PARENTAGE))
    assert status == 201, body
    assert body["due_at"] == "2026-03-11T09:00:00+07:00"
    return body["code"]


def test_supplement_stops_the_clock_and_restarts_it_from_zero(api, specialist_a, officer_a, clock, received):
    clock(vn(2026, 3, 4, 10, 0))  # within 3 working days of reception (deadline Thu 5/3 09:00)
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/request_supplement",
        {"items": ["Bản sao Giấy chứng sinh", "Văn bản ủy quyền có chứng thực"], "reason": "Thiếu giấy tờ"},
    )
    assert status == 200, body
    assert body["status"] == "awaiting_supplement" and body["portal_status"] == 5
    assert body["clock_stopped"] is True
    assert body["late_supplement_request"] is False
    clock(vn(2026, 3, 13, 10, 0))  # past the old due: the clock is stopped, so still in time
    assert api(specialist_a).get(f"dossiers/{received}")[1]["classification"] == "in_time"
    clock(vn(2026, 3, 16, 14, 0))
    status, body = api(officer_a).post(
        f"dossiers/{received}/actions/receive_supplement", {"note": "Đã nộp đủ"}
    )
    assert status == 200, body
    # NĐ 61/2018 Art. 19.4: the full 7 working days again from Mon 16/3 14:00 → Wed 25/3 14:00.
    assert body["due_at"] == "2026-03-25T14:00:00+07:00"
    assert body["appointment_at"] == "2026-03-25T14:00:00+07:00"
    assert body["status"] == "processing" and body["supplements"] == 1
    event = body["events"][-1]
    assert event["due_before"] == "2026-03-11T09:00:00+07:00" and event["due_after"] == body["due_at"]
    request = SupplementRequest.objects.get(dossier__code=received)
    assert request.received_at is not None and request.items == [
        "Bản sao Giấy chứng sinh",
        "Văn bản ủy quyền có chứng thực",
    ]


def test_late_supplement_request_is_recorded_as_a_violation(api, specialist_a, clock, received):
    clock(vn(2026, 3, 6, 10, 0))  # after Thu 5/3 09:00
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/request_supplement", {"items": ["Tờ khai"]}
    )
    assert status == 200
    assert body["late_supplement_request"] is True
    assert SupplementRequest.objects.get(dossier__code=received).late is True


def test_supplement_needs_the_complete_list(api, specialist_a, received):
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/request_supplement", {"items": ["  "]}
    )
    assert status == 400 and body["error"]["fields"] == {"items": ["Bắt buộc nhập ít nhất một nội dung."]}
    assert Dossier.objects.get(code=received).status == "received"


def test_pause_keeps_the_remaining_working_time(api, specialist_a, clock, received):
    clock(vn(2026, 3, 3, 9, 0))  # 6 working days remain (to Wed 11/3 09:00)
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/pause", {"reason": "Chờ thực hiện nghĩa vụ tài chính"}
    )
    assert status == 200 and body["status"] == "paused" and body["portal_status"] == 6
    clock(vn(2026, 3, 9, 9, 0))
    status, body = api(specialist_a).post(f"dossiers/{received}/actions/resume", {})
    assert status == 200, body
    # Mon 9/3 09:00 + 6 working days → Tue 17/3 09:00.
    assert body["due_at"] == "2026-03-17T09:00:00+07:00"
    assert body["status"] == "processing"


def test_pause_needs_a_reason(api, specialist_a, received):
    status, body = api(specialist_a).post(f"dossiers/{received}/actions/pause", {})
    assert status == 400 and body["error"]["code"] == "reason_required"


def test_one_extension_at_least_a_working_day_before_due(api, leader_a, clock, received):
    clock(vn(2026, 3, 9, 10, 0))  # 1 day 7 hours remain
    status, body = api(leader_a).post(
        f"dossiers/{received}/actions/extend",
        {"reason": "Cần xác minh thêm", "new_appointment": "2026-03-13T16:00:00+07:00"},
    )
    assert status == 200, body
    assert body["appointment_at"] == "2026-03-13T16:00:00+07:00"
    assert body["due_at"] == "2026-03-11T09:00:00+07:00"  # the statutory due does not move
    assert body["extended"] is True
    status, body = api(leader_a).post(
        f"dossiers/{received}/actions/extend",
        {"reason": "Lần hai", "new_appointment": "2026-03-20T16:00:00+07:00"},
    )
    assert status == 409 and body["error"]["code"] == "already_extended"
    assert Dossier.objects.get(code=received).appointment_at.isoformat() == "2026-03-13T09:00:00+00:00"


def test_extension_later_than_one_working_day_before_due_is_refused(api, leader_a, clock, received):
    clock(vn(2026, 3, 10, 10, 0))  # only 7 working hours remain
    status, body = api(leader_a).post(
        f"dossiers/{received}/actions/extend",
        {"reason": "Muộn", "new_appointment": "2026-03-13T16:00:00+07:00"},
    )
    assert status == 409 and body["error"]["code"] == "extension_too_late"
    assert Dossier.objects.get(code=received).extension_count == 0


def test_extension_needs_a_later_appointment_and_the_leader(api, leader_a, specialist_a, clock, received):
    clock(vn(2026, 3, 5, 10, 0))
    status, body = api(leader_a).post(
        f"dossiers/{received}/actions/extend", {"reason": "x", "new_appointment": "2026-03-10T16:00:00+07:00"}
    )
    assert status == 400 and "new_appointment" in body["error"]["fields"]
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/extend", {"reason": "x", "new_appointment": "2026-03-20T16:00:00+07:00"}
    )
    assert status == 403


@pytest.mark.parametrize(
    ("resolved", "expected"),
    [
        (vn(2026, 3, 10, 16, 0), "early"),  # a local date before the due date
        (vn(2026, 3, 11, 8, 30), "on_time"),  # the due date, before 09:00
        (vn(2026, 3, 11, 9, 1), "late"),  # after the due instant, even with an apology
    ],
)
def test_resolution_classification(api, superuser, leader_a, clock, received, resolved, expected):
    clock(vn(2026, 3, 5, 9, 0))
    advance_to_last_step(api, superuser, received)
    if expected == "late":
        api(leader_a).post(
            f"dossiers/{received}/actions/extend",
            {"reason": "Cần xác minh", "new_appointment": "2026-03-13T16:00:00+07:00"},
        )
    clock(resolved)
    status, body = api(leader_a).post(f"dossiers/{received}/actions/resolve", {"outcome": "approved"})
    assert status == 200, body
    assert body["classification"] == expected


def test_pending_classification_over_time(api, officer_a, clock, received):
    clock(vn(2026, 3, 9, 17, 0))
    assert api(officer_a).get(f"dossiers/{received}")[1]["classification"] == "in_time"
    clock(vn(2026, 3, 10, 9, 0))  # one working day left
    assert api(officer_a).get(f"dossiers/{received}")[1]["classification"] == "approaching"
    clock(vn(2026, 3, 11, 9, 1))
    assert api(officer_a).get(f"dossiers/{received}")[1]["classification"] == "overdue"
    status, listing = api(officer_a).get("dossiers", overdue="true")
    assert received in [d["code"] for d in listing["items"]]
    status, listing = api(officer_a).get("dossiers", overdue="false")
    assert received not in [d["code"] for d in listing["items"]]


def test_refusal_after_appraisal_needs_a_reason(api, superuser, leader_a, clock, received):
    clock(vn(2026, 3, 5, 9, 0))
    advance_to_last_step(api, superuser, received)
    status, body = api(leader_a).post(f"dossiers/{received}/actions/resolve", {"outcome": "refused"})
    assert status == 400 and body["error"]["code"] == "reason_required"
    status, body = api(leader_a).post(
        f"dossiers/{received}/actions/resolve",
        {"outcome": "refused", "note": "Không đủ điều kiện theo Điều 25 Luật Hộ tịch"},
    )
    assert status == 200 and body["outcome"] == "refused" and body["status"] == "resolved"


def test_resolve_before_the_last_step_is_refused(api, leader_a, clock, received):
    status, body = api(leader_a).post(f"dossiers/{received}/actions/resolve", {"outcome": "approved"})
    assert status == 409 and body["error"]["code"] == "workflow_not_finished"


def test_stop_at_the_applicants_request(api, officer_a, clock, received):
    status, body = api(officer_a).post(f"dossiers/{received}/actions/stop", {})
    assert status == 400
    status, body = api(officer_a).post(
        f"dossiers/{received}/actions/stop", {"reason": "Công dân đề nghị dừng"}
    )
    assert status == 200 and body["status"] == "stopped" and body["portal_status"] == 8
    status, body = api(officer_a).post(f"dossiers/{received}/actions/forward", {})
    assert status == 409 and body["error"]["code"] == "action_not_allowed"
