"""Production headers: a Content-Security-Policy without inline script on every page, the other
security headers, no inline script or style left in the templates, HSTS and the HTTPS redirect with
DJANGO_SECURE_COOKIES=1, and ``manage.py check --deploy`` silent with production settings."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.middleware import SecurityHeadersMiddleware

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "dichvucong.hungyen.gov.vn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://dichvucong.hungyen.gov.vn",
}
# Templates rendered to PDF by WeasyPrint (and shown as a form preview under a policy of their own):
# their styles are part of the document.
PDF_TEMPLATES = (
    "dossiers/templates/dossiers/forms/",
    "reports/templates/reports/pdf_",
    "kiosk/templates/kiosk/ticket_pdf",
)


def directives(response) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
    }


@pytest.mark.django_db
def test_pages_get_the_whole_policy_and_the_other_headers(client):
    response = client.get("/thu-tuc/")
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )
    assert "Strict-Transport-Security" not in response  # plain HTTP unless DJANGO_SECURE_COOKIES=1


@pytest.mark.django_db
def test_api_docs_take_swagger_from_our_static_files(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page and "https://" not in page
    assert re.search(r'<script src="/static/ninja/swagger-ui-bundle\.js', page)
    assert re.search(r'<script src="/static/ninja/swagger-ui-init\.js', page)


@pytest.mark.django_db
def test_other_responses_only_forbid_framing(client):
    # A PDF under object-src 'none' would not show in Chromium's viewer (crbug.com/271452).
    response = client.get("/api/v1/procedures")
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_a_view_framed_by_our_own_pages_allows_exactly_that():
    def sameorigin_pdf(request):
        response = HttpResponse(b"%PDF-", content_type="application/pdf")
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    response = SecurityHeadersMiddleware(sameorigin_pdf)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"

    def own_policy(request):
        response = HttpResponse("<p>form</p>")
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
        return response

    response = SecurityHeadersMiddleware(own_policy)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"


# The one inline script: EMC's tracking snippet, allowed by its hash (integrations/emc/page.py).
MEASUREMENT = "{% if emc_script %}<script>{{ emc_script }}</script>{% endif %}"


def test_no_template_holds_inline_script_handler_or_style():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        relative = template.relative_to(ROOT).as_posix()
        text = template.read_text()
        if relative == "web/templates/web/base.html":
            assert text.count(MEASUREMENT) == 1
            text = text.replace(MEASUREMENT, "")
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group()
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{relative}: {tag}")
        for match in re.finditer(r"""\s(on[a-z]+|hx-on[:\w-]*)\s*=\s*["']""", text):
            offenders.append(f"{relative}: {match.group().strip()}")
        if not relative.startswith(PDF_TEMPLATES) and re.search(r"\sstyle\s*=", text):
            offenders.append(f"{relative}: style attribute")
    assert offenders == []


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MOTCUA_"))}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_silent_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


_SHOWN = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
)


def _settings_under(**env: str) -> dict[str, Any]:
    """The HTTPS settings the settings module computes from this environment alone (read in this
    process: the module only reads the environment, so no new interpreter is needed for it)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MOTCUA_"))}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        found = runpy.run_path(str(ROOT / "motcua" / "settings.py"), run_name="motcua.settings_probe")
    return {k: found.get(k) for k in _SHOWN}


def test_https_settings_follow_secure_cookies_and_trusted_proxies():
    development = _settings_under()
    assert development["SECURE_HSTS_SECONDS"] == 0 and development["SECURE_SSL_REDIRECT"] is False
    assert development["SESSION_COOKIE_SECURE"] is False  # make run: plain HTTP on 127.0.0.1

    production = _settings_under(**PRODUCTION)
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and production["SECURE_HSTS_PRELOAD"]
    assert production["SECURE_SSL_REDIRECT"] and production["SESSION_COOKIE_SECURE"]
    assert production["CSRF_COOKIE_SECURE"]
    # X-Forwarded-Proto is the client's to forge unless proxies in front are declared.
    assert production["SECURE_PROXY_SSL_HEADER"] is None

    proxied = _settings_under(**PRODUCTION, MOTCUA_TRUSTED_PROXIES="1")
    assert list(proxied["SECURE_PROXY_SSL_HEADER"]) == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_secure_site_sends_hsts_and_redirects_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/thu-tuc/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/suc-khoe/").status_code == 200  # the load balancer's probe stays on HTTP
    response = client.get("/thu-tuc/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
