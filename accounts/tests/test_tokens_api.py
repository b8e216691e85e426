"""A person's API tokens: logout revokes the token used, the list shows their own (never a secret), and
they revoke any of them; someone else's answers like an unknown one."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from accounts.services import token_create

pytestmark = pytest.mark.django_db


def _me(raw: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code


def test_logout_revokes_the_token_used_and_only_it(api, officer_a):
    caller = api(officer_a)
    raw_other, _ = token_create(user=officer_a)
    status, body = caller.post("auth/logout")
    assert status == 204 and body is None
    assert caller.get("me")[0] == 401
    assert _me(raw_other) == 200


def test_logout_with_the_browser_session_ends_it(officer_a):
    browser = Client()
    browser.force_login(officer_a)
    assert browser.post("/api/v1/auth/logout").status_code == 204
    assert browser.get("/api/v1/me").status_code == 401


def test_logout_needs_a_login(api):
    status, body = api().post("auth/logout")
    assert status == 401 and body["error"]["code"] == "unauthenticated"


def test_the_list_shows_one_s_own_tokens_and_no_secret(api, officer_a, specialist_a):
    token_create(user=specialist_a)
    _, old = token_create(user=officer_a)
    old.revoked_at = old.created_at
    old.save()
    caller = api(officer_a)
    status, body = caller.get("auth/tokens")
    assert status == 200 and len(body) == 2
    current, revoked = body
    assert set(current) == {
        "id",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "active",
        "current",
    }
    assert current["current"] is True and current["active"] is True and current["last_used_at"]
    assert revoked["id"] == str(old.uuid) and revoked["active"] is False and revoked["revoked_at"]
    assert "digest" not in str(body) and old.digest not in str(body)


def test_revoke_one_s_own_token_but_not_someone_else_s(api, officer_a, specialist_a):
    raw, mine = token_create(user=officer_a)
    _, theirs = token_create(user=specialist_a)
    caller = api(officer_a)
    status, body = caller.post(f"auth/tokens/{mine.uuid}/revoke")
    assert status == 200 and body["active"] is False and body["revoked_at"]
    assert _me(raw) == 401
    status, body = caller.post(f"auth/tokens/{theirs.uuid}/revoke")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, _ = caller.post(f"auth/tokens/{uuid.uuid4()}/revoke")
    assert status == 404
    status, _ = caller.post("auth/tokens/khong-phai-uuid/revoke")
    assert status == 422
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_account_page_lists_and_revokes_tokens(client, officer_a):
    _, token = token_create(user=officer_a)
    client.force_login(officer_a)
    page = client.get("/tai-khoan/").content.decode()
    assert token.prefix in page and "Đang dùng được" in page
    response = client.post(f"/tai-khoan/ma-truy-cap/{token.uuid}/thu-hoi/", follow=True)
    assert f"Đã thu hồi mã truy cập {token.prefix}" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.post(f"/tai-khoan/ma-truy-cap/{uuid.uuid4()}/thu-hoi/").status_code == 404


def test_someone_else_s_token_cannot_be_revoked_on_the_page(client, officer_a, specialist_a):
    _, theirs = token_create(user=specialist_a)
    client.force_login(officer_a)
    assert client.post(f"/tai-khoan/ma-truy-cap/{theirs.uuid}/thu-hoi/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_log_out_everywhere_else(officer_a):
    raw, _ = token_create(user=officer_a)
    here, elsewhere = Client(), Client()
    here.force_login(officer_a)
    elsewhere.force_login(officer_a)
    response = here.post("/tai-khoan/dang-xuat-moi-noi/", follow=True)
    assert "Đã đăng xuất mọi nơi khác và thu hồi 1 mã truy cập API." in response.content.decode()
    assert here.get("/tai-khoan/").status_code == 200
    assert elsewhere.get("/tai-khoan/").status_code == 302
    assert _me(raw) == 401


def test_the_openapi_documents_the_token_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/auth/logout"]["post"]["summary"]
    assert paths["/api/v1/auth/tokens"]["get"]["summary"]
    assert paths["/api/v1/auth/tokens/{token_id}/revoke"]["post"]["summary"]
    assert paths["/api/v1/auth/password"]["post"]["summary"]
    token = paths["/api/v1/auth/token"]["post"]
    assert {"200", "401", "403", "429"} <= set(token["responses"])
    assert "otp" in str(client.get("/api/v1/openapi.json").json()["components"]["schemas"]["TokenIn"])
