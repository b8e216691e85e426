"""A counter dossier through every step: reception, the electronic workflow, result, delivery."""

from __future__ import annotations

import re

import pytest

from dossiers.models import Dossier, DossierEvent, Handover
from outbox.models import OutboxMessage
from testing.dossiers import COMMUNE_A_CENTRE, counter_body, vn

pytestmark = pytest.mark.django_db


def test_counter_reception_issues_a_code_and_starts_the_clock(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))  # Monday
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    assert re.fullmatch(r"001\.00\.11953\.H31-260302-\d{4}", body["code"])
    assert body["status"] == "received"
    assert body["portal_status"] == 2
    assert body["received_at"] == "2026-03-02T09:30:00+07:00"
    # 1.001193 has "1" without unit in the national data: one working day, assumed.
    assert body["due_at"] == "2026-03-03T09:30:00+07:00"
    assert body["appointment_at"] == body["due_at"]
    assert body["classification"] == "approaching"  # only one working day to go
    assert [s["role"] for s in body["current_steps"]] == ["one_stop_officer"]
    assert body["current_steps"][0]["assignee"] == "motcua.phohien"
    assert body["receiving_agency"]["code"] == COMMUNE_A_CENTRE
    assert body["handling_agency"]["code"] == "000.00.11953.H31"


def test_full_workflow_to_delivery(api, officer_a, specialist_a, leader_a, clerk_a, clock):
    clock(vn(2026, 3, 2, 8, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    code = body["code"]
    clock(vn(2026, 3, 2, 8, 30))
    status, body = api(officer_a).post(
        f"dossiers/{code}/actions/forward", {"assignee": "chuyenvien.phohien", "note": "Hồ sơ đủ"}
    )
    assert status == 200, body
    assert body["status"] == "processing"
    assert body["current_steps"][0]["assignee"] == "chuyenvien.phohien"
    clock(vn(2026, 3, 2, 14, 0))
    status, body = api(specialist_a).post(f"dossiers/{code}/actions/forward", {"assignee": "lanhdao.phohien"})
    assert status == 200, body
    clock(vn(2026, 3, 2, 15, 0))
    status, body = api(leader_a).post(f"dossiers/{code}/actions/forward", {"assignee": "vanthu.phohien"})
    assert status == 200, body
    clock(vn(2026, 3, 2, 15, 30))
    status, body = api(clerk_a).post(
        f"dossiers/{code}/actions/resolve", {"outcome": "approved", "note": "Cấp Giấy khai sinh"}
    )
    assert status == 200, body
    assert body["status"] == "resolved" and body["portal_status"] == 9
    assert body["classification"] == "on_time"  # resolved on the due date, before 17:00
    clock(vn(2026, 3, 2, 16, 0))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/deliver", {"method": "counter"})
    assert status == 200, body
    assert body["status"] == "delivered" and body["portal_status"] == 10
    dossier = Dossier.objects.get(code=code)
    handovers = list(Handover.objects.filter(dossier=dossier).order_by("seq"))
    assert [h.kind for h in handovers] == ["receive", "forward", "forward", "forward", "resolve", "deliver"]
    # Step 1 (48 working minutes from 08:00) finished at 08:30: on time, same date as its due.
    assert handovers[1].timing == "on_time"
    assert [e.action for e in DossierEvent.objects.filter(dossier=dossier).order_by("seq")] == [
        "submit",
        "receive",
        "forward",
        "forward",
        "forward",
        "resolve",
        "deliver",
    ]


def test_every_change_writes_outbox_rows(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    topics = set(OutboxMessage.objects.filter(dossier_code=body["code"]).values_list("topic", flat=True))
    assert topics == {"notify.applicant", "portal.sync"}
    # A counter dossier is announced once it is received (filing and reception are one moment).
    assert OutboxMessage.objects.filter(dossier_code=body["code"], topic="portal.sync").count() == 1


def test_public_lookup_shows_nothing_personal(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    status, public = api().get(f"public/dossiers/{body['code']}")
    assert status == 200
    assert public == {
        "code": body["code"],
        "procedure": "1.001193",
        "procedure_name": "Thủ tục đăng ký khai sinh",
        "status": "received",
        "status_label": "Đã tiếp nhận",
        "received_at": "2026-03-02T09:00:00+07:00",
        "appointment_at": "2026-03-03T09:00:00+07:00",
        "resolved": False,
    }
    assert api().get("public/dossiers/KHONG-CO")[0] == 404


def test_officer_of_another_commune_cannot_open_or_act(api, officer_a, officer_b, specialist_b, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    for user in (officer_b, specialist_b):
        status, error = api(user).get(f"dossiers/{body['code']}")
        assert status == 404
        status, error = api(user).post(f"dossiers/{body['code']}/actions/forward", {})
        assert status == 404
    assert body["code"] not in [d["code"] for d in api(officer_b).get("dossiers")[1]["items"]]


def test_wrong_role_is_refused_and_changes_nothing(api, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    events = DossierEvent.objects.filter(dossier__code=body["code"]).count()
    status, error = api(specialist_a).post(f"dossiers/{body['code']}/actions/deliver", {"method": "counter"})
    assert status == 409  # not resolved yet: the state machine refuses first
    status, error = api(specialist_a).post(f"dossiers/{body['code']}/actions/forward", {})
    assert status == 403
    assert "Cán bộ một cửa" in error["error"]["message"] or "xử lý" in error["error"]["message"]
    assert DossierEvent.objects.filter(dossier__code=body["code"]).count() == events


def test_counter_reception_needs_the_applicant_and_valid_ids(api, officer_a):
    status, body = api(officer_a).post("dossiers", counter_body(applicant=None))
    assert status == 400 and body["error"]["fields"] == {"applicant": ["Bắt buộc nhập."]}
    bad = counter_body(applicant={"name": "A", "national_id": "123"})
    status, body = api(officer_a).post("dossiers", bad)
    assert status == 400 and "applicant.national_id" in body["error"]["fields"]
    status, body = api(officer_a).post("dossiers", counter_body(procedure="9.999999"))
    assert status == 400 and body["error"]["code"] == "unknown_procedure"
    status, body = api(officer_a).post("dossiers", counter_body(channel="fax"))
    assert status == 422 and "channel" in body["error"]["fields"]
    assert not Dossier.objects.filter(applicant_id_number="123").exists()


def test_papers_not_listed_are_refused(api, officer_a):
    status, body = api(officer_a).post("dossiers", counter_body(components=[{"name": "Sổ hộ khẩu"}]))
    assert status == 400
    assert body["error"]["code"] == "component_not_listed"


def test_components_are_recorded_for_the_receipt(api, officer_a):
    from catalog.models import Procedure

    requirement = Procedure.objects.get(code="1.001193").current_version.components.first()
    status, body = api(officer_a).post(
        "dossiers", counter_body(components=[{"requirement": requirement.pk, "originals": 1}])
    )
    assert status == 201, body
    (component,) = body["components"]
    assert component == {
        "id": component["id"],  # what a client uploads the paper's file to
        "requirement": requirement.pk,
        "name": requirement.name,
        "originals": 1,
        "copies": 0,
        "note": "",
    }


def test_another_commune_cannot_receive_a_non_boundary_free_procedure(api, officer_b):
    status, body = api(officer_b).post("dossiers", counter_body(handling_agency="000.00.11953.H31"))
    assert status == 400
    assert body["error"]["code"] == "not_receivable_here"
