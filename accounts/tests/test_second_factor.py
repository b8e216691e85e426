"""Staff and administrators log in with a second factor: an authenticator app's code (each once), or a
one-time recovery code; enrolment on first login; the session is logged in only after it."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from accounts import totp
from accounts.models import AccountEvent, RecoveryCode, SecondFactor, User
from accounts.selectors import DEMO_OTP_SECRET
from demo.loader import DEMO_PASSWORD
from organization.models import Agency, Role
from organization.services import staff_user_create
from testing.clients import current_otp, web_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Cay-bang-lang-tim-2026"


def _logged_in_as(client: Client) -> str | None:
    response = client.get("/api/v1/me")
    return response.json()["username"] if response.status_code == 200 else None


def _new_staff(username: str = "canbo.moi", role: str = Role.SPECIALIST) -> User:
    return staff_user_create(
        actor=None,
        agency=Agency.objects.get(code="000.00.11953.H31"),
        username=username,
        full_name="Cán Bộ Mới",
        password=NEW_PASSWORD,
        role=role,
    )


def _password_step(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/dang-nhap/", {"username": username, "password": password})


def test_staff_are_not_logged_in_until_the_code(client, officer_a):
    response = _password_step(client, officer_a.username)
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/ma-xac-thuc/"
    assert _logged_in_as(client) is None
    assert client.get("/can-bo/ho-so/").status_code == 302
    page = client.get("/dang-nhap/ma-xac-thuc/").content.decode()
    assert "Mã xác thực" in page and "mã khôi phục" in page
    # A demo login says where its code comes from (the secret is public in the README).
    assert f"manage.py demo_otp {officer_a.username}" in page and totp.grouped(DEMO_OTP_SECRET) in page
    response = client.post(
        "/dang-nhap/ma-xac-thuc/", {"code": "000000" if current_otp(officer_a) != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "Mã xác thực không đúng, đã hết hạn hoặc đã được dùng." in response.content.decode()
    assert _logged_in_as(client) is None
    response = client.post("/dang-nhap/ma-xac-thuc/", {"code": current_otp(officer_a)})
    assert response.status_code == 302 and response["Location"] == "/can-bo/ho-so/"
    assert _logged_in_as(client) == officer_a.username


def test_a_next_address_survives_the_second_step(client, officer_a):
    response = web_login(client, officer_a, next="/can-bo/so-theo-doi/")
    assert response["Location"] == "/can-bo/so-theo-doi/"
    other = Client()
    response = web_login(other, officer_a, next="https://evil.example/")
    assert response["Location"] == "/can-bo/ho-so/"


def test_citizens_have_no_second_step(client, citizen, business):
    assert _password_step(client, citizen.username)["Location"] == "/"
    assert _logged_in_as(client) == citizen.username
    status = Client().post(
        "/api/v1/auth/token",
        {"username": business.username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert status.status_code == 200


def test_a_code_cannot_be_replayed(officer_a):
    code = current_otp(officer_a)
    first, second = Client(), Client()
    _password_step(first, officer_a.username)
    _password_step(second, officer_a.username)
    assert first.post("/dang-nhap/ma-xac-thuc/", {"code": code}).status_code == 302
    response = second.post("/dang-nhap/ma-xac-thuc/", {"code": code})
    assert response.status_code == 200 and "đã được dùng" in response.content.decode()
    assert _logged_in_as(second) is None


def test_the_code_step_is_throttled(client, officer_a):
    _password_step(client, officer_a.username)  # one attempt on the account
    wrong = f"{(int(current_otp(officer_a)) + 500_000) % 1_000_000:06d}"
    statuses = [client.post("/dang-nhap/ma-xac-thuc/", {"code": wrong}).status_code for _ in range(10)]
    assert statuses[:8] == [200] * 8 and statuses[8:] == [429, 429]
    response = client.post("/dang-nhap/ma-xac-thuc/", {"code": current_otp(officer_a)})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    assert _logged_in_as(client) is None


def test_a_pending_login_expires(client, officer_a, clock):
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    clock(start)
    _password_step(client, officer_a.username)
    clock(start + timedelta(minutes=11))
    response = client.post("/dang-nhap/ma-xac-thuc/", {"code": current_otp(officer_a)})
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"
    assert _logged_in_as(client) is None


def test_force_login_is_a_full_login(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/can-bo/ho-so/")
    assert response.status_code == 200
    assert "Hộp hồ sơ" in response.content.decode()  # the inbox itself, not the second factor's page


def test_the_admin_login_goes_through_the_site_login(client):
    response = client.get("/quan-tri/login/?next=/quan-tri/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=%2Fquan-tri%2Faccounts%2Fuser%2F"
    response = client.post("/quan-tri/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and _logged_in_as(client) is None


def test_enrolment_on_first_login_then_recovery_codes_once(client):
    user = _new_staff()
    response = _password_step(client, user.username, NEW_PASSWORD)
    assert response["Location"] == "/dang-nhap/dang-ky-xac-thuc/"
    page = client.get("/dang-nhap/dang-ky-xac-thuc/").content.decode()
    assert "<svg" in page and "otpauth" not in page  # the QR code, drawn, not the address in clear
    secret = re.search(r'<code id="otp-secret"[^>]*>([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert len(secret) == 32
    assert (
        client.get("/dang-nhap/dang-ky-xac-thuc/").content.decode().count(totp.grouped(secret)) == 1
    )  # stable
    response = client.post("/dang-nhap/dang-ky-xac-thuc/", {"code": "12345"})
    assert "Mã xác thực không đúng" in response.content.decode() and _logged_in_as(client) is None
    response = client.post("/dang-nhap/dang-ky-xac-thuc/", {"code": totp.totp(secret, time.time())})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/ma-khoi-phuc/moi/"
    assert _logged_in_as(client) == user.username
    page = client.get("/tai-khoan/ma-khoi-phuc/moi/").content.decode()
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/can-bo/ho-so/"' in page  # then on to where the login was going
    # Shown once; stored hashed.
    assert client.get("/tai-khoan/ma-khoi-phuc/moi/")["Location"] == "/tai-khoan/"
    digests = set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert len(digests) == 10 and not any(code.replace("-", "") in digests for code in codes)
    assert SecondFactor.objects.get(user=user).secret == secret
    assert AccountEvent.objects.filter(user=user, kind="second_factor_enrolled", actor=user).exists()
    # The next login asks for a code (and, the secret being the person's own, gives no demo hint).
    again = Client()
    assert _password_step(again, user.username, NEW_PASSWORD)["Location"] == "/dang-nhap/ma-xac-thuc/"
    assert "demo_otp" not in again.get("/dang-nhap/ma-xac-thuc/").content.decode()


def test_a_recovery_code_works_once(officer_a):
    codes = _regenerate(officer_a)
    first = Client()
    _password_step(first, officer_a.username)
    assert first.post("/dang-nhap/ma-xac-thuc/", {"code": codes[0].upper()}).status_code == 302
    assert _logged_in_as(first) == officer_a.username
    second = Client()
    _password_step(second, officer_a.username)
    response = second.post("/dang-nhap/ma-xac-thuc/", {"code": codes[0]})
    assert response.status_code == 200 and _logged_in_as(second) is None
    assert second.post("/dang-nhap/ma-xac-thuc/", {"code": codes[1].replace("-", " ")}).status_code == 302
    event = AccountEvent.objects.filter(user=officer_a, kind="recovery_code_used").first()
    assert event is not None and event.note == "còn 8 mã"


def _regenerate(user: User) -> list[str]:
    client = Client()
    client.force_login(user)
    page = client.post("/tai-khoan/ma-khoi-phuc/", {"code": current_otp(user)}).content.decode()
    return re.findall(r"<li>([a-z2-9-]{19})</li>", page)


def test_everyone_with_a_factor_regenerates_recovery_codes_with_a_current_code(officer_a):
    client = Client()
    client.force_login(officer_a)
    account = client.get("/tai-khoan/").content.decode()
    assert "Xác thực hai bước" in account and "Tạo mã khôi phục mới" in account
    response = client.post("/tai-khoan/ma-khoi-phuc/", {"code": "999999"}, follow=True)
    assert "Mã xác thực không đúng" in response.content.decode()
    old = _regenerate(officer_a)
    new = _regenerate(officer_a)
    assert len(old) == len(new) == 10 and not set(old) & set(new)
    login = Client()
    _password_step(login, officer_a.username)
    assert login.post("/dang-nhap/ma-xac-thuc/", {"code": old[0]}).status_code == 200  # replaced
    assert login.post("/dang-nhap/ma-xac-thuc/", {"code": new[0]}).status_code == 302
    # A citizen's account page offers no second factor.
    citizen_client = Client()
    citizen_client.force_login(User.objects.get(username="congdan"))
    assert "Tạo mã khôi phục mới" not in citizen_client.get("/tai-khoan/").content.decode()


@override_settings(MOTCUA_DEMO=False)
def test_outside_demo_mode_the_published_demo_secret_is_no_factor(client, officer_a):
    assert SecondFactor.objects.get(user=officer_a).secret == DEMO_OTP_SECRET
    assert _password_step(client, officer_a.username)["Location"] == "/dang-nhap/dang-ky-xac-thuc/"
    status = Client().post(
        "/api/v1/auth/token",
        {
            "username": officer_a.username,
            "password": DEMO_PASSWORD,
            "otp": totp.totp(DEMO_OTP_SECRET, time.time()),
        },
        content_type="application/json",
    )
    assert status.status_code == 403
    assert status.json()["error"]["code"] == "second_factor_enrolment_required"
    with pytest.raises(CommandError, match="Chế độ demo đang tắt"):
        call_command("demo_otp", officer_a.username)


# ---------------------------------------------------------------------------------------------------
# The API


def _token(username: str, password: str = DEMO_PASSWORD, otp: str | None = None):
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    return response.status_code, response.json()


def test_api_staff_send_the_code_with_the_password(officer_a):
    status, body = _token(officer_a.username)
    assert status == 401 and body["error"]["code"] == "otp_required"
    assert "otp" in body["error"]["message"]
    status, body = _token(
        officer_a.username, otp="000000" if current_otp(officer_a) != "000000" else "111111"
    )
    assert status == 401 and body["error"]["code"] == "otp_invalid"
    status, body = _token(officer_a.username, password="sai", otp=current_otp(officer_a))
    assert status == 401 and body["error"]["code"] == "invalid_credentials"
    code = current_otp(officer_a)
    status, body = _token(officer_a.username, otp=code)
    assert status == 200 and body["token"].startswith("mc_")
    status, body = _token(officer_a.username, otp=code)  # the same code again
    assert status == 401 and body["error"]["code"] == "otp_invalid"


def test_api_staff_not_enrolled_are_told_to_enrol_on_the_web():
    user = _new_staff()
    status, body = _token(user.username, NEW_PASSWORD, otp="123456")
    assert status == 403 and body["error"]["code"] == "second_factor_enrolment_required"
    assert "/dang-nhap/" in body["error"]["message"]


def test_demo_otp_prints_the_current_demo_code(officer_a, capsys):
    call_command("demo_otp", officer_a.username)
    code = capsys.readouterr().out.strip()
    assert totp.matching_step(DEMO_OTP_SECRET, code, time.time()) is not None
    user = _new_staff()
    with pytest.raises(CommandError, match="chưa đăng ký"):
        call_command("demo_otp", user.username)
    SecondFactor.objects.create(user=user, secret=totp.generate_secret(), enrolled_at=datetime.now(UTC))
    with pytest.raises(CommandError, match="khóa bí mật riêng"):
        call_command("demo_otp", user.username)
