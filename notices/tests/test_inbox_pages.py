"""The citizen's inbox on the portal: the dossier's applicant sees his notices and marks them read;
another citizen and staff see none of them; both dossier pages list the notices."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Applicant, User
from notices.models import InboxEntry
from testing.dossiers import vn
from testing.notices import counter, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(api, officer_a, clock) -> InboxEntry:
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    return InboxEntry.objects.get(notice__dossier__code=code)


def page(user: User) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get("/thong-bao/")
    return response.status_code, response.content.decode()


def test_the_applicant_reads_his_notices_and_marks_them_read(entry, citizen):
    code = entry.notice.dossier.code
    status, html = page(citizen)
    assert status == 200
    assert f"Hồ sơ {code} đã được tiếp nhận" in html
    assert "1 thông báo chưa đọc." in html
    client = Client()
    client.force_login(citizen)
    response = client.post(f"/thong-bao/{entry.uuid}/da-doc/")
    assert response.status_code == 302 and response["Location"] == "/thong-bao/"
    entry.refresh_from_db()
    assert entry.read_at is not None
    assert "0 thông báo chưa đọc." in page(citizen)[1]


def test_another_citizen_sees_none_and_cannot_mark_them(entry, business):
    status, html = page(business)
    assert status == 200 and entry.notice.dossier.code not in html
    client = Client()
    client.force_login(business)
    assert client.post(f"/thong-bao/{entry.uuid}/da-doc/").status_code == 404
    client.post("/thong-bao/da-doc/")
    entry.refresh_from_db()
    assert entry.read_at is None


def test_staff_have_no_inbox_of_the_citizens_notices(entry, officer_a, superuser):
    for user in (officer_a, superuser):
        status, html = page(user)
        assert status == 200 and entry.notice.dossier.code not in html
        assert "Cách nhận thông báo" not in html  # no channel choice: not an applicant


def test_the_citizens_timeline_shows_the_notices_sent(entry, citizen):
    client = Client()
    client.force_login(citizen)
    html = client.get(f"/ho-so-cua-toi/{entry.notice.dossier.code}/").content.decode()
    assert "Đã gửi thông báo: Hộp thư trên Cổng" in html


def test_the_officers_dossier_page_lists_the_notices(entry, officer_a):
    client = Client()
    client.force_login(officer_a)
    html = client.get(f"/can-bo/ho-so/{entry.notice.dossier.code}/").content.decode()
    assert "Thông báo cho người nộp" in html
    assert "Tiếp nhận hồ sơ" in html and "Hộp thư trên Cổng" in html


def test_the_applicant_chooses_his_channels_and_the_notices_follow(api, officer_a, citizen, clock, smtp):
    client = Client()
    client.force_login(citizen)
    response = client.post("/thong-bao/cach-nhan/", {"inbox": "on", "sms": "on"})
    assert response.status_code == 302
    choice = Applicant.objects.get(user=citizen).notice_channels
    assert (choice.inbox, choice.email, choice.sms) == (True, False, True)
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    email = InboxEntry.objects.get(notice__dossier__code=code).notice.dossier.notices.get(channel="email")
    assert (email.status, email.reason) == ("skipped", "Người nộp không chọn nhận thông báo qua kênh này.")
    assert smtp.messages == []


def test_turning_every_channel_off_is_refused(citizen):
    client = Client()
    client.force_login(citizen)
    response = client.post("/thong-bao/cach-nhan/", {})
    assert response.status_code == 400
    assert "Hãy chọn ít nhất một cách nhận thông báo." in response.content.decode()
    assert not Applicant.objects.filter(notice_channels__isnull=False).exists()
