"""Officers' lists and actions (issue 14 §12–13): each inbox tab in the order of what the officer must do
next, the ledger read a page at a time by period and field, the leader's approval named as such, the
paper result apart from the signed electronic copy, and the actions that end a dossier apart and
confirmed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from catalog.models import ProcedureField
from dossiers.importer import import_lines
from dossiers.models import DossierEvent
from testing.dossiers import COMMUNE_A, COMMUNE_A_CENTRE, counter_dossier, forward, online_dossier, vn
from testing.web import page
from web import workspace_views

pytestmark = pytest.mark.django_db


def codes_in(html: str) -> list[str]:
    return re.findall(r'class="code" href="/can-bo/ho-so/([^/]+)/"', html)


def imported(code: str, received: str, *later: dict[str, Any], procedure: str = "1.001193") -> str:
    return json.dumps(
        {
            "code": code,
            "procedure": procedure,
            "receiving_agency": COMMUNE_A_CENTRE,
            "handling_agency": COMMUNE_A,
            "channel": "counter",
            "applicant": {"name": "Trịnh Văn Quang", "national_id": "033091000099"},
            "events": [{"type": "received", "at": received}, *later],
        },
        ensure_ascii=False,
    )


def resolved(at: str) -> dict[str, Any]:
    return {"type": "resolved", "at": at, "outcome": "approved", "note": "Cấp"}


# ---------------------------------------------------------------------------------------------
# Inbox order


def test_results_to_hand_over_come_by_appointment_a_new_one_first(client, officer_a, clock):
    clock(vn(2026, 3, 2, 15, 0))
    lines = [
        # Resolved in January: the applicant has not come since the appointment (06/01).
        imported("H31-OLD-1", "2026-01-05T09:00:00+07:00", resolved("2026-01-05T10:00:00+07:00")),
        imported("H31-OLD-2", "2026-01-12T09:00:00+07:00", resolved("2026-01-12T10:00:00+07:00")),
        # Parentage (7 working days): appointment 11/03, resolved this morning.
        imported(
            "H31-NEW-LATER",
            "2026-03-02T08:00:00+07:00",
            resolved("2026-03-02T09:00:00+07:00"),
            procedure="1.000080",
        ),
        # Resolved just now, its appointment tomorrow: first.
        imported("H31-NEW-SOON", "2026-03-02T09:30:00+07:00", resolved("2026-03-02T14:00:00+07:00")),
    ]
    assert import_lines(lines).imported == 4
    _, html = page(client, officer_a, "/can-bo/ho-so/?tab=cho-tra")
    assert codes_in(html) == ["H31-NEW-SOON", "H31-NEW-LATER", "H31-OLD-2", "H31-OLD-1"]


def test_my_work_puts_what_is_due_first(client, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 15, 0))
    assert (
        import_lines(
            [
                imported("H31-OLD-1", "2026-01-05T09:00:00+07:00", resolved("2026-01-05T10:00:00+07:00")),
                imported("H31-NEW-SOON", "2026-03-02T09:30:00+07:00", resolved("2026-03-02T14:00:00+07:00")),
            ]
        ).imported
        == 2
    )
    clock(vn(2026, 3, 2, 15, 30))
    online = online_dossier(api, citizen)  # to check: due now, submitted 15:30
    _, html = page(client, officer_a, "/can-bo/ho-so/?tab=viec-cua-toi")
    # Appointment 06/01, submitted 02/03 15:30, appointment 03/03 09:30.
    assert codes_in(html) == ["H31-OLD-1", online, "H31-NEW-SOON"]


def test_work_in_progress_comes_due_first(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    parentage = counter_dossier(api, officer_a, procedure="1.000080")  # 7 working days
    clock(vn(2026, 3, 2, 10, 0))
    birth = counter_dossier(api, officer_a)  # 1 working day: due first
    _, html = page(client, officer_a, "/can-bo/ho-so/?tab=dang-xu-ly")
    assert codes_in(html) == [birth, parentage]


# ---------------------------------------------------------------------------------------------
# The ledger


def test_the_ledger_pages_and_filters_by_period_and_field(client, officer_a, clock, monkeypatch):
    clock(vn(2026, 4, 20, 10, 0))
    lines = [
        imported(
            f"H31-JAN-{n}",
            f"2026-01-{5 + n:02d}T09:00:00+07:00",
            resolved(f"2026-01-{5 + n:02d}T10:00:00+07:00"),
        )
        for n in range(3)
    ]
    lines.append(imported("H31-MAR-1", "2026-03-02T09:00:00+07:00", resolved("2026-03-02T10:00:00+07:00")))
    assert import_lines(lines).imported == 4
    monkeypatch.setattr(workspace_views, "LEDGER_PAGE", 2)
    base = f"/can-bo/so-theo-doi/?agency={COMMUNE_A_CENTRE}&field=ho-tich&year=2026"
    status, first = page(client, officer_a, base)
    assert status == 200 and "4 hồ sơ" in first and "Trang 1 / 2" in first
    assert "H31-JAN-0" in first and "H31-JAN-1" in first and "H31-MAR-1" not in first
    _, second = page(client, officer_a, base + "&page=2")
    assert "H31-JAN-2" in second and "H31-MAR-1" in second and "H31-JAN-0" not in second
    assert "<td>3</td>" in second  # numbered on from the first page
    _, march = page(client, officer_a, base + "&period=t3")
    assert "1 hồ sơ" in march and "H31-MAR-1" in march and "H31-JAN" not in march
    assert "Tháng 3 2026" in march
    _, quarter = page(client, officer_a, base + "&period=q1")
    assert "4 hồ sơ" in quarter
    _, april = page(client, officer_a, base + "&period=t4")
    assert "Chưa có hồ sơ nào trong sổ này." in april
    # Every field, and a period that does not exist read as the whole year.
    _, every = page(
        client, officer_a, f"/can-bo/so-theo-doi/?agency={COMMUNE_A_CENTRE}&field=tat-ca&period=x"
    )
    assert "Tất cả lĩnh vực" in every and "4 hồ sơ" in every
    # Another field has none of them.
    another = ProcedureField.objects.exclude(code="ho-tich").order_by("code").first()
    assert another is not None
    _, other = page(client, officer_a, base.replace("ho-tich", another.code))
    assert another.name in other and "H31-JAN-0" not in other


# ---------------------------------------------------------------------------------------------
# The leader's approval


def at_leader_step(api: Any, officer_a: Any, specialist_a: Any) -> str:
    """A counter dossier the specialist proposed to the leader (step 3 of 4, the leader's)."""
    code = counter_dossier(api, officer_a)
    forward(api, officer_a, code, "chuyenvien.phohien")
    forward(api, specialist_a, code, "lanhdao.phohien")
    _, body = api(officer_a).get(f"dossiers/{code}")
    [active] = [s for s in body["steps"] if s["state"] == "active"]
    assert active["role"] == "leader"
    return code


def test_the_leader_approves_or_not_at_his_step_api(api, officer_a, specialist_a, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = at_leader_step(api, officer_a, specialist_a)
    clock(vn(2026, 3, 2, 10, 0))
    status, body = api(leader_a).post(f"dossiers/{code}/actions/send_back", {})
    assert status == 400 and body["error"]["code"] == "reason_required"
    status, body = api(leader_a).post(f"dossiers/{code}/actions/send_back", {"reason": "Sai họ tên cha"})
    assert status == 200, body
    assert body["current_steps"][0]["role"] == "specialist"
    event = DossierEvent.objects.filter(dossier__code=code).latest("seq")
    assert (event.action, event.data["decision"], event.reason) == (
        "send_back",
        "not_approved",
        "Sai họ tên cha",
    )
    clock(vn(2026, 3, 2, 11, 0))
    forward(api, specialist_a, code, "lanhdao.phohien")
    forward(api, leader_a, code)
    event = DossierEvent.objects.filter(dossier__code=code).latest("seq")
    assert (event.action, event.data["decision"]) == ("forward", "approved")
    # The specialist's forward is not a decision.
    first = DossierEvent.objects.filter(dossier__code=code, action="forward").order_by("seq")[1]
    assert "decision" not in first.data


def test_the_leader_page_offers_approve_and_not_approve(
    client, api, officer_a, specialist_a, leader_a, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = at_leader_step(api, officer_a, specialist_a)
    _, html = page(client, leader_a, f"/can-bo/ho-so/{code}/")
    assert ">Phê duyệt</a>" in html and ">Không phê duyệt</a>" in html
    assert "Chuyển bước xử lý</a>" not in html and "Trả lại bước trước</a>" not in html
    status, dialog = page(client, leader_a, f"/can-bo/ho-so/{code}/thao-tac/send_back/")
    assert status == 200 and "Lý do không phê duyệt" in dialog and "Xác nhận: Không phê duyệt" in dialog
    client.force_login(leader_a)
    response = client.post(f"/can-bo/ho-so/{code}/thao-tac/send_back/", {"reason": ""})
    assert response.status_code == 400 and "Lý do không phê duyệt" in response.content.decode()
    response = client.post(f"/can-bo/ho-so/{code}/thao-tac/send_back/", {"reason": "Sai họ tên cha"})
    assert response.status_code == 303
    _, html = page(client, leader_a, f"/can-bo/ho-so/{code}/")
    assert "Đã không phê duyệt; hồ sơ trả lại bước trước." in html
    assert re.search(r"<b>\s*Không phê duyệt\s*</b>|>Không phê duyệt<", html)
    # The specialist, at her own step, forwards as before.
    _, html = page(client, specialist_a, f"/can-bo/ho-so/{code}/")
    assert "Chuyển bước xử lý</a>" in html and ">Phê duyệt</a>" not in html


# ---------------------------------------------------------------------------------------------
# Results and the actions that end a dossier


def test_the_paper_result_and_the_signed_copy_are_told_apart(
    client, api, officer_a, specialist_a, leader_a, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = at_leader_step(api, officer_a, specialist_a)
    forward(api, leader_a, code)  # approved: the clerk's step, the last
    _, html = page(client, leader_a, f"/can-bo/ho-so/{code}/")
    assert "Ban hành kết quả (văn bản giấy)</a>" in html
    status, body = api(leader_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})
    assert status == 200, body
    _, html = page(client, leader_a, f"/can-bo/ho-so/{code}/")
    assert re.search(r'class="button e-result"[^>]*>Phát hành bản điện tử có ký số \(PDF\)</a>', html)
    _, dialog = page(client, leader_a, f"/can-bo/ho-so/{code}/thao-tac/issue_result/")
    assert "không thay cho việc ban hành kết quả" in dialog


def test_ending_a_dossier_is_apart_outlined_and_confirmed(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    _, html = page(client, officer_a, f"/can-bo/ho-so/{code}/")
    main, ending = html.split('class="action-ending"')
    assert "Dừng giải quyết theo đề nghị" not in main
    assert re.search(r'class="button destructive"[^>]*>Dừng giải quyết theo đề nghị</a>', ending)
    assert "button danger" not in html
    _, dialog = page(client, officer_a, f"/can-bo/ho-so/{code}/thao-tac/stop/")
    assert "không hoàn tác được" in dialog
    assert re.search(r'<button type="submit" class="danger">Xác nhận: Dừng giải quyết theo đề nghị', dialog)
