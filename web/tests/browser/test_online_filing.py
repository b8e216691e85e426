"""The online filing journey in Chromium: a citizen logs in, files a birth registration through the
wizard (place, e-form, papers with a refused file on the way, review, submit) and finds it in "Hồ sơ
của tôi"; and the first steps on a phone. Screenshots: ``var/screenshots/nop-truc-tuyen-*.png``."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier
from testing.documents import pdf_bytes
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE
from web.portal_common import component_required

pytestmark = pytest.mark.browser

PROCEDURE = "Thủ tục đăng ký khai sinh"


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(1, text=name)}


def _required(dossier: Dossier) -> list:
    return [c for c in dossier.components.select_related("requirement") if component_required(c.requirement)]


def test_citizen_files_a_dossier_through_the_wizard(page, login, shot, citizen):
    login(page, citizen)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Nộp hồ sơ trực tuyến"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky khai sinh")
    page.get_by_label("Tên hoặc mã thủ tục").press("Enter")
    choose = page.get_by_role("link", name=re.compile(rf"^Nộp hồ sơ\s*: {PROCEDURE}$"))
    expect(choose).to_be_visible()
    shot(page, "nop-truc-tuyen-01-chon-thu-tuc")
    choose.click()

    # Step 1: the case and the place; the citizen's own commune is proposed.
    expect(page.get_by_role("heading", level=1)).to_have_text(PROCEDURE)
    expect(page.locator('[aria-current="step"]')).to_have_text("Chọn trường hợp")
    expect(page.get_by_label("Nơi nộp hồ sơ")).to_have_value(COMMUNE_A_CENTRE)
    shot(page, "nop-truc-tuyen-02-buoc-1")
    page.get_by_role("button", name="Tiếp tục").click()

    # Step 2: the e-form, prefilled from the account.
    expect(page.locator('[aria-current="step"]')).to_have_text("Điền tờ khai")
    expect(page.get_by_label("Địa chỉ liên hệ")).to_have_value(re.compile("Phường Phố Hiến"))
    page.get_by_label("Số điện thoại").fill("abc")
    page.get_by_role("button", name="Lưu nháp và tiếp tục").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa đủ thông tin")
    expect(page.get_by_label("Số điện thoại")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Nội dung đề nghị, ghi chú cho cán bộ (nếu có)").fill(
        "Đăng ký khai sinh cho con thứ hai"
    )
    shot(page, "nop-truc-tuyen-03-buoc-2")
    page.get_by_role("button", name="Lưu nháp và tiếp tục").click()

    # Step 3: the draft exists; the papers.
    expect(page.locator('[aria-current="step"]')).to_have_text("Đính kèm giấy tờ")
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu bản nháp")
    dossier = Dossier.objects.get(applicant__user=citizen, status="draft")
    required = _required(dossier)
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"Còn thiếu {len(required)} giấy tờ bắt buộc")
    shot(page, "nop-truc-tuyen-04-thieu-giay-to")

    first = page.locator(f"#comp-{required[0].pk}")
    first.locator("input[type=file]").set_input_files(
        {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": b"khong phai PDF"}
    )
    first.get_by_role("button", name=re.compile("^Tải lên")).click()
    expect(page.get_by_role("alert").first).to_contain_text("Tệp chưa được nhận")
    expect(page.locator(f"#comp-{required[0].pk}")).to_contain_text("Loại tệp không được chấp nhận")
    shot(page, "nop-truc-tuyen-05-tep-bi-tu-choi")

    for component in required:
        card = page.locator(f"#comp-{component.pk}")
        card.locator("input[type=file]").set_input_files(_pdf(f"giay-to-{component.pk}.pdf"))
        card.get_by_role("button", name=re.compile("^Tải lên")).click()
        expect(page.locator(f"#comp-{component.pk}")).to_contain_text("Đã có tệp")
    shot(page, "nop-truc-tuyen-06-buoc-3")
    page.get_by_role("button", name="Tiếp tục: xem lại hồ sơ").click()

    # Step 4: review, then submit.
    expect(page.locator('[aria-current="step"]')).to_have_text("Xem lại")
    expect(page.get_by_role("main")).to_contain_text("Trung tâm Phục vụ hành chính công Phường Phố Hiến")
    expect(page.get_by_role("main")).to_contain_text(f"giay-to-{required[0].pk}.pdf")
    shot(page, "nop-truc-tuyen-07-xem-lai")
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()

    # The dossier's page, then "Hồ sơ của tôi".
    expect(page.get_by_role("main")).to_contain_text(
        re.compile(r"Đã nộp hồ sơ, mã hồ sơ [0-9.H]+-[0-9]{6}-[0-9]{4}")
    )
    expect(page.get_by_role("main")).to_contain_text("Đã nộp trực tuyến, chờ tiếp nhận")
    expect(page.get_by_role("heading", name=re.compile("Việc cần làm"))).to_contain_text("Đang chờ tiếp nhận")
    shot(page, "nop-truc-tuyen-08-da-nop")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Hồ sơ của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    expect(page.get_by_role("link", name=re.compile("Chờ tiếp nhận \\(1\\)"))).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=PROCEDURE)).to_be_visible()
    shot(page, "nop-truc-tuyen-09-ho-so-cua-toi")
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.note == "Đăng ký khai sinh cho con thứ hai"


def test_the_first_steps_on_a_phone(phone_page, login, shot, citizen):
    page = phone_page
    login(page, citizen)
    page.goto(f"/nop-ho-so/{BIRTH_REGISTRATION}/")
    expect(page.locator('[aria-current="step"]')).to_have_text("Chọn trường hợp")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "nop-truc-tuyen-dien-thoai-01-buoc-1")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator('[aria-current="step"]')).to_have_text("Điền tờ khai")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "nop-truc-tuyen-dien-thoai-02-buoc-2")
    page.get_by_role("button", name="Lưu nháp và tiếp tục").click()
    expect(page.locator('[aria-current="step"]')).to_have_text("Đính kèm giấy tờ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "nop-truc-tuyen-dien-thoai-03-buoc-3")
