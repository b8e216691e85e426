"""The applicant chooses, for each dossier he files online (the review page), whether to be told of it by
e-mail and by SMS; the choice starts from his saved preference, is checked against the draft's address
and phone, and the notices of that dossier follow it. The portal's inbox is always on."""

from __future__ import annotations

import pytest

from accounts.models import Applicant
from dossiers.models import Dossier
from notices.models import ChannelChoice
from testing.clients import logged_in
from testing.documents import pdf_bytes
from testing.dossiers import vn
from testing.notices import deliver, notices
from testing.portal import WIZARD, required_components, start_draft, upload

pytestmark = pytest.mark.django_db


def ready_draft(client, **form):
    dossier = start_draft(client, **form)
    for component in required_components(dossier):
        upload(client, dossier, component.pk, pdf_bytes(1))
    return dossier


def review(client, dossier) -> str:
    return client.get(f"{WIZARD}{dossier.uuid}/xem-lai/").content.decode()


def test_the_review_page_offers_email_and_sms_to_the_drafts_address(citizen):
    client = logged_in(citizen)
    dossier = ready_draft(client)
    html = review(client, dossier)
    assert "Nhận thông báo về hồ sơ qua" in html
    assert "Hộp thư trên Cổng (mục «Thông báo của tôi»): luôn nhận." in html
    assert 'name="kenh_inbox"' not in html
    assert 'name="kenh_email" checked> Thư điện tử tới dan@example.vn' in html
    assert 'name="kenh_sms" checked> Tin nhắn SMS tới số 0912345678' in html


def test_the_review_page_starts_from_the_saved_preference(citizen):
    ChannelChoice.objects.create(applicant=Applicant.objects.get(user=citizen), email=False, sms=True)
    client = logged_in(citizen)
    html = review(client, ready_draft(client))
    assert 'name="kenh_email"> Thư điện tử tới dan@example.vn' in html  # turned off by the applicant
    assert 'name="kenh_sms" checked>' in html


def test_sms_is_not_ticked_without_a_phone(citizen):
    Applicant.objects.filter(user=citizen).update(phone="")
    client = logged_in(citizen)
    html = review(client, ready_draft(client, phone=""))
    assert 'name="kenh_sms"> Tin nhắn SMS (chưa khai số điện thoại)' in html


def test_the_choice_made_when_filing_is_the_dossiers(citizen, officer_a, api, clock, smtp, simulators):
    clock(vn(2026, 3, 2, 9, 0))
    client = logged_in(citizen)
    dossier = ready_draft(client)
    response = client.post(f"{WIZARD}{dossier.uuid}/nop/", {"thong_bao": "1", "kenh_sms": "on"})
    assert response.status_code == 302
    filed = Dossier.objects.get(pk=dossier.pk)
    assert (filed.status, filed.notify_email, filed.notify_sms) == ("submitted", False, True)
    assert not ChannelChoice.objects.exists()  # the saved preference is not touched
    status, body = api(officer_a).post(f"dossiers/{dossier.uuid}/actions/receive", {})
    assert status == 200, body
    deliver()
    found = {n.channel: (n.status, n.reason) for n in notices(str(dossier.uuid))}
    assert found == {
        "inbox": ("sent", ""),
        "email": ("skipped", "Người nộp không chọn nhận thông báo qua kênh này."),
        "sms": ("sent", ""),
    }
    assert [m["to"] for m in simulators.state("sms")["messages"]] == ["0912345678"]
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Để nhận thông báo qua SMS cần số điện thoại di động của người nộp."),
        (
            "0221 3862 000",
            "Số «02213862000» không nhận được SMS: cần số di động Việt Nam gồm 10 chữ số, bắt đầu bằng 03, "
            "05, 07, 08 hoặc 09 (hoặc +84).",
        ),
    ],
)
def test_sms_without_a_mobile_number_is_refused_and_the_draft_stays(citizen, phone, message):
    Applicant.objects.filter(user=citizen).update(phone="")
    client = logged_in(citizen)
    dossier = ready_draft(client, phone=phone)
    response = client.post(
        f"{WIZARD}{dossier.uuid}/nop/", {"thong_bao": "1", "kenh_email": "on", "kenh_sms": "on"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    kept = Dossier.objects.get(pk=dossier.pk)
    assert (kept.status, kept.notify_email, kept.notify_sms) == ("draft", None, None)
