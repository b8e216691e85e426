"""The public dossier look-up (page, kiosk screen and API) and the kiosk's tickets are counted per client
address (MOTCUA_LOOKUP_RATE, MOTCUA_KIOSK_TICKET_RATE): past the allowance they answer 429 with a
Vietnamese message and Retry-After; another address keeps its own allowance."""

from __future__ import annotations

import pytest
from django.test import override_settings

from kiosk.models import QueueTicket
from testing.kiosk import CENTRE_A, field_line

pytestmark = pytest.mark.django_db


@override_settings(MOTCUA_LOOKUP_RATE="3/m")
def test_the_lookup_page_answers_429_past_the_allowance_per_address(client):
    for _ in range(3):
        assert client.get("/tra-cuu/", {"ma": "H31.99-260302-0001"}).status_code == 404
    response = client.get("/tra-cuu/", {"ma": "H31.99-260302-0001"})
    html = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Bạn đã tra cứu quá nhiều lần" in html and 'role="alert"' in html
    assert client.get("/tra-cuu/H31.99-260302-0001/").status_code == 429
    # Another address has its own allowance; the empty form is never counted.
    assert client.get("/tra-cuu/", {"ma": "X"}, REMOTE_ADDR="10.0.0.9").status_code == 404
    assert client.get("/tra-cuu/").status_code == 200


@override_settings(MOTCUA_LOOKUP_RATE="2/m")
def test_the_public_api_answers_429_with_the_error_shape(client):
    for _ in range(2):
        assert client.get("/api/v1/public/dossiers/NOPE").status_code == 404
    response = client.get("/api/v1/public/dossiers/NOPE")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert response.json()["error"]["code"] == "rate_limited_public_lookup"
    assert "Tra cứu quá nhiều lần" in response.json()["error"]["message"]


@override_settings(MOTCUA_LOOKUP_RATE="1/m", MOTCUA_TRUSTED_PROXIES=1)
def test_a_made_up_forwarded_for_is_not_a_fresh_allowance_behind_one_proxy(client):
    # The one trusted proxy appends the address it saw: the client's own header text is ignored.
    assert (
        client.get("/tra-cuu/", {"ma": "X"}, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5").status_code == 404
    )
    again = client.get("/tra-cuu/", {"ma": "X"}, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.5")
    assert again.status_code == 429


@override_settings(MOTCUA_LOOKUP_RATE="1/m")
def test_the_kiosk_lookup_screen_counts_too(client, centre):
    assert client.get(f"/kiosk/{CENTRE_A}/tra-cuu/", {"ma": "X"}).status_code == 404
    response = client.get(f"/kiosk/{CENTRE_A}/tra-cuu/", {"ma": "X"})
    assert response.status_code == 429 and "Bạn đã tra cứu quá nhiều lần" in response.content.decode()


@override_settings(MOTCUA_KIOSK_TICKET_RATE="2/m")
def test_kiosk_tickets_are_rate_limited_per_address(client, centre):
    line = field_line(centre, 1)
    for _ in range(2):
        assert client.post(f"/kiosk/{CENTRE_A}/lay-so/", {"line": line}).status_code == 302
    refused = client.post(f"/kiosk/{CENTRE_A}/lay-so/", {"line": line})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Đã lấy quá nhiều số thứ tự" in refused.content.decode()
    assert QueueTicket.objects.filter(centre=centre).count() == 2  # the refused one issued nothing
    assert (
        client.post(f"/kiosk/{CENTRE_A}/lay-so/", {"line": line}, REMOTE_ADDR="10.1.1.1").status_code == 302
    )
