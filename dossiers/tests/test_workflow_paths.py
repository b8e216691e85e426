"""The electronic workflow: hand-overs, send-back, inter-agency consultation, parallel branches, and
reception rules (boundary-free, provincial procedures, missing statutory time)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalog.models import Procedure, Workflow, WorkflowStep
from dossiers.models import Consultation, Handover
from organization.models import Agency
from testing.dossiers import COMMUNE_A, PARENTAGE, counter_body, vn

pytestmark = pytest.mark.django_db

JUSTICE = "000.00.04.H31"


@pytest.fixture
def received(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body(procedure=PARENTAGE))
    assert status == 201, body
    return body["code"]


def test_forward_to_a_named_person_and_send_back(api, officer_a, specialist_a, specialist_b, clock, received):
    status, body = api(officer_a).post(
        f"dossiers/{received}/actions/forward", {"assignee": "chuyenvien.tanhung"}
    )
    assert status == 400 and body["error"]["code"] == "invalid_assignee"
    status, body = api(officer_a).post(
        f"dossiers/{received}/actions/forward", {"assignee": "chuyenvien.phohien"}
    )
    assert status == 200
    clock(vn(2026, 3, 3, 9, 0))
    status, body = api(specialist_a).post(f"dossiers/{received}/actions/send_back", {})
    assert status == 400 and body["error"]["code"] == "reason_required"
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/send_back", {"reason": "Thiếu chữ ký"}
    )
    assert status == 200, body
    assert body["current_steps"][0]["position"] == 1
    assert body["current_steps"][0]["assignee"] == "motcua.phohien"
    kinds = list(
        Handover.objects.filter(dossier__code=received).values_list("kind", flat=True).order_by("seq")
    )
    assert kinds == ["receive", "forward", "send_back"]


def test_only_the_step_holder_forwards(api, officer_a, leader_a, clerk_a, received):
    api(officer_a).post(f"dossiers/{received}/actions/forward", {"assignee": "chuyenvien.phohien"})
    status, body = api(clerk_a).post(f"dossiers/{received}/actions/forward", {})
    assert status == 403
    # The leader may move a step on behalf of the team.
    status, body = api(leader_a).post(f"dossiers/{received}/actions/forward", {})
    assert status == 200


def test_last_step_must_resolve(api, superuser, received):
    for _ in range(3):
        assert api(superuser).post(f"dossiers/{received}/actions/forward", {})[0] == 200
    status, body = api(superuser).post(f"dossiers/{received}/actions/forward", {})
    assert status == 409 and body["error"]["code"] == "last_step"


def test_consultation_with_a_lead_agency(
    api, officer_a, specialist_a, specialist_dept, leader_a, superuser, clock, received
):
    api(officer_a).post(f"dossiers/{received}/actions/forward", {"assignee": "chuyenvien.phohien"})
    assert api(specialist_dept).get(f"dossiers/{received}")[0] == 404
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/consult",
        {"agencies": [{"agency": JUSTICE, "task": "Xác minh yếu tố nước ngoài", "working_days": 2}]},
    )
    assert status == 400 and body["error"]["code"] == "lead_required"
    status, body = api(specialist_a).post(
        f"dossiers/{received}/actions/consult",
        {
            "agencies": [
                {"agency": JUSTICE, "task": "Xác minh yếu tố nước ngoài", "working_days": 2, "lead": True}
            ]
        },
    )
    assert status == 200, body
    consultation = body["consultations"][0]
    assert consultation["due_at"] == "2026-03-04T09:00:00+07:00"  # 2 working days from Mon 09:00
    # The consulted department now sees the dossier and answers.
    advance = api(superuser)
    for _ in range(2):
        advance.post(f"dossiers/{received}/actions/forward", {})
    status, body = api(leader_a).post(f"dossiers/{received}/actions/resolve", {"outcome": "approved"})
    assert status == 409 and body["error"]["code"] == "consultation_open"
    clock(vn(2026, 3, 5, 10, 0))  # after the consultation's deadline
    status, body = api(specialist_dept).post(
        f"dossiers/{received}/actions/consult_reply", {"agency": JUSTICE, "answer": "Đủ điều kiện"}
    )
    assert status == 200, body
    assert Consultation.objects.get(dossier__code=received).timing == "late"
    reply = Handover.objects.filter(dossier__code=received, kind="consult_reply").get()
    assert reply.timing == "late" and reply.from_agency.code == JUSTICE
    status, body = api(leader_a).post(f"dossiers/{received}/actions/resolve", {"outcome": "approved"})
    assert status == 200


def test_parallel_branches_start_together_and_join(
    api, superuser, officer_a, specialist_a, specialist_dept, clock
):
    procedure = Procedure.objects.get(code=PARENTAGE)
    justice = Agency.objects.get(code=JUSTICE)
    workflow = Workflow.objects.create(procedure=procedure, level="commune", number=99, name="Liên thông")
    minutes = [
        ("Tiếp nhận", "one_stop_officer", None, "", False, Decimal("6")),
        ("Thẩm định", "specialist", None, "LT", True, Decimal("32")),
        ("Ý kiến Sở Tư pháp", "specialist", justice, "LT", False, Decimal("16")),
        ("Phê duyệt", "leader", None, "", False, Decimal("18")),
    ]
    for i, (name, role, agency, group, lead, hours) in enumerate(minutes, start=1):
        WorkflowStep.objects.create(
            workflow=workflow,
            position=i,
            name=name,
            role=role,
            agency=agency,
            parallel_group=group,
            is_lead=lead,
            duration_amount=hours,
        )
    from catalog.services import workflow_activate, workflow_check

    workflow_activate(workflow=workflow)
    assert workflow_check(workflow) == []  # 6 + max(32, 16) + 18 = 56 h = 7 working days
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body(procedure=PARENTAGE))
    code = body["code"]
    status, body = api(officer_a).post(f"dossiers/{code}/actions/forward", {})
    assert status == 200
    assert sorted(s["position"] for s in body["current_steps"]) == [2, 3]
    assert api(specialist_dept).get(f"dossiers/{code}")[0] == 200  # a step is at the department
    status, body = api(specialist_a).post(f"dossiers/{code}/actions/forward", {})
    assert status == 200 and [s["position"] for s in body["current_steps"]] == [3]
    status, body = api(specialist_dept).post(f"dossiers/{code}/actions/forward", {})
    assert status == 200, body
    assert [s["position"] for s in body["current_steps"]] == [4]
    kinds = list(Handover.objects.filter(dossier__code=code).values_list("kind", flat=True).order_by("seq"))
    assert kinds == ["receive", "forward", "forward", "branch_done", "forward"]


def _filed_in_commune_b_for_commune_a(api, officer_b) -> tuple[int, Any]:
    """The parentage procedure made boundary-free, filed at commune B's counter for commune A."""
    version = Procedure.objects.get(code=PARENTAGE).current_version
    version.boundary_free = True
    version.save()
    status, body = api(officer_b).post(
        "dossiers", counter_body(procedure=PARENTAGE, handling_agency=COMMUNE_A)
    )
    assert status == 201, body
    return status, body


