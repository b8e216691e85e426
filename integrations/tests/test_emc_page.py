"""EMC's tracking snippet (integrations/emc/page.py): on every public page when configured, found the
way the national scanner finds it — an inline script naming the tracker and the site and loading EMC's
script — and allowed by the pages' Content-Security-Policy through its hash; absent, and the policy
unchanged, when EMC is off (which the health page says); refused settings stop the start."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from accounts.models import User
from integrations.emc.page import configured

pytestmark = pytest.mark.django_db

EMC_URL = "https://emc.example.gov.vn/api/tracking/TrackingMCDT"
SITE_ID = "227"
PUBLIC = ["/", "/thu-tuc/", "/thu-tuc/1.001193/", "/lich-lam-viec/", "/chi-so/", "/tra-cuu/", "/dang-nhap/"]
INLINE = re.compile(r"<script>(.*?)</script>", re.S)


@pytest.fixture
def emc_on(settings):
    settings.MOTCUA_EMC_URL = EMC_URL
    settings.MOTCUA_EMC_SITE_ID = SITE_ID


def _scanned(script: str) -> dict[str, str]:
    """What the national scanner reads in an inline script."""
    found = {}
    for name in ("setTrackerUrl", "setSiteId"):
        match = re.search(rf"\['{name}',\s*\"([^\"]+)\"\]", script)
        if match:
            found[name] = match.group(1)
    source = re.search(r"\.src\s*=\s*\"([^\"]+)\"", script)
    if source:
        found["src"] = source.group(1)
    return found


def _policy(response) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_page_carries_the_snippet_the_policy_allows(emc_on, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    scripts = INLINE.findall(response.content.decode())
    assert len(scripts) == 1
    assert _scanned(scripts[0]) == {
        "setTrackerUrl": "https://emc.example.gov.vn/tracking",
        "setSiteId": SITE_ID,
        "src": "https://emc.example.gov.vn/embed/gov-tracking.min.js",
    }
    # A browser runs the inline script only if the SHA-256 of its exact text is in script-src.
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = _policy(response)
    assert f"'sha256-{digest}'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    for directive in ("script-src", "connect-src", "img-src"):
        assert "https://emc.example.gov.vn" in policy[directive]


def test_staff_pages_are_not_measured(emc_on, officer_a: User, leader_a: User) -> None:
    for user, path in ((officer_a, "/can-bo/ho-so/"), (leader_a, "/bao-cao/")):
        client = Client()
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, path
        assert INLINE.findall(response.content.decode()) == [], path


def test_off_no_snippet_the_policy_as_it_was_and_the_health_page_says_so() -> None:
    response = Client().get("/thu-tuc/")
    assert INLINE.findall(response.content.decode()) == []
    assert _policy(response)["script-src"] == ["'self'"]
    health = Client().get("/suc-khoe/").json()
    assert health["integrations"]["emc"] == {
        "on": False,
        "message": "Đo lường EMC chưa bật: đặt MOTCUA_EMC_URL và MOTCUA_EMC_SITE_ID.",
    }


@pytest.mark.parametrize(
    ("url", "site_id", "refusal"),
    [
        (EMC_URL, "", "cả MOTCUA_EMC_URL và MOTCUA_EMC_SITE_ID"),
        ("", SITE_ID, "cả MOTCUA_EMC_URL và MOTCUA_EMC_SITE_ID"),
        (EMC_URL, "227'</script><script>alert(1)", "dãy chữ số"),
        ("javascript:alert(1)", SITE_ID, "không phải địa chỉ http"),
    ],
)
def test_settings_that_would_break_the_snippet_are_refused(settings, url, site_id, refusal) -> None:
    settings.MOTCUA_EMC_URL = url
    settings.MOTCUA_EMC_SITE_ID = site_id
    with pytest.raises(ImproperlyConfigured, match=refusal):
        configured()


def test_the_system_check_stops_the_start_on_refused_settings(settings) -> None:
    from integrations.checks import integration_settings

    assert integration_settings(None) == []
    settings.MOTCUA_EMC_URL = EMC_URL
    settings.MOTCUA_EMC_SITE_ID = "abc"
    assert [error.id for error in integration_settings(None)] == ["motcua.E020"]
