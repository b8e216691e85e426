"""The API's contract: OpenAPI served, token and session login, JSON errors, no 500 on bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ApiToken
from accounts.services import token_create
from demo.loader import DEMO_PASSWORD
from testing.clients import current_otp

pytestmark = pytest.mark.django_db


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "motcua API"
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/agencies",
        "/api/v1/units",
        "/api/v1/calendar/due",
        "/api/v1/calendar/{year}",
    ):
        assert path in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_token_login_then_bearer(api, officer_a):
    status, body = api().post(
        "auth/token",
        {"username": "motcua.phohien", "password": DEMO_PASSWORD, "otp": current_otp(officer_a)},
    )
    assert status == 200
    token = body["token"]
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["username"] == "motcua.phohien"
    assert me["roles"][0]["role"] == "one_stop_officer"


def test_wrong_password_is_a_json_401(api, officer_a):
    status, body = api().post("auth/token", {"username": "motcua.phohien", "password": "sai"})
    assert status == 401
    assert body["error"]["code"] == "invalid_credentials"
    assert "mật khẩu" in body["error"]["message"]


def test_missing_fields_name_each_field(api):
    status, body = api().post("auth/token", {"username": "x"})
    assert status == 422
    assert body["error"]["code"] == "invalid"
    assert body["error"]["fields"] == {"password": ["Bắt buộc nhập."]}


def test_malformed_json_is_a_4xx(api):
    status, body = api().post("auth/token", raw="{not json")
    assert 400 <= status < 500
    assert "error" in body


def test_no_login_is_a_json_401(api):
    status, body = api().get("me")
    assert status == 401
    assert body["error"]["code"] == "unauthenticated"


def test_expired_and_revoked_tokens_are_refused(officer_a):
    raw, token = token_create(user=officer_a)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    raw2, token2 = token_create(user=officer_a)
    ApiToken.objects.filter(pk=token2.pk).update(revoked_at=timezone.now())
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw2}"}).status_code == 401


def test_inactive_user_token_is_refused(officer_a):
    raw, _ = token_create(user=officer_a)
    officer_a.is_active = False
    officer_a.save()
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_browser_session_works_and_needs_csrf_for_writes(agency_admin_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agency_admin_a)
    assert browser.get("/api/v1/me").json()["username"] == "qt.phohien"
    response = browser.post(
        "/api/v1/agencies/000.00.11953.H31/members",
        {"username": "chuyenvien.tanhung", "role": "specialist"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_superuser_may_call_protected_endpoints(api, superuser):
    status, body = api(superuser).get("agencies/000.00.11977.H31/members")
    assert status == 200
    assert {m["username"] for m in body} >= {"chuyenvien.tanhung"}


def test_unknown_api_path_is_json_404(api):
    status, body = api().get("/api/v1/khong-co")
    assert status == 404
    assert body["error"]["code"] == "not_found"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=60), level=st.text(max_size=12), page=st.text(max_size=6))
def test_catalog_search_never_500s_on_any_query(client, q, level, page):
    response = client.get("/api/v1/procedures", {"q": q, "level": level, "page": page})
    assert response.status_code < 500
    assert response.status_code in (200, 400, 422)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.text(max_size=40), amount=st.text(max_size=10), unit=st.text(max_size=15))
def test_calendar_due_never_500s_on_any_query(client, start, amount, unit):
    response = client.get("/api/v1/calendar/due", {"start": start, "amount": amount, "unit": unit})
    assert response.status_code in (200, 400, 422)