def test_boundary_free_procedure_is_received_anywhere_and_routed(api, officer_b):
    status, body = _filed_in_commune_b_for_commune_a(api, officer_b)
    assert body["receiving_agency"]["code"] == "001.00.11977.H31"
    assert body["handling_agency"]["code"] == COMMUNE_A
    assert body["code"].startswith("001.00.11977.H31-")


def test_provincial_procedure_at_the_provincial_centre(api, officer_province, specialist_dept, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_province).post("dossiers", counter_body(procedure="1.000049"))
    assert status == 201, body
    assert body["handling_agency"]["code"] == "000.00.08.H31"  # Sở Nông nghiệp và Môi trường
    assert body["code"].startswith("000.00.02.H31-260302-")
    assert body["due_at"] == "2026-03-11T09:00:00+07:00"  # 7 working days


def test_commune_centre_cannot_take_a_provincial_procedure(api, officer_a):
    status, body = api(officer_a).post("dossiers", counter_body(procedure="1.000049"))
    assert status == 400


def test_calendar_day_procedure(api, officer_province, clock):
    # 1.002099 counter: 5 calendar days; received Thu 5/3 10:00 → 10/3 (Tue) at 17:00.
    clock(vn(2026, 3, 5, 10, 0))
    status, body = api(officer_province).post(
        "dossiers", counter_body(procedure="1.002099", handling_agency=JUSTICE)
    )
    assert status == 201, body
    assert body["due_at"] == "2026-03-10T17:00:00+07:00"


