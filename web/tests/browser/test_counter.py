"""Journey: a one-stop officer receives a paper dossier at the counter from the reception page — keyboard
first: find the procedure without diacritics, look the applicant up by CCCD, tick the papers handed over
("mark the required papers" ticks only those every applicant files), Enter — and gets the receipt (form
01) to print."""

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
    # "Mark the required papers": only the paper every applicant files, never a conditional one.
    page.get_by_role("button", name="Đánh dấu đã nhận các giấy tờ bắt buộc").click()
    expect(page.get_by_label(re.compile(r"^Giấy chứng sinh"))).to_be_checked()
    expect(page.get_by_label(re.compile(r"^Trường hợp trẻ em bị bỏ rơi"))).not_to_be_checked()
    expect(page.get_by_label(re.compile(r"^Văn bản ủy quyền"))).not_to_be_checked()
    expect(page.locator("#components input[type=checkbox]:checked")).to_have_count(1)
    page.get_by_label(re.compile(r"^Tờ khai đăng ký khai sinh")).check()  # handed over: ticked by hand
    shot(page, "tiep-nhan-2-nhap-ho-so")
    page.get_by_label("Số điện thoại").press("Enter")  # Enter submits

    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tiếp nhận hồ sơ")
    dossier = Dossier.objects.get()
    assert dossier.status == "received" and dossier.channel == "counter"
    assert dossier.applicant_name == "Nguyễn Thị Dân"
    received = [(c.name[:15], c.originals, c.copies) for c in dossier.components.order_by("position")]
    assert received == [("Giấy chứng sinh", 1, 0), ("Tờ khai đăng ký", 1, 0)]
    status = page.get_by_role("status")
    expect(status).to_contain_text(dossier.code)
    expect(status).to_contain_text("09:30 03/03/2026")
    expect(page.get_by_role("button", name="In giấy tiếp nhận và hẹn trả (mẫu 01)")).to_be_focused()
    receipt = page.locator("#receipt-frame").get_attribute("src")
    answer = page.request.get(f"{live_url}{receipt}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    shot(page, "tiep-nhan-3-giay-hen")
