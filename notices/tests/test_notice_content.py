"""What each kind of notice says, on a real dossier walked through the services and delivered by
``deliver_outbox``: reception (code, appointment, look-up link), supplement request (what is missing),
extension (the apology, the new appointment), result (where to collect, the download link), refusal
and stop (the reason). Other events make no notice."""

from __future__ import annotations

import pytest
from django.conf import settings

from documents.results import result_issue
from motcua.tests.access_world import one_page_pdf
from notices.models import Notice
from testing.dossiers import PARENTAGE, advance_to_last_step, online_dossier, vn
from testing.notices import counter, deliver, dossier, notices

pytestmark = pytest.mark.django_db


def inbox_text(reference: str, kind: str) -> str:
    (found,) = notices(reference, kind=kind, channel="inbox")
    assert found.status == Notice.Status.SENT
    return f"{found.subject}\n{found.body}"


def test_reception_gives_the_code_the_appointment_and_the_lookup_link(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    text = inbox_text(code, "received")
    assert f"Hồ sơ {code} đã được tiếp nhận" in text
    assert "Ngày hẹn trả kết quả: 09:00 ngày 03/03/2026" in text
    assert f"{settings.SITE_URL}/tra-cuu/?ma={code}" in text
    # Creation and submission at the counter make no notice: one notice per channel, all of reception.
    assert {n.kind for n in notices(code)} == {"received"}


def test_a_supplement_request_lists_what_is_missing(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    body = {"items": ["Bản sao Giấy chứng sinh rõ nét", "Tờ khai có chữ ký"], "reason": "Bản chụp bị mờ"}
    status, answer = api(officer_a).post(f"dossiers/{code}/actions/request_supplement", body)
    assert status == 200, answer
    deliver()
    text = inbox_text(code, "supplement")
    assert "- Bản sao Giấy chứng sinh rõ nét\n- Tờ khai có chữ ký\n" in text
    assert "Lý do: Bản chụp bị mờ" in text
    assert f"/ho-so-cua-toi/{code}/" in text


def test_an_extension_carries_the_apology_and_the_new_appointment(api, officer_a, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a, procedure=PARENTAGE)
    body = {"reason": "Cần xác minh thêm tại nơi cư trú", "new_appointment": "2026-03-20T16:00:00+07:00"}
    status, answer = api(leader_a).post(f"dossiers/{code}/actions/extend", body)
    assert status == 200, answer
    deliver()
    text = inbox_text(code, "extension")
    assert "xin lỗi" in text
    assert "Lý do: Cần xác minh thêm tại nơi cư trú" in text
    assert "Ngày hẹn trả kết quả mới: 16:00 ngày 20/03/2026" in text
    assert "chưa giải quyết xong theo ngày hẹn" in text


def test_a_result_says_where_to_collect_it_and_links_the_electronic_result(
    api, officer_a, superuser, leader_a, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    advance_to_last_step(api, superuser, code)
    status, answer = api(leader_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})
    assert status == 200, answer
    result = result_issue(
        dossier=dossier(code), data=one_page_pdf(), title="Giấy khai sinh", number="15/GKS", actor=leader_a
    )
    deliver()
    text = inbox_text(code, "result")
    assert f"Hồ sơ {code} đã có kết quả" in text
    assert "Nơi nhận kết quả: Bộ phận Một cửa — " in text
    assert f"- Giấy khai sinh: {settings.SITE_URL}/ho-so-cua-toi/tep/{result.file.uuid}/" in text


def test_a_result_without_an_electronic_copy_says_only_where_to_collect(
    api, officer_a, superuser, leader_a, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    advance_to_last_step(api, superuser, code)
    api(leader_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})
    deliver()
    text = inbox_text(code, "result")
    assert "Nơi nhận kết quả: Bộ phận Một cửa" in text
    assert "tải kết quả điện tử" not in text


def test_a_refusal_after_appraisal_gives_the_reason(api, officer_a, superuser, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    advance_to_last_step(api, superuser, code)
    body = {"outcome": "refused", "note": "Người được khai sinh đã được đăng ký trước đó"}
    status, answer = api(leader_a).post(f"dossiers/{code}/actions/resolve", body)
    assert status == 200, answer
    deliver()
    text = inbox_text(code, "refusal")
    assert "Lý do: Người được khai sinh đã được đăng ký trước đó" in text
    assert not notices(code, kind="result")


def test_a_refusal_at_reception_gives_the_reason(api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    reference = online_dossier(api, citizen)
    body = {"reason": "Thủ tục không thuộc thẩm quyền của phường"}
    status, answer = api(officer_a).post(f"dossiers/{reference}/actions/refuse", body)
    assert status == 200, answer
    deliver()
    text = inbox_text(reference, "refusal")
    assert "Lý do: Thủ tục không thuộc thẩm quyền của phường" in text
    # Not received, the dossier has its code all the same (issued at submission): the notice names it.
    assert reference.startswith("001.00.11953.H31-260302-") and reference in text


def test_a_stop_gives_the_reason(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    status, answer = api(officer_a).post(
        f"dossiers/{code}/actions/stop", {"reason": "Người nộp đề nghị dừng"}
    )
    assert status == 200, answer
    deliver()
    assert "Lý do: Người nộp đề nghị dừng" in inbox_text(code, "stopped")


def test_events_without_a_notice_are_delivered_with_nothing_sent(api, officer_a, superuser, clock, caplog):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    before = len(notices(code))
    advance_to_last_step(api, superuser, code)  # forwards: no notice
    with caplog.at_level("INFO", logger="motcua.notices"):
        assert deliver().splitlines()[-1].startswith("delivered ")
    assert len(notices(code)) == before
    assert "makes no notice" in caplog.text
    from outbox.models import OutboxMessage

    assert not OutboxMessage.objects.filter(topic="notify.applicant").exclude(status="delivered").exists()


def test_delivering_twice_sends_nothing_more(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    first = [(n.channel, n.status, n.body) for n in notices(code)]
    from notices.delivery import deliver as handler
    from outbox.models import OutboxMessage

    for message in OutboxMessage.objects.filter(topic="notify.applicant", dossier_code=code):
        handler(message)
    assert [(n.channel, n.status, n.body) for n in notices(code)] == first
