"""The portal's status codes (one table, dossiers.transitions.PORTAL_STATUS), and how motcua says the
portal's sync is on or off: the health page's integrations, the system check on half-set settings."""

from __future__ import annotations

import json

import pytest

from dossiers.transitions import PORTAL_STATUS, Status
from integrations import status
from integrations.checks import integration_settings
from integrations.dvcqg import payloads
from integrations.simulators.settings import environment

# INTEGRATIONS.md: 1 submitted online, not yet received · 2 received · 3 refused at reception ·
# 4 processing · 5 supplement requested · 6 financial obligation requested · 7 withdrawal requested ·
# 8 processing stopped · 9 resolved · 10 result delivered.
EXPECTED = {
    Status.DRAFT: 1,
    Status.SUBMITTED: 1,
    Status.RETURNED: 1,
    Status.REFUSED: 3,
    Status.WITHDRAWN: 7,
    Status.RECEIVED: 2,
    Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.PAUSED: 6,
    Status.RESOLVED: 9,
    Status.DELIVERED: 10,
    Status.STOPPED: 8,
}


def test_every_internal_status_maps_to_exactly_one_portal_code():
    assert set(PORTAL_STATUS) == set(Status)
    assert PORTAL_STATUS == EXPECTED
    assert all(isinstance(code, int) and 1 <= code <= 10 for code in PORTAL_STATUS.values())
    assert {payloads.portal_status(s.value) for s in Status} == set(EXPECTED.values())


def test_dates_travel_in_local_time():
    from datetime import UTC, datetime

    assert payloads.portal_time(datetime(2026, 3, 2, 2, 5, 9, tzinfo=UTC)) == "20260302090509"


NAMES = [name for name in environment("http://x") if name.startswith("MOTCUA_DVCQG_")]


@pytest.fixture
def portal_off(settings):
    for name in NAMES:
        setattr(settings, name, "")


def test_off_says_why(portal_off):
    found = status()["dvcqg"]
    assert found["on"] is False and "MOTCUA_DVCQG_AUTH_URL" in found["message"]
    assert integration_settings(None) == []


def test_on_when_every_setting_is_set(settings):
    for name, value in environment("http://127.0.0.1:9").items():
        setattr(settings, name, value)
    assert status()["dvcqg"] == {"on": True, "message": ""}


def test_half_set_settings_stop_the_start(portal_off, settings):
    settings.MOTCUA_DVCQG_AUTH_URL = "https://dichvucong.gov.vn/auth"
    settings.MOTCUA_DVCQG_USERNAME = "motcua"
    [error] = integration_settings(None)
    assert error.id == "motcua.E021"
    assert "MOTCUA_DVCQG_PASSWORD" in error.msg and "MOTCUA_DVCQG_AUTH_URL" not in error.msg


@pytest.mark.django_db
def test_the_health_page_shows_the_portal(portal_off, client):
    health = json.loads(client.get("/suc-khoe/").content)
    assert health["integrations"]["dvcqg"]["on"] is False
