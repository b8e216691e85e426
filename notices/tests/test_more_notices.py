"""The notices of issue 13 §4 beyond the first six: the supplement request says by when, a return before
reception lists what to complete, a pause says what is awaited with the clock stopped, the hand-over of
the result and a withdrawal are confirmed — each on a real dossier, delivered by ``deliver_outbox`` to the
real SMTP server on loopback, the SMS gateway's simulator and the inbox."""

from __future__ import annotations

import pytest

from notices.models import Notice
from testing.clients import logged_in
from testing.dossiers import ONLINE, advance_to_last_step, online_dossier, vn
from testing.notices import counter, deliver, notices

pytestmark = pytest.mark.django_db


def sent(reference: str, kind: str) -> dict[str, Notice]:
    found = {n.channel: n for n in notices(reference, kind=kind)}
    assert {c: n.status for c, n in found.items()} == {"inbox": "sent", "email": "sent", "sms": "sent"}, {
        c: (n.status, n.reason) for c, n in found.items()
    }
    return found


def test_a_supplement_request_says_by_when(api, officer_a, citizen, clock, smtp, simulators):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    body = {"items": ["Bản sao Giấy chứng sinh rõ nét"], "supply_by": "2026-03-20"}
    status, answer = api(officer_a).post(f"dossiers/{code}/actions/request_supplement", body)
    assert status == 200, answer
    deliver()
    found = sent(code, "supplement")
    assert "Xin Ông/Bà bổ sung chậm nhất trong ngày 20/03/2026." in found["inbox"].body
    (mail,) = [m for m in smtp.messages if "cần bổ sung" in m.subject]
    assert "chậm nhất trong ngày 20/03/2026." in mail.text
    (text,) = [m["text"] for m in simulators.state("sms")["messages"] if "cần bổ sung" in m["text"]]
    assert "Hạn bổ sung: 20/03/2026." in text
    page = logged_in(citizen).get(f"/ho-so-cua-toi/{code}/").content.decode()
    assert "Hạn bổ sung: hết ngày 20/03/2026." in page


def test_a_return_before_reception_lists_what_to_complete(api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    reference = online_dossier(api, citizen)
    body = {"items": ["Tờ khai có chữ ký", "Bản chụp CCCD rõ nét"], "reason": "Thiếu chữ ký"}
    status, answer = api(officer_a).post(f"dossiers/{reference}/actions/return_for_completion", body)
    assert status == 200, answer
    deliver()
    (inbox,) = notices(reference, kind="returned", channel="inbox")
    assert inbox.subject.endswith("cần bổ sung, hoàn thiện trước khi tiếp nhận")
    assert "- Tờ khai có chữ ký\n- Bản chụp CCCD rõ nét\nLý do: Thiếu chữ ký\n" in inbox.body
    assert "nộp lại hồ sơ tại" in inbox.body and "tạm dừng" not in inbox.body  # no clock yet
    assert not notices(reference, kind="supplement")


def test_a_pause_says_what_is_awaited_and_that_the_clock_stopped(
    api, officer_a, leader_a, clock, smtp, simulators
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    clock(vn(2026, 3, 2, 10, 0))
    reason = "Nộp lệ phí đăng ký 8.000 đồng"
    status, answer = api(leader_a).post(f"dossiers/{code}/actions/pause", {"reason": reason})
    assert status == 200, answer
    deliver()
    found = sent(code, "paused")
    body = found["email"].body
    assert f"để chờ Ông/Bà thực hiện:\n{reason}\n" in body
    assert "thời hạn giải quyết ngừng tính" in body
    assert "trong thời gian còn lại (7 giờ làm việc)" in body  # 1 working day from 09:00, paused at 10:00
    (mail,) = [m for m in smtp.messages if "tạm dừng" in m.subject]
    assert mail.subject == f"Hồ sơ {code} tạm dừng giải quyết"
    assert any(reason in m["text"] for m in simulators.state("sms")["messages"])


def test_the_hand_over_of_the_result_is_confirmed(
    api, officer_a, superuser, leader_a, clock, smtp, simulators
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    advance_to_last_step(api, superuser, code)
    assert api(leader_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})[0] == 200
    clock(vn(2026, 3, 2, 15, 30))
    status, answer = api(officer_a).post(f"dossiers/{code}/actions/deliver", {"method": "postal"})
    assert status == 200, answer
    deliver()
    found = sent(code, "delivered")
    assert (
        "đã được trả lúc 15:30 ngày 02/03/2026, hình thức: trả qua dịch vụ bưu chính." in found["inbox"].body
    )
    assert (
        found["sms"].body
        == f"Hồ sơ {code} đã trả kết quả lúc 15:30 ngày 02/03/2026 (trả qua dịch vụ bưu chính)."
    )


def test_a_withdrawal_is_confirmed_but_a_dropped_draft_says_nothing(api, citizen, clock):
    clock(vn(2026, 3, 2, 9, 0))
    reference = online_dossier(api, citizen)
    status, answer = api(citizen).post(
        f"dossiers/{reference}/actions/withdraw", {"reason": "Nộp nhầm thủ tục"}
    )
    assert status == 200, answer
    status, draft = api(citizen).post("dossiers", {**ONLINE, "draft": True})
    assert status == 201, draft
    status, answer = api(citizen).post(f"dossiers/{draft['reference']}/actions/withdraw", {})
    assert status == 200, answer
    deliver()
    (inbox,) = notices(reference, kind="withdrawn", channel="inbox")
    assert inbox.subject == f"Xác nhận rút hồ sơ {reference}"
    assert "với lý do: Nộp nhầm thủ tục. Cơ quan không giải quyết hồ sơ này nữa." in inbox.body
    assert notices(draft["reference"]) == []
