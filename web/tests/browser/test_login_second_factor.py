"""Journeys of logging in with a second factor in a real browser: a new officer enrols an authenticator
app (QR code, secret, first code, recovery codes shown once), then logs in with a code; a demo officer
logs in with the demo code; the administrator resets a lost phone."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from accounts import totp
from demo.loader import DEMO_PASSWORD
from organization.models import Agency, Role
from organization.services import staff_user_create
from testing.clients import current_otp

pytestmark = pytest.mark.browser

PASSWORD = "Hoa-sen-no-giua-ho-2026"


def test_a_new_officer_enrols_then_logs_in_with_a_code(page, new_page, login, shot):
    user = staff_user_create(
        actor=None,
        agency=Agency.objects.get(code="000.00.11953.H31"),
        username="canbo.moi",
        full_name="Trần Văn Mới",
        password=PASSWORD,
        role=Role.SPECIALIST,
    )
    page.goto("/dang-nhap/?next=/tai-khoan/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/dang-ky-xac-thuc/$"))
    expect(page.get_by_role("img", name="Mã QR để thêm tài khoản vào ứng dụng xác thực")).to_be_visible()
    shot(page, "dang-nhap-dang-ky-xac-thuc")
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.get_by_label("Mã xác thực").fill(
        "000000" if totp.totp(secret, time.time()) != "000000" else "111111"
    )
    page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã xác thực không đúng")
    page.get_by_label("Mã xác thực").fill(totp.totp(secret, time.time()))
    page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot(page, "dang-nhap-ma-khoi-phuc")
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()

    # Another browser: the password, then the code.
    other = new_page()
    other.goto("/dang-nhap/")
    other.get_by_label("Tên đăng nhập").fill(user.username)
    other.get_by_label("Mật khẩu").fill(PASSWORD)
    other.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(other).to_have_url(re.compile(r"/dang-nhap/ma-xac-thuc/$"))
    shot(other, "dang-nhap-ma-xac-thuc")
    other.get_by_label("Mã xác thực").fill(current_otp(user))
    other.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(other).to_have_url(re.compile(r"/can-bo/ho-so/$"))


def test_a_demo_officer_logs_in_with_the_demo_code_and_the_admin_resets_a_lost_phone(
    page, new_page, login, officer_a, agency_admin_a
):
    login(page, officer_a)
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_contain_text(officer_a.display_name)

    admin = new_page()
    login(admin, agency_admin_a, next="/quan-ly-dang-nhap/")
    admin.get_by_label("Tên đăng nhập của cán bộ").fill(officer_a.username)
    admin.get_by_role("button", name="Tìm").click()
    admin.get_by_role("button", name="Đặt lại xác thực hai bước").click()
    expect(admin.get_by_role("status")).to_contain_text("Đã đặt lại xác thực hai bước")

    # The officer's session ended; the next login enrols again.
    page.goto("/tai-khoan/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))
    page.get_by_label("Tên đăng nhập").fill(officer_a.username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/dang-ky-xac-thuc/$"))
