"""The agency administrator of commune A in the admin: he reaches it from the site's menu, sees only his
commune's people and roles, adds a staff account with an ordinary role (the administrator roles are
not even offered), and the superuser's account does not exist for him."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Mat-khau-moi-2026!"


def test_the_agency_admin_adds_a_member_of_his_commune(page, login, agency_admin_a, superuser, shot):
    login(page, agency_admin_a)
    page.get_by_role("link", name="Quản trị").click()
    expect(page).to_have_url(re.compile(r"/quan-tri/$"))
    models = page.locator("#content-main th[scope=row] a")
    expect(models.first).to_be_visible()
    assert {text.strip() for text in models.all_inner_texts()} == {
        "Tài khoản",
        "Cơ quan",
        "Vai trò trong cơ quan",
    }
    shot(page, "quan-tri-co-quan-1-trang-chu")

    page.goto("/quan-tri/accounts/user/add/")
    form = page.locator("#user_form")
    form.get_by_label("Tên đăng nhập").fill("motcua2.phohien")
    form.get_by_label("họ và tên", exact=False).fill("Trần Thị Mới")
    roles = form.get_by_label("vai trò", exact=False)
    offered = {text.strip() for text in roles.locator("option").all_inner_texts()}
    assert offered == {"---------", "Cán bộ một cửa", "Chuyên viên thụ lý", "Lãnh đạo", "Văn thư"}
    agencies = form.get_by_label("cơ quan", exact=False)
    assert len(agencies.locator("option").all_inner_texts()) == 3  # his committee and its centre
    agencies.select_option(label="Trung tâm Phục vụ hành chính công Phường Phố Hiến")
    roles.select_option(label="Cán bộ một cửa")
    form.locator("#id_password1").fill(NEW_PASSWORD)
    form.locator("#id_password2").fill(NEW_PASSWORD)
    shot(page, "quan-tri-co-quan-2-them-can-bo")
    form.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    created = User.objects.get(username="motcua2.phohien")
    assert list(created.memberships.values_list("agency__code", "role")) == [
        ("001.00.11953.H31", "one_stop_officer")
    ]
    assert not created.is_superuser and created.check_password(NEW_PASSWORD)

    page.goto(f"/quan-tri/accounts/user/{superuser.pk}/password/")
    expect(page.get_by_role("heading", name="Không tìm thấy")).to_be_visible()
    shot(page, "quan-tri-co-quan-3-khong-thay-tai-khoan-quan-tri-he-thong")
    assert superuser.password == User.objects.get(pk=superuser.pk).password
