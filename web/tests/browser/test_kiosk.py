"""Journey at a service centre: a person takes a ticket on the kiosk (its number carries the line's
letter, "B001"), the officer at counter 1 calls it, the calling display in the hall shows and says
"Mời số B001, Hộ tịch, đến quầy 1"; then the lookup screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kiosk.models import QueueTicket

pytestmark = pytest.mark.browser

CENTRE = "001.00.11953.H31"


def test_take_a_ticket_call_it_and_see_it_on_the_display(page, new_page, login, officer_a, shot):
    display = new_page()
    display.goto(f"/kiosk/{CENTRE}/man-hinh/")
    expect(display.locator("#announce")).to_have_text("Chưa có số nào được mời hôm nay.")

    page.goto(f"/kiosk/{CENTRE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mời ông/bà chọn lĩnh vực cần giải quyết")
    shot(page, "kiosk-1-lay-so")
    page.get_by_role("button", name=re.compile(r"^Hộ tịch")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Số thứ tự của ông/bà")
    number = QueueTicket.objects.get().display_number
    assert re.fullmatch(r"[A-Z]001", number)
    expect(page.locator(".ticket-number")).to_have_text(number)
    expect(page.locator("#ticket-state")).to_contain_text("Có 0 người chờ trước ông/bà.")
    shot(page, "kiosk-2-so-thu-tu")
    # The receipt PDF itself is read back in kiosk/tests/test_pages.py.
    expect(page.get_by_role("link", name="In phiếu")).to_have_attribute(
        "href", re.compile(r"/ve/[0-9a-f-]+\.pdf$")
    )

    officer = new_page()
    login(officer, officer_a, next=f"/kiosk/{CENTRE}/quay/1/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Quầy 1: Hộ tịch")
    expect(officer.locator("#queue")).to_contain_text("1 người đang chờ")
    officer.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(officer.locator(".current-number")).to_have_text(number)
    expect(officer.get_by_role("button", name="Gọi lại")).to_be_enabled()
    shot(officer, "kiosk-3-quay-goi-so")

    # The display polls every few seconds and speaks the new call in its live region.
    expect(display.locator("#announce")).to_have_text(f"Mời số {number}, Hộ tịch, đến quầy 1", timeout=10_000)
    expect(display.locator(".board-table")).to_contain_text(number)
    shot(display, "kiosk-4-man-hinh-goi-so")

    page.reload()
    expect(page.locator("#ticket-state")).to_contain_text(f"Mời số {number} đến quầy 1.")

    officer.get_by_role("button", name="Đã phục vụ xong").click()
    expect(officer.locator("#console")).to_contain_text("Quầy chưa gọi số nào.")
    assert QueueTicket.objects.get().status == QueueTicket.Status.SERVED


def test_the_lookup_screen_on_a_phone(phone_page, shot):
    phone_page.goto(f"/kiosk/{CENTRE}/tra-cuu/")
    phone_page.get_by_label("Tên thủ tục (gõ không dấu cũng được)").fill("dang ky khai sinh")
    phone_page.get_by_role("button", name="Tìm", exact=True).click()
    expect(phone_page.locator("#procedures")).to_contain_text("Thủ tục đăng ký khai sinh")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "kiosk-5-tra-cuu-dien-thoai")