def test_missing_statutory_time_needs_an_explicit_one(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body(procedure="2.002516"))
    assert status == 400 and body["error"]["code"] == "no_processing_time"
    status, body = api(officer_a).post(
        "dossiers", counter_body(procedure="2.002516", processing_time={"amount": "3", "unit": "working_day"})
    )
    assert status == 201, body
    assert body["due_at"] == "2026-03-05T09:00:00+07:00"


def test_postal_channel_is_received_at_once(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body(channel="postal"))
    assert status == 201 and body["status"] == "received" and body["channel"] == "postal"


def test_inbox_filters(api, officer_a, monitor, received):
    _, listing = api(officer_a).get("dossiers", status="received,processing", procedure=PARENTAGE)
    assert received in [d["code"] for d in listing["items"]]
    _, listing = api(officer_a).get("dossiers", q="tran van binh")
    assert received in [d["code"] for d in listing["items"]]
    _, listing = api(officer_a).get("dossiers", q=received[:20])
    assert received in [d["code"] for d in listing["items"]]
    status, body = api(officer_a).get("dossiers", status="flying")
    assert status == 400 and "status" in body["error"]["fields"]
    _, listing = api(monitor).get("dossiers", agency=COMMUNE_A)
    assert received in [d["code"] for d in listing["items"]]


def _own_workflow(procedure: str, agency: str | None, level: str, step: str) -> Workflow:
    """An active one-step workflow of ``agency`` (None: general) for ``procedure``."""
    workflow = Workflow.objects.create(
        procedure=Procedure.objects.get(code=procedure),
        agency=Agency.objects.get(code=agency) if agency else None,
        level=level,
        number=7,
        name=step,
    )
    WorkflowStep.objects.create(
        workflow=workflow, position=1, name=step, role="one_stop_officer", duration_amount=Decimal("8")
    )
    from catalog.services import workflow_activate

    return workflow_activate(workflow=workflow)


def test_counter_reception_takes_the_handling_agency_own_workflow(
    api, officer_a, officer_b, officer_province, clock
):
    # The commune's own workflow before the general one, whether the handling agency is the
    # centre's commune or named; another commune's is never taken (kept across requests:
    # catalog.selectors.active_workflow).
    clock(vn(2026, 3, 2, 9, 0))
    _own_workflow(PARENTAGE, COMMUNE_A, "commune", "Quy trình riêng của phường")
    _own_workflow(PARENTAGE, "000.00.11977.H31", "commune", "Quy trình riêng của xã B")
    _own_workflow(PARENTAGE, "000.00.11977.H31", "province", "Cấp khác")
    status, body = api(officer_a).post("dossiers", counter_body(procedure=PARENTAGE))
    assert status == 201, body
    assert [s["name"] for s in body["steps"]] == ["Quy trình riêng của phường"]
    status, body = _filed_in_commune_b_for_commune_a(api, officer_b)
    assert [s["name"] for s in body["steps"]] == ["Quy trình riêng của phường"]
    # A provincial procedure: its one linked department handles it, with its own workflow.
    status, body = api(officer_province).post("dossiers", counter_body(procedure="1.000049"))
    assert status == 201, body
    general = [s["name"] for s in body["steps"]]
    assert len(general) > 1
    _own_workflow("1.000049", "000.00.08.H31", "province", "Quy trình riêng của Sở")
    status, body = api(officer_province).post("dossiers", counter_body(procedure="1.000049"))
    assert status == 201, body
    assert [s["name"] for s in body["steps"]] == ["Quy trình riêng của Sở"]
    # Without any active workflow the dossier has no steps.
    for retired in Workflow.objects.filter(procedure__code="1.000049"):
        retired.status = Workflow.Status.RETIRED
        retired.save()  # each save starts a new generation of the kept workflows (ADR 0014)
    status, body = api(officer_province).post("dossiers", counter_body(procedure="1.000049"))
    assert status == 201 and body["steps"] == []
