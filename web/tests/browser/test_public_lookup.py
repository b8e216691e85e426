"""Journey: anyone looks a dossier up by its code, opens the address of the forms' QR code on a phone,
and checks a signed result at the verification page — without logging in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from documents.results import result_issue
from documents.services import file_read
from dossiers.forms import lookup_url
from dossiers.models import Dossier
from testing.documents import pdf_bytes
from testing.dossiers import counter_body, resolved_dossier

pytestmark = pytest.mark.browser


def test_public_lookup_by_code_and_by_qr_address(page, phone_page, api, officer_a, shot):
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    code = body["code"]

    page.goto("/tra-cuu/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tra cứu hồ sơ")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_role("button", name="Tra cứu").click()
    result = page.locator("#lookup-result")
    expect(result.get_by_role("heading", level=2)).to_contain_text(code)
    expect(result).to_contain_text("Thủ tục đăng ký khai sinh")
    expect(result).to_contain_text("Đã tiếp nhận")
    expect(result).to_contain_text("Ngày hẹn trả kết quả")
    expect(page).to_have_url(re.compile(r"/tra-cuu/\?ma="))
    expect(result).not_to_contain_text(counter_body()["applicant"]["name"])
    shot(page, "tra-cuu-1-ket-qua")

    page.get_by_label("Mã hồ sơ").fill("001.00.11953.H31-000000-9999")
    page.get_by_label("Mã hồ sơ").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ với mã này.")
    shot(page, "tra-cuu-2-khong-tim-thay")

    qr = urlsplit(lookup_url(code))
    phone_page.goto(f"{qr.path}?{qr.query}")
    expect(phone_page.locator("#lookup-result")).to_contain_text("Đã tiếp nhận")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "tra-cuu-3-ma-qr-dien-thoai")


def test_result_verification_of_a_genuine_and_a_tampered_copy(
    page, api, officer_a, superuser, leader_a, clock, shot
):
    code = resolved_dossier(api, officer_a, superuser, leader_a, clock)
    result = result_issue(
        dossier=Dossier.objects.get(code=code),
        data=pdf_bytes(1, text="Giấy khai sinh"),
        title="Giấy chứng nhận đăng ký khai sinh",
        number="15/GKS",
        actor=leader_a,
    )
    signed = file_read(result.file)

    page.goto("/xac-thuc/")
    page.get_by_label("Tệp PDF").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": signed}]
    )
    page.get_by_role("button", name="Kiểm tra").click()
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("Hợp lệ")
    expect(verdict).to_contain_text("Giấy chứng nhận đăng ký khai sinh")
    shot(page, "xac-thuc-1-ban-that")

    tampered = signed.replace(b"/Producer (pypdf)", b"/Producer (pypdF)")
    page.get_by_label("Tệp PDF").set_input_files(
        files=[{"name": "ban-sua.pdf", "mimeType": "application/pdf", "buffer": tampered}]
    )
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_contain_text("Không hợp lệ")
    expect(page.get_by_role("status")).to_contain_text("ban-sua.pdf")
    shot(page, "xac-thuc-2-ban-bi-sua")
