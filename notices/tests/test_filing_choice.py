"""The applicant chooses the channels of his notices when he files online (the review page), and the
notices of that dossier follow the choice."""

from __future__ import annotations

import pytest

from accounts.models import Applicant
from dossiers.models import Dossier
from testing.clients import logged_in
from testing.documents import pdf_bytes
from testing.dossiers import vn
from testing.notices import deliver, notices
from testing.portal import WIZARD, required_components, start_draft, upload

pytestmark = pytest.mark.django_db


def ready_draft(client):
    dossier = start_draft(client)
    for component in required_components(dossier):
        upload(client, dossier, component.pk, pdf_bytes(1))
    return dossier


def test_the_review_page_offers_the_channels_ticked_by_default(citizen):
    client = logged_in(citizen)
    dossier = ready_draft(client)
    html = client.get(f"{WIZARD}{dossier.uuid}/xem-lai/").content.decode()
    assert "Nhận thông báo về hồ sơ qua" in html
    for name in ("kenh_inbox", "kenh_email", "kenh_sms"):
        assert f'name="{name}" checked' in html


def test_the_choice_made_when_filing_is_honoured(citizen, officer_a, api, clock, simulators):
    clock(vn(2026, 3, 2, 9, 0))
    client = logged_in(citizen)
    dossier = ready_draft(client)
    response = client.post(f"{WIZARD}{dossier.uuid}/nop/", {"thong_bao": "1", "kenh_inbox": "on"})
    assert response.status_code == 302
    choice = Applicant.objects.get(user=citizen).notice_channels
    assert (choice.inbox, choice.email, choice.sms) == (True, False, False)
    status, body = api(officer_a).post(f"dossiers/{dossier.uuid}/actions/receive", {})
    assert status == 200, body
    deliver()
    code = Dossier.objects.get(pk=dossier.pk).code
    assert code is not None
    found = {n.channel: (n.status, n.reason) for n in notices(code)}
    assert found["inbox"] == ("sent", "")
    assert found["sms"] == ("skipped", "Người nộp không chọn nhận thông báo qua kênh này.")
    assert simulators.state("sms")["messages"] == []


def test_filing_with_every_channel_off_is_refused_and_the_draft_stays(citizen):
    client = logged_in(citizen)
    dossier = ready_draft(client)
    response = client.post(f"{WIZARD}{dossier.uuid}/nop/", {"thong_bao": "1"})
    assert response.status_code == 400
    assert "Hãy chọn ít nhất một cách nhận thông báo." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == "draft"
