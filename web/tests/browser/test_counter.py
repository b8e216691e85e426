"""Journey: a one-stop officer receives a paper dossier at the counter from the reception page — keyboard
first: find the procedure without diacritics, look the applicant up by CCCD, tick the papers, Enter —
and gets the receipt (form 01) to print."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from testing.dossiers import vn

pytestmark = pytest.mark.browser


def test_counter_reception_to_the_receipt(page, live_url, login, officer_a, clock, shot):
    clock(vn(2026, 3, 2, 9, 30))  # Monday morning
    login(page, officer_a)
    page.get_by_role("link", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiếp nhận hồ sơ trực tiếp")

    search = page.get_by_label("Bước 1. Tìm thủ tục")
    expect(search).to_be_focused()
    search.type("dang ky khai sinh")
    suggestion = page.locator("[data-suggestions] a", has_text="Thủ tục đăng ký khai sinh").first
    expect(suggestion).to_be_visible()
    shot(page, "tiep-nhan-1-tim-thu-tuc")
    search.press("ArrowDown")
    expect(page.locator("[data-suggestions] a").first).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"thu_tuc=1\.001193"))
    number = page.get_by_label("Số định danh cá nhân (CCCD) hoặc mã số thuế")
    expect(number).to_be_focused()
    number.type("033190001234")  # the demo citizen: known to the system
    expect(page.locator("#applicant-status")).to_contain_text("Đã có trong hệ thống")
    expect(page.get_by_label("Họ tên người nộp / tên tổ chức")).to_have_value("Nguyễn Thị Dân")
    page.get_by_label(re.compile(r"^Giấy chứng sinh")).check()
    page.get_by_label(re.compile(r"^Tờ khai đăng ký khai sinh")).check()
    shot(page, "tiep-nhan-2-nhap-ho-so")
    page.get_by_label("Số điện thoại").press("Enter")  # Enter submits

    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận hồ sơ")
    dossier = Dossier.objects.get()
    assert dossier.status == "received" and dossier.channel == "counter"
    assert dossier.applicant_name == "Nguyễn Thị Dân"
    names = [c.name for c in dossier.components.order_by("position")]
    assert [n[:15] for n in names] == ["Giấy chứng sinh", "Tờ khai đăng ký"]
    status = page.get_by_role("status")
    expect(status).to_contain_text(dossier.code)
    expect(status).to_contain_text("09:30 03/03/2026")
    expect(page.get_by_role("button", name="In giấy tiếp nhận và hẹn trả (mẫu 01)")).to_be_focused()
    receipt = page.locator("#receipt-frame").get_attribute("src")
    answer = page.request.get(f"{live_url}{receipt}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    shot(page, "tiep-nhan-3-giay-hen")
