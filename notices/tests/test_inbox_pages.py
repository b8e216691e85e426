"""The citizen's inbox on the portal: the dossier's applicant sees his notices and marks them read;
another citizen and staff see none of them; both dossier pages list the notices."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Applicant, User
from notices.models import InboxEntry, Notice
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
    assert (
        "Cách nhận: Hộp thư trên Cổng, Thư điện tử (d*********@example.vn), Tin nhắn SMS (091****678) — "
        "theo lựa chọn đã lưu của người nộp" in html
    )
    assert "Tiếp nhận hồ sơ" in html and "Hộp thư trên Cổng" in html


def test_the_applicant_chooses_his_channels_and_the_notices_follow(api, officer_a, citizen, clock, smtp):
    client = Client()
    client.force_login(citizen)
    response = client.post("/thong-bao/cach-nhan/", {"sms": "on"})
    assert response.status_code == 302
    choice = Applicant.objects.get(user=citizen).notice_channels
    assert (choice.email, choice.sms) == (False, True)
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)  # the API says nothing of notices: the saved preference holds
    deliver()
    email = InboxEntry.objects.get(notice__dossier__code=code).notice.dossier.notices.get(channel="email")
    assert (email.status, email.reason) == ("skipped", "Người nộp không chọn nhận thông báo qua kênh này.")
    assert smtp.messages == []


def test_turning_email_and_sms_off_keeps_the_inbox(api, officer_a, citizen, clock, simulators):
    client = Client()
    client.force_login(citizen)
    html = client.get("/thong-bao/").content.decode()
    assert "Thông báo luôn đến hộp thư này." in html and 'name="inbox"' not in html
    assert client.post("/thong-bao/cach-nhan/", {}).status_code == 302
    choice = Applicant.objects.get(user=citizen).notice_channels
    assert (choice.email, choice.sms) == (False, False)
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    found = {n.channel: n.status for n in Notice.objects.filter(dossier__code=code)}
    assert found == {"inbox": "sent", "email": "skipped", "sms": "skipped"}
    assert simulators.state("sms")["messages"] == []
