"""The browser-test infrastructure itself: the live server sees the test's data, logins, screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.browser


def test_live_server_sees_objects_created_in_the_test(page, login, shot):
    user = User.objects.create_user(
        username="thu.nghiem", password="Mat-khau-2026", full_name="Người Thử Nghiệm"
    )
    login(page, user, password="Mat-khau-2026")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_contain_text(user.display_name)
    # The page's requests and the test's own queries share one connection, one at a time.
    assert User.objects.filter(username="thu.nghiem").exists()
    shot(page, "ha-tang-dang-nhap")


def test_reference_data_survives_the_previous_test_and_a_wrong_password_is_refused(page, login, officer_a):
    assert not User.objects.filter(username="thu.nghiem").exists()  # rolled back
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(officer_a.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("không đúng")
    login(page, officer_a)
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_contain_text(officer_a.display_name)


def test_phone_page_is_narrow_and_static_files_are_served(phone_page, shot):
    phone_page.goto("/")
    css = phone_page.request.get("/static/web/site.css")
    assert css.ok and "text/css" in css.headers["content-type"]
    # The stylesheet is applied: the header has the site's red.
    assert (
        phone_page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
        == "rgb(165, 14, 14)"
    )
    assert phone_page.evaluate("window.innerWidth") == 360
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "ha-tang-dien-thoai")
