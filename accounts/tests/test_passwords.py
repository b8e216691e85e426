"""Passwords: staff need at least 12 characters (everyone: not common, not like the username), wherever a
password is set; everyone changes their own; a new password — by any path — or a deactivation ends
that person's other sessions and every API token."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import services
from accounts.models import AccountEvent, User
from accounts.passwords import password_problems
from accounts.services import token_create
from demo.loader import DEMO_PASSWORD, create_logins
from organization.models import Agency
from organization.services import staff_user_create
from testing.clients import current_otp, web_login

pytestmark = pytest.mark.django_db

TEN = "Ngan-qua-1"  # 10 characters: enough for a citizen, too short for staff
GOOD = "Cay-bang-lang-tim-2026"


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _works(raw: str) -> bool:
    return Client().get("/api/v1/me", headers=_bearer(raw)).status_code == 200


def test_the_demo_password_meets_the_staff_rules_for_every_demo_login():
    for login in create_logins():
        user = User.objects.get(username=login.username)
        assert password_problems(user=user, password=DEMO_PASSWORD, staff=True) == [], login.username
        assert user.check_password(DEMO_PASSWORD)


def test_staff_need_twelve_characters_citizens_eight(api, officer_a, citizen):
    status, body = api(officer_a).post("auth/password", {"old_password": DEMO_PASSWORD, "new_password": TEN})
    assert status == 400 and body["error"]["code"] == "weak_password"
    assert body["error"]["fields"]["new_password"] == [
        "Mật khẩu của cán bộ, quản trị phải có ít nhất 12 ký tự."
    ]
    status, _ = api(citizen).post("auth/password", {"old_password": DEMO_PASSWORD, "new_password": TEN})
    assert status == 204


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("password123", "quá phổ biến"),
        ("congdan2026", "quá giống"),
        ("1234567890123", "hoàn toàn là số"),
        ("Ab1-", "quá ngắn"),
    ],
)
def test_common_like_the_username_or_numeric_passwords_are_refused_for_everyone(
    api, citizen, password, problem
):
    status, body = api(citizen).post(
        "auth/password", {"old_password": DEMO_PASSWORD, "new_password": password}
    )
    assert status == 400
    assert any(problem in message for message in body["error"]["fields"]["new_password"]), body


def test_a_new_staff_account_needs_the_staff_rule():
    agency = Agency.objects.get(code="000.00.11953.H31")
    with pytest.raises(services.DomainError) as refused:
        staff_user_create(
            actor=None, agency=agency, username="moi.canbo", full_name="Mới", password=TEN, role="clerk"
        )
    assert "12 ký tự" in " ".join(refused.value.fields["password"])
    staff_user_create(
        actor=None, agency=agency, username="moi.canbo", full_name="Mới", password=GOOD, role="clerk"
    )


def test_the_admin_s_set_password_form_applies_the_staff_rule(client, superuser, officer_a, citizen):
    client.force_login(superuser)
    response = client.post(
        f"/quan-tri/accounts/user/{officer_a.pk}/password/",
        {"password1": TEN, "password2": TEN, "usable_password": "true"},
    )
    assert response.status_code == 200 and "12 ký tự" in response.content.decode()
    officer_a.refresh_from_db()
    assert officer_a.check_password(DEMO_PASSWORD)
    response = client.post(
        f"/quan-tri/accounts/user/{citizen.pk}/password/",
        {"password1": TEN, "password2": TEN, "usable_password": "true"},
    )
    assert response.status_code == 302


def test_a_password_set_by_any_path_ends_every_token_and_session(officer_a):
    raw, _token = token_create(user=officer_a)
    other = Client()
    other.force_login(officer_a)
    assert _works(raw) and other.get("/tai-khoan/").status_code == 200
    officer_a.set_password(GOOD)  # as the admin's form or ``manage.py changepassword`` do
    officer_a.save()
    assert not _works(raw)
    assert other.get("/tai-khoan/").status_code == 302


def test_changing_one_s_password_on_the_page_keeps_this_session_only(officer_a):
    raw, _token = token_create(user=officer_a)
    here, elsewhere = Client(), Client()
    web_login(here, officer_a)
    web_login(elsewhere, officer_a)
    page = here.get("/tai-khoan/mat-khau/").content.decode()
    assert "Ít nhất 12 ký tự." in page and "Mật khẩu hiện tại" in page
    response = here.post(
        "/tai-khoan/mat-khau/", {"old_password": "sai", "new_password1": GOOD, "new_password2": GOOD}
    )
    assert "Mật khẩu hiện tại không đúng." in response.content.decode()
    response = here.post(
        "/tai-khoan/mat-khau/",
        {"old_password": DEMO_PASSWORD, "new_password1": GOOD, "new_password2": "khac"},
    )
    assert "Hai lần nhập mật khẩu mới không khớp." in response.content.decode()
    response = here.post(
        "/tai-khoan/mat-khau/",
        {"old_password": DEMO_PASSWORD, "new_password1": GOOD, "new_password2": GOOD},
        follow=True,
    )
    assert "Đã đổi mật khẩu." in response.content.decode()
    assert here.get("/tai-khoan/").status_code == 200
    assert elsewhere.get("/tai-khoan/").status_code == 302
    assert not _works(raw)
    assert AccountEvent.objects.filter(user=officer_a, kind="password_changed", actor=officer_a).exists()
    officer_a.refresh_from_db()
    assert officer_a.check_password(GOOD)


def test_citizens_change_their_password_on_the_page_with_the_citizen_rule(client, citizen):
    client.force_login(citizen)
    assert "Ít nhất 8 ký tự." in client.get("/tai-khoan/mat-khau/").content.decode()
    response = client.post(
        "/tai-khoan/mat-khau/", {"old_password": DEMO_PASSWORD, "new_password1": TEN, "new_password2": TEN}
    )
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"


def test_changing_the_password_through_the_api_revokes_every_token(api, citizen):
    caller = api(citizen)
    raw_other, _ = token_create(user=citizen)
    status, _ = caller.post(
        "auth/password", {"old_password": DEMO_PASSWORD, "new_password": "Mot-mat-khau-moi"}
    )
    assert status == 204
    assert caller.get("me")[0] == 401
    assert not _works(raw_other)
    citizen.refresh_from_db()
    status, body = api(citizen).post("auth/password", {"old_password": "sai", "new_password": GOOD})
    assert status == 400 and body["error"]["fields"] == {"old_password": ["Không đúng."]}


def test_the_current_password_is_not_guessable_through_the_change(api, citizen):
    caller = api(citizen)
    statuses = [
        caller.post("auth/password", {"old_password": f"sai-{i}", "new_password": GOOD})[0] for i in range(11)
    ]
    assert statuses[:9] == [400] * 9 and statuses[9:] == [429, 429]
    status, body = caller.post("auth/password", {"old_password": DEMO_PASSWORD, "new_password": GOOD})
    assert status == 429 and body["error"]["code"] == "account_locked"


def test_the_new_password_must_differ(api, citizen):
    status, body = api(citizen).post(
        "auth/password", {"old_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD}
    )
    assert status == 400 and body["error"]["code"] == "same_password"


def test_deactivation_ends_sessions_and_tokens_for_good(province_admin, officer_a):
    raw, _ = token_create(user=officer_a)
    session = Client()
    session.force_login(officer_a)
    services.user_set_active(actor=province_admin, user=officer_a, active=False)
    assert not _works(raw) and session.get("/tai-khoan/").status_code == 302
    services.user_set_active(actor=province_admin, user=officer_a, active=True)
    assert not _works(raw) and session.get("/tai-khoan/").status_code == 302
    assert AccountEvent.objects.filter(user=officer_a, kind="deactivated", actor=province_admin).exists()


def test_staff_with_a_password_from_before_the_rules_choose_a_new_one_at_login(client, officer_a):
    officer_a.set_password(TEN)
    officer_a.save()
    response = client.post("/dang-nhap/", {"username": officer_a.username, "password": TEN})
    assert response["Location"] == "/dang-nhap/mat-khau-moi/"
    assert client.get("/dang-nhap/ma-xac-thuc/")["Location"] == "/dang-nhap/mat-khau-moi/"  # no skipping
    page = client.get("/dang-nhap/mat-khau-moi/").content.decode()
    assert "Ít nhất 12 ký tự." in page
    response = client.post(
        "/dang-nhap/mat-khau-moi/", {"new_password1": "Ngan-hon-12", "new_password2": "Ngan-hon-12"}
    )
    assert "ít nhất 12 ký tự" in response.content.decode()
    response = client.post("/dang-nhap/mat-khau-moi/", {"new_password1": GOOD, "new_password2": GOOD})
    assert response["Location"] == "/dang-nhap/ma-xac-thuc/"
    assert client.get("/api/v1/me").status_code == 401  # still not logged in
    response = client.post("/dang-nhap/ma-xac-thuc/", {"code": current_otp(officer_a)})
    assert response["Location"] == "/can-bo/ho-so/"
    officer_a.refresh_from_db()
    assert officer_a.check_password(GOOD)


def test_the_api_sends_staff_with_an_old_password_to_the_web(officer_a):
    officer_a.set_password(TEN)
    officer_a.save()
    response = Client().post(
        "/api/v1/auth/token",
        {"username": officer_a.username, "password": TEN, "otp": current_otp(officer_a)},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "password_change_required"
