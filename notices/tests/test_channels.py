"""The three channels, end to end through ``deliver_outbox``: e-mail received by a real SMTP server on
loopback, SMS at the gateway's simulator over real HTTP, the portal's inbox. A channel refused for good
is logged and does not hold the others back; a channel failing for now is retried later without
re-sending the channels that went through; a channel not configured is skipped with the reason."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest

from integrations.models import Exchange
from integrations.sms import client as sms
from notices.models import ChannelChoice, InboxEntry, Notice
from outbox.models import OutboxMessage
from testing.dossiers import counter_body, vn
from testing.notices import APPLICANT, EMAIL, counter, deliver, dossier, notices

pytestmark = pytest.mark.django_db
T0 = vn(2026, 3, 2, 9, 0)


def by_channel(code: str) -> dict[str, Notice]:
    return {n.channel: n for n in notices(code, kind="received")}


def test_the_reception_notice_reaches_all_three_channels(api, officer_a, clock, smtp, simulators):
    clock(T0)
    code = counter(api, officer_a)
    assert deliver().splitlines()[-1].startswith("delivered ")
    found = by_channel(code)
    assert {c: n.status for c, n in found.items()} == {"inbox": "sent", "email": "sent", "sms": "sent"}

    (mail,) = smtp.messages
    assert mail.recipients == [EMAIL]
    assert mail.subject == f"Hồ sơ {code} đã được tiếp nhận"
    assert mail.text.startswith("Kính gửi Ông/Bà Nguyễn Thị Dân,\n\n")
    assert "Ngày hẹn trả kết quả: 09:00 ngày 03/03/2026" in mail.text
    assert unicodedata.is_normalized("NFC", mail.text) and unicodedata.is_normalized("NFC", mail.subject)
    assert found["email"].recipient == "d*********@example.vn"

    (text,) = simulators.state("sms")["messages"]
    assert text["to"] == "0912345678"
    assert text["ref"] == f"{dossier(code).uuid}:{found['sms'].event_seq}:sms"
    assert text["text"].startswith(f"Hồ sơ {code} đã được tiếp nhận. Hẹn trả kết quả: 09:00 ngày 03/03/2026.")
    assert found["sms"].provider_id == text["id"] and found["sms"].recipient == "091****678"
    assert Exchange.objects.filter(partner="sms", outcome="accepted", dossier_code=code).count() == 1

    entry = InboxEntry.objects.get(notice=found["inbox"])
    assert entry.user.username == "congdan" and entry.read_at is None


def test_a_refused_phone_number_is_logged_and_the_other_channels_still_go(
    api, officer_a, clock, smtp, simulators
):
    clock(T0)
    code = counter(api, officer_a, phone="12345")
    deliver()
    found = by_channel(code)
    assert found["sms"].status == "failed"
    assert found["sms"].reason.startswith("Cổng SMS từ chối (2): Số điện thoại không hợp lệ")
    assert found["email"].status == found["inbox"].status == "sent"
    assert simulators.state("sms")["messages"] == []
    assert OutboxMessage.objects.filter(
        dossier_code=code, topic="notify.applicant", status="delivered"
    ).exists()
    assert Exchange.objects.get(partner="sms", dossier_code=code).outcome == "refused"


def test_a_refused_mailbox_is_logged_and_the_other_channels_still_go(api, officer_a, clock, smtp, simulators):
    clock(T0)
    smtp.refuse.add(EMAIL)
    code = counter(api, officer_a)
    deliver()
    found = by_channel(code)
    assert found["email"].status == "failed" and "từ chối địa chỉ" in found["email"].reason
    assert found["sms"].status == found["inbox"].status == "sent"


def test_an_sms_timeout_is_retried_later_without_sending_the_other_channels_again(
    api, officer_a, clock, smtp, simulators
):
    clock(T0)
    code = counter(api, officer_a)
    simulators.fault("sms", timeout_calls=1, hang_seconds=3)  # the fixture's time-out is 2 s
    assert deliver().splitlines()[-1] == "delivered 0, retried 1, dead 0"
    assert {n.channel for n in notices(code)} == {"inbox", "email"}
    message = OutboxMessage.objects.get(dossier_code=code, topic="notify.applicant", status="pending")
    assert "sms:" in message.last_error

    clock(T0 + timedelta(minutes=2))  # past the back-off
    assert deliver().splitlines()[-1].startswith("delivered ")
    assert by_channel(code)["sms"].status == "sent"
    assert len(smtp.messages) == 1  # the e-mail went once
    assert InboxEntry.objects.filter(notice__dossier__code=code).count() == 1
    assert len(simulators.state("sms")["messages"]) == 1
    assert (
        Exchange.objects.filter(partner="sms", dossier_code=code).values_list("outcome", flat=True).count()
        == 2
    )


def test_an_sms_sent_but_not_recorded_is_not_sent_twice(api, officer_a, clock, simulators, settings):
    """A worker that dies after the gateway accepted the SMS and before the notice was recorded: the
    message is delivered again, the gateway knows the reference and keeps one text."""
    clock(T0)
    code = counter(api, officer_a)
    deliver()
    Notice.objects.filter(dossier__code=code, channel="sms").delete()  # as if never recorded
    OutboxMessage.objects.filter(dossier_code=code, topic="notify.applicant").update(status="pending")
    deliver()
    state = simulators.state("sms")
    assert len(state["messages"]) == 1 and state["duplicates"] == 1
    assert by_channel(code)["sms"].status == "sent"


def test_a_busy_mail_server_is_retried_later(api, officer_a, clock, smtp, simulators):
    clock(T0)
    smtp.busy = 1
    code = counter(api, officer_a)
    assert deliver().splitlines()[-1] == "delivered 0, retried 1, dead 0"
    assert set(by_channel(code)) == {"inbox", "sms"}
    clock(T0 + timedelta(minutes=2))
    deliver()
    assert by_channel(code)["email"].status == "sent"
    assert len(smtp.messages) == 1 and len(simulators.state("sms")["messages"]) == 1


def test_unconfigured_channels_are_skipped_with_the_reason(api, officer_a, clock, settings):
    clock(T0)
    settings.MOTCUA_SMS_URL = settings.MOTCUA_SMS_TOKEN = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    code = counter(api, officer_a)
    assert deliver().splitlines()[-1].startswith("delivered ")
    found = by_channel(code)
    assert (found["sms"].status, found["sms"].reason) == ("skipped", sms.SMS_OFF)
    assert (found["email"].status, found["email"].reason) == (
        "skipped",
        "Chưa cấu hình gửi thư điện tử (EMAIL_HOST).",
    )
    assert found["inbox"].status == "sent"


def test_the_gateway_refuses_a_bad_token(simulators, settings):
    settings.MOTCUA_SMS_TOKEN = "sai"
    with pytest.raises(sms.SmsRefused) as refused:
        sms.send(to="0912345678", text="Thử", ref="r1")
    assert refused.value.code == "1"
    assert simulators.state("sms")["messages"] == []


def test_the_gateway_keeps_one_text_per_reference(simulators):
    first = sms.send(to="0912345678", text="Thử", ref="r1")
    again = sms.send(to="0912345678", text="Thử", ref="r1")
    assert first == again
    state = simulators.state("sms")
    assert len(state["messages"]) == 1 and state["duplicates"] == 1


def test_an_applicant_without_an_account_gets_no_inbox_entry(api, officer_a, clock, smtp, simulators):
    clock(T0)
    code = counter(api, officer_a, name="Trần Văn Bình", national_id="033095004321")
    deliver()
    found = by_channel(code)
    assert (found["inbox"].status, found["inbox"].reason) == (
        "skipped",
        "Người nộp chưa có tài khoản trên Cổng.",
    )
    assert found["email"].status == "sent"


def test_the_health_page_says_whether_sms_is_on(client, simulators, settings):
    assert client.get("/suc-khoe/").json()["integrations"]["sms"] == {"on": True, "message": ""}
    settings.MOTCUA_SMS_URL = ""
    assert client.get("/suc-khoe/").json()["integrations"]["sms"] == {"on": False, "message": sms.SMS_OFF}


def test_an_email_sent_again_after_a_crash_is_the_same_message(api, officer_a, clock, smtp, settings):
    """A worker that dies after the mail server accepted the message and before the notice was
    recorded sends it again: SMTP has no de-duplication, so the copy carries the notice's own
    Message-ID, which mail clients show once."""
    settings.DEFAULT_FROM_EMAIL = "Cổng Dịch vụ công Hưng Yên <khong-tra-loi@hungyen.gov.vn>"
    clock(T0)
    code = counter(api, officer_a)
    deliver()
    first = by_channel(code)["email"]
    expected = f"<{dossier(code).uuid}.{first.event_seq}.email@hungyen.gov.vn>"
    assert first.provider_id == expected
    Notice.objects.filter(pk=first.pk).delete()  # as if never recorded
    OutboxMessage.objects.filter(dossier_code=code, topic="notify.applicant").update(status="pending")
    deliver()
    assert [m.message["Message-ID"] for m in smtp.messages] == [expected, expected]
    assert smtp.messages[0].data == smtp.messages[1].data  # the same message (the clock is frozen)
    assert by_channel(code)["email"].provider_id == expected


def test_the_dossiers_choice_wins_over_the_saved_preference(api, officer_a, clock, smtp, simulators):
    clock(T0)
    applicant = {**APPLICANT}
    status, quiet = api(officer_a).post(
        "dossiers", counter_body(applicant=applicant, notify_email=False, notify_sms=False)
    )
    assert status == 201, quiet
    ChannelChoice.objects.create(applicant=dossier(quiet["code"]).applicant, email=False, sms=False)
    status, told = api(officer_a).post(
        "dossiers", counter_body(applicant=applicant, notify_email=True, notify_sms=True)
    )
    assert status == 201, told
    deliver()
    assert {c: n.status for c, n in by_channel(quiet["code"]).items()} == {
        "inbox": "sent",
        "email": "skipped",
        "sms": "skipped",
    }
    assert {c: n.status for c, n in by_channel(told["code"]).items()} == {
        "inbox": "sent",
        "email": "sent",
        "sms": "sent",
    }
    assert [m.subject for m in smtp.messages] == [f"Hồ sơ {told['code']} đã được tiếp nhận"]
    assert [m["ref"].split(":")[0] for m in simulators.state("sms")["messages"]] == [
        str(dossier(told["code"]).uuid)
    ]
