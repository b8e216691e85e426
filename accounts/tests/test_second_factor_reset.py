"""A higher administrator resets a colleague's second factor (a lost phone) or unlocks their login:
a superuser anyone, a province administrator the staff of his province, an agency administrator his
agency's ordinary staff. Recorded; the person's sessions and tokens end; they enrol again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from accounts import login_guard, services
from accounts.models import AccountEvent, RecoveryCode, SecondFactor
from accounts.selectors import can_administer_login
from accounts.services import token_create
from demo.loader import DEMO_PASSWORD
from kernel.errors import NotFound
from testing.clients import web_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("admin", "qt.tinh", True),
        ("admin", "motcua.phohien", True),
        ("qt.tinh", "motcua.phohien", True),  # province admin: staff of the province
        ("qt.tinh", "qt.phohien", True),  # … agency administrators included
        ("qt.tinh", "kiemsoat", True),
        ("qt.tinh", "admin", False),  # never a superuser
        ("qt.phohien", "chuyenvien.phohien", True),  # agency admin: his agency's ordinary staff
        ("qt.phohien", "motcua.phohien", True),  # the commune's service centre is under its committee
        ("qt.phohien", "chuyenvien.tanhung", False),  # another commune
        ("qt.phohien", "qt.tinh", False),
        ("lanhdao.phohien", "chuyenvien.phohien", False),  # a leader administers no login
        ("motcua.phohien", "motcua.phohien", False),  # nobody resets himself
        ("admin", "admin", False),
    ],
)
def test_who_administers_whose_login(actor, target, allowed, django_user_model):
    users = django_user_model.objects.in_bulk([actor, target], field_name="username")
    assert can_administer_login(users[actor], users[target]) is allowed


def test_reset_through_the_api_ends_everything_and_asks_to_enrol_again(api, agency_admin_a, specialist_a):
    raw, _token = token_create(user=specialist_a)
    session = Client()
    session.force_login(specialist_a)
    assert session.get("/can-bo/ho-so/").status_code == 200
    status, body = api(agency_admin_a).post(f"users/{specialist_a.username}/second-factor/reset")
    assert status == 204
    assert not SecondFactor.objects.filter(user=specialist_a).exists()
    assert not RecoveryCode.objects.filter(user=specialist_a).exists()
    event = AccountEvent.objects.get(user=specialist_a, kind="second_factor_reset")
    assert event.actor == agency_admin_a and event.at is not None
    # Every session and token of the person ended.
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert session.get("/can-bo/ho-so/").status_code == 302
    # The next login enrols again.
    response = Client().post("/dang-nhap/", {"username": specialist_a.username, "password": DEMO_PASSWORD})
    assert response["Location"] == "/dang-nhap/dang-ky-xac-thuc/"


def test_someone_else_s_login_answers_like_an_unknown_one(api, agency_admin_a, officer_b, specialist_a):
    status, body = api(agency_admin_a).post(f"users/{officer_b.username}/second-factor/reset")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, _ = api(agency_admin_a).post("users/khong.co.ai/second-factor/reset")
    assert status == 404
    status, _ = api(specialist_a).post(f"users/{officer_b.username}/second-factor/reset")
    assert status == 404
    assert SecondFactor.objects.filter(user=officer_b).exists()
    with pytest.raises(NotFound):
        services.second_factor_reset(actor=agency_admin_a, user=officer_b)


def test_unlock_through_the_api(api, province_admin, officer_a):
    for _ in range(10):
        Client().post("/dang-nhap/", {"username": officer_a.username, "password": "sai-mat-khau"})
    assert login_guard.locked_until(officer_a.username) is not None
    status, _ = api(province_admin).post(f"users/{officer_a.username}/unlock")
    assert status == 204
    assert login_guard.locked_until(officer_a.username) is None
    assert web_login(Client(), officer_a)["Location"] == "/can-bo/ho-so/"
    assert AccountEvent.objects.filter(user=officer_a, kind="unlocked", actor=province_admin).exists()


def test_the_page_for_administrators(client, agency_admin_a, specialist_a, officer_b):
    client.force_login(agency_admin_a)
    assert "Quản lý đăng nhập của cán bộ" in client.get("/tai-khoan/").content.decode()
    page = client.get("/quan-ly-dang-nhap/", {"username": officer_b.username}).content.decode()
    assert "bạn không quản trị tài khoản này" in page
    page = client.get("/quan-ly-dang-nhap/", {"username": specialist_a.username}).content.decode()
    assert specialist_a.display_name in page and "Đặt lại xác thực hai bước" in page
    response = client.post(
        "/quan-ly-dang-nhap/", {"username": specialist_a.username, "action": "reset"}, follow=True
    )
    assert "Đã đặt lại xác thực hai bước" in response.content.decode()
    assert not SecondFactor.objects.filter(user=specialist_a).exists()
    # The person sees who did it (the reset renewed their security stamp: reload it).
    specialist_a.refresh_from_db()
    own = Client()
    own.force_login(specialist_a)
    account = own.get("/tai-khoan/").content.decode()
    assert "Đặt lại xác thực hai bước" in account and agency_admin_a.display_name in account


def test_the_page_is_not_there_for_others(client, officer_a, citizen):
    for user in (officer_a, citizen):
        client.force_login(user)
        assert client.get("/quan-ly-dang-nhap/").status_code == 404
        assert "Quản lý đăng nhập của cán bộ" not in client.get("/tai-khoan/").content.decode()


def test_the_command_for_the_superuser_nobody_is_above(superuser, capsys):
    call_command("reset_second_factor", superuser.username, "--unlock")
    assert not SecondFactor.objects.filter(user=superuser).exists()
    event = AccountEvent.objects.get(user=superuser, kind="second_factor_reset")
    assert event.actor is None and event.address == "manage.py"
    assert "Đã đặt lại" in capsys.readouterr().out
