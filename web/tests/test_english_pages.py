"""The pages in English (the language selector posts to Django's ``set_language``, which sets the
cookie ``LanguageMiddleware`` reads): dossier statuses, actions, tabs and dates read as English, with
"on" before a date where Vietnamese says "ngày" (never "days 02/03"). What the API, the outbox and the
services' messages say stays Vietnamese whatever the cookie."""

from __future__ import annotations

import pytest
from django.conf import settings

from outbox.models import OutboxMessage
from testing.dossiers import BIRTH_REGISTRATION, online_dossier, vn
from testing.kiosk import KIOSK, field_line, take
from testing.web import english, html_of

pytestmark = pytest.mark.django_db


def test_the_public_lookup_in_english(received):
    html = html_of(english(), "/tra-cuu/", ma=received.code)
    assert ">Received</span>" in html  # the status badge
    assert "10:00 on 02/03/2026" in html and "10:00 on 03/03/2026" in html
    assert '<html lang="en">' in html and "Đã tiếp nhận" not in html


def test_the_citizens_pages_in_english(received, citizen):
    client = english(citizen)
    html = html_of(client, f"/ho-so-cua-toi/{received.code}/")
    assert '<html lang="en">' in html
    assert 'status">Received</span>' in html
    assert "10:00 on 03/03/2026" in html  # the appointment
    assert "<b>Receive dossier</b> → Received" in html and "<b>Submit dossier</b>" in html  # the timeline
    assert "Đã tiếp nhận" not in html and "Tiếp nhận hồ sơ" not in html
    listing = html_of(client, "/ho-so-cua-toi/")
    assert "Drafts (0)" in listing and "Awaiting reception (0)" in listing and "Processing (1)" in listing
    assert "Received 10:00 02/03/2026" in listing  # "Tiếp nhận" as "received at", not the menu's "Reception"


def test_the_officer_inbox_in_english(received, officer_a):
    client = english(officer_a)
    html = html_of(client, "/can-bo/ho-so/", tab="tat-ca")
    for tab in ("My tasks", "Awaiting reception", "In progress", "Awaiting supplement", "All"):
        assert f'>{tab} <span class="count">' in html, tab
    assert '<th scope="col">Received</th>' in html  # the column of the reception time
    assert '<td class="status" data-label="Status">Received</td>' in html
    assert "All statuses" in html and "Overdue only" in html
    assert ">Reception</a>" in html  # the menu keeps its own word
    page = html_of(client, f"/can-bo/ho-so/{received.code}/")
    assert '<span class="status-pill">Received</span>' in page and "<b>Receive dossier</b>" in page


def test_a_procedures_button_says_file_online(citizen):
    html = html_of(english(citizen), "/nop-ho-so/", q="dang ky khai sinh")
    assert f'href="/nop-ho-so/{BIRTH_REGISTRATION}/">File online<span' in html
    assert "Submit dossier<span" not in html  # the wizard's last button keeps "Submit dossier"


def test_the_kiosk_ticket_in_english(centre):
    ticket = take(centre, field_line(centre, 1))
    html = html_of(english(), f"{KIOSK}/ve/{ticket.uuid}/")
    issued = ticket.issued_at.astimezone(vn(2026, 1, 1).tzinfo)
    assert f"Ticket taken at {issued:%H:%M} on {issued:%d/%m/%Y}" in html


def test_the_api_and_the_services_stay_vietnamese_under_the_english_cookie(api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    reference = online_dossier(api, citizen)
    officer = api(officer_a)
    officer.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    status, body = officer.post(f"dossiers/{reference}/actions/receive", {})
    assert status == 200 and body["status_label"] == "Đã tiếp nhận"
    code = body["code"]
    notice = OutboxMessage.objects.filter(topic=OutboxMessage.Topic.NOTIFY_APPLICANT).latest("pk")
    assert notice.payload["message"] == f"Hồ sơ {code}: Đã tiếp nhận."
    assert officer.get(f"dossiers/{code}")[1]["status_label"] == "Đã tiếp nhận"
    assert officer.get(f"public/dossiers/{code}")[1]["status_label"] == "Đã tiếp nhận"
    status, body = officer.post(f"dossiers/{code}/actions/receive", {})
    assert status == 409
    message = body["error"]["message"]
    assert "«Tiếp nhận hồ sơ»" in message and "«Đã tiếp nhận»" in message
    assert "Đã nộp trực tuyến, chờ tiếp nhận" in message  # the states it is allowed from
