"""Logins resist guessing: per account and per client address, on the web login and the API token
endpoint alike, counted where every app server sees the same numbers (database or Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from accounts import login_guard
from accounts.login_guard import LoginThrottled
from accounts.models import User
from demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "khong-dung-mat-khau"
GOOD = "Mot-mat-khau-dung-2026"


def _web(client: Client, username: str, password: str, **extra: Any):
    return client.post("/dang-nhap/", {"username": username, "password": password}, **extra)


def _api(client: Client, username: str, password: str, **extra: Any):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )


def _logged_in(client: Client) -> bool:
    return client.get("/tai-khoan/").status_code == 200


def test_hundred_wrong_passwords_then_the_right_one_is_refused_on_the_web(backend, citizen):
    client = Client()
    statuses = [_web(client, "congdan", f"{WRONG}-{i}").status_code for i in range(100)]
    assert statuses[:9] == [200] * 9 and set(statuses[9:]) == {429}
    response = _web(client, "congdan", DEMO_PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tài khoản tạm thời bị khóa vì đăng nhập sai nhiều lần" in html
    assert "Vui lòng thử lại sau" in html and "phút nữa" in html
    assert not _logged_in(client)


def test_hundred_wrong_passwords_then_the_right_one_is_refused_by_the_api(backend, citizen):
    client = Client()
    for i in range(100):
        _api(client, "congdan", f"{WRONG}-{i}")
    response = _api(client, "congdan", DEMO_PASSWORD)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "account_locked"
    assert 1 <= int(response["Retry-After"]) <= settings.MOTCUA_LOGIN_LOCKOUT_MINUTES * 60
    assert "thử lại sau" in response.json()["error"]["message"]


# The database's counters: a frozen clock moves their windows, not Redis's expiry (REDIS_URL set for the
# whole run would otherwise keep the lock on).
@override_settings(REDIS_URL="")
def test_the_lock_ends_after_its_minutes(citizen, clock):
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    clock(start)
    client = Client()
    for i in range(settings.MOTCUA_LOGIN_LOCKOUT_FAILURES):
        _web(client, "congdan", f"{WRONG}-{i}")
    response = _web(client, "congdan", DEMO_PASSWORD)
    assert response.status_code == 429 and "09:15" in response.content.decode()  # local time, +07:00
    clock(start + timedelta(minutes=settings.MOTCUA_LOGIN_LOCKOUT_MINUTES) - timedelta(seconds=1))
    assert _web(client, "congdan", DEMO_PASSWORD).status_code == 429
    clock(start + timedelta(minutes=settings.MOTCUA_LOGIN_LOCKOUT_MINUTES, seconds=1))
    assert _web(client, "congdan", DEMO_PASSWORD).status_code == 302
    assert _logged_in(client)


def test_a_success_starts_the_count_again(backend, citizen):
    client = Client()
    for i in range(settings.MOTCUA_LOGIN_LOCKOUT_FAILURES - 1):
        _web(client, "congdan", f"{WRONG}-{i}")
    assert _web(client, "congdan", DEMO_PASSWORD).status_code == 302
    client.post("/dang-xuat/")
    responses = [
        _web(client, "congdan", f"{WRONG}-{i}") for i in range(settings.MOTCUA_LOGIN_LOCKOUT_FAILURES - 1)
    ]
    assert {r.status_code for r in responses} == {200}
    assert "Còn 1 lần thử trước khi tài khoản bị tạm khóa" in responses[-1].content.decode()
    assert _web(client, "congdan", DEMO_PASSWORD).status_code == 302


def test_an_unknown_username_reads_exactly_like_a_real_one(citizen, clock):
    clock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))

    def messages(username: str) -> list[tuple[int, str]]:
        client = Client()
        out = []
        for i in range(settings.MOTCUA_LOGIN_LOCKOUT_FAILURES + 2):
            response = _api(client, username, f"{WRONG}-{i}")
            out.append((response.status_code, response.json()["error"]["message"]))
        return out

    real, unknown = messages("congdan"), messages("khong.co.ai")
    assert real == unknown
    assert real[0] == (401, "Tên đăng nhập hoặc mật khẩu không đúng.")
    assert real[-1][0] == 429


def test_more_attempts_than_allowed_are_refused_unread(db):
    """Guesses sent together are each counted before any password is checked, so only the allowed
    number is checked even if none has failed yet."""
    for _ in range(settings.MOTCUA_LOGIN_LOCKOUT_FAILURES):
        login_guard.begin(address="198.51.100.1", username="song.song")
    with pytest.raises(LoginThrottled) as refused:
        login_guard.begin(address="198.51.100.1", username="song.song")
    assert refused.value.code == "account_locked"


@override_settings(MOTCUA_LOGIN_RATE="5/h")
def test_a_spoofed_forwarded_for_does_not_dodge_the_address_limit(backend, citizen):
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for i in range(5):  # a different account each time: no account lock, only the address counts
        response = _web(attacker, f"nguoi.{i}", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.8.{i}")
        assert response.status_code == 200
    for i in range(5, 8):
        response = _api(attacker, f"nguoi.{i}", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.8.{i}")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "too_many_attempts"
    # Even the right password, from that socket address, whatever the header says.
    response = _web(attacker, "congdan", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert response.status_code == 429
    assert "quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn" in response.content.decode()
    # Someone else is not blocked.
    assert _web(Client(REMOTE_ADDR="203.0.113.67"), "congdan", DEMO_PASSWORD).status_code == 302


@override_settings(MOTCUA_LOGIN_RATE="5/h", MOTCUA_TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts(citizen):
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for i in range(5):
        # The client prepends a made-up address; the proxy appends the one it really saw.
        forwarded = f"6.6.6.{i}, 198.51.100.9"
        assert _api(proxy, f"nguoi.{i}", WRONG, HTTP_X_FORWARDED_FOR=forwarded).status_code == 401
    blocked = _api(proxy, "congdan", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9")
    assert blocked.status_code == 429
    # Another client behind the same proxy logs in.
    other = _api(proxy, "congdan", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert other.status_code == 200


@override_settings(MOTCUA_LOGIN_RATE="6/h")
def test_the_web_and_the_api_share_the_counts(backend, citizen):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for i in range(3):
        _web(client, f"a.{i}", WRONG)
        _api(client, f"b.{i}", WRONG)
    assert _api(client, "congdan", DEMO_PASSWORD).status_code == 429
    assert _web(client, "congdan", DEMO_PASSWORD).status_code == 429


# ---------------------------------------------------------------------------------------------------
# Two app servers: another process counts in the same place.


def _database_url() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return f"postgres://{config['USER']}{password}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{config['NAME']}"


OTHER_SERVER = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
client = Client(REMOTE_ADDR="192.0.2.50")
print([client.post("/dang-nhap/", {"username": "hai.may.chu", "password": f"sai-{i}"}).status_code for i in range(6)])
"""


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_another_app_server_process_shares_the_count(backend):
    """Another process — a second app server on the same database (or Redis) — makes six failures;
    this one sees them. Transactional, so that the other process sees the committed account; the
    account is the test's own, as an earlier transactional test may have emptied the database."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory"):
        pytest.skip("needs a file database")
    User.objects.create_user(username="hai.may.chu", password=GOOD)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": backend,
    }
    other = subprocess.run(
        [sys.executable, "-c", OTHER_SERVER],
        env=env,
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert other.returncode == 0, other.stderr[-3000:]
    assert other.stdout.strip().splitlines()[-1] == "[200, 200, 200, 200, 200, 200]"
    # This process sees the six failures of the other one: four more lock the account.
    client = Client(REMOTE_ADDR="192.0.2.51")
    statuses = [_web(client, "hai.may.chu", f"{WRONG}-{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert _web(client, "hai.may.chu", GOOD).status_code == 429
    assert client.get("/tai-khoan/").status_code == 302


def test_login_works_while_redis_is_out_of_reach(db, settings, citizen):
    """Redis down is no error page: the login counts its failures in the database and goes on."""
    from kernel import ratelimit

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    ratelimit._redis_client = None
    try:
        client = Client()
        wrong = client.post("/dang-nhap/", {"username": "congdan", "password": "sai-mat-khau"})
        assert wrong.status_code == 200
        assert ratelimit.peek(ratelimit.Limit.parse("login-account", "10/m"), "congdan").value >= 1
    finally:
        ratelimit._redis_client = None
