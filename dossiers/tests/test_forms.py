"""The seven forms of TT 03/2025/TT-VPCP, requested as PDF through the API and read back with pypdf.

Dossiers are created and moved through the API with frozen time; the times printed on the forms are
hand-computed (working time 08:00–12:00, 13:00–17:00; 1.001193 takes 1 working day, its workflow
steps 48 min / 4 h 48 min / 1 h 36 min / 48 min; 1.000080 takes 7 working days).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.conf import settings
from pypdf import PdfReader

from catalog.models import Procedure
from dossiers.forms import available_forms, lookup_url
from dossiers.models import Dossier
from kernel.formatting import format_date, format_instant
from kernel.pdf import FONT_DIR, renderer_may_load
from organization.letterhead import agency_header_lines
from organization.models import Agency
from testing.dossiers import (
    BIRTH_REGISTRATION,
    COMMUNE_A,
    COMMUNE_A_CENTRE,
    PARENTAGE,
    advance_to_last_step,
    counter_body,
    vn,
)

pytestmark = pytest.mark.django_db

A5 = (419.53, 595.28)
A4_LANDSCAPE = (841.89, 595.28)
ONLINE = {"procedure": BIRTH_REGISTRATION, "channel": "online", "receiving_agency": COMMUNE_A_CENTRE}


def fetch(client: Any, path: str, **params: Any) -> Any:
    """The raw response (the conftest client decodes bodies as text, which a PDF is not)."""
    return client.client.get(f"/api/v1/{path}", params, headers=client.headers)


def read_pdf(response: Any) -> tuple[str, PdfReader]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # One line of text: a long value wrapped over two lines in the PDF still compares whole.
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return text, reader


def page_size(reader: PdfReader) -> tuple[float, float]:
    sizes = {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}
    assert len(sizes) == 1, sizes
    return sizes.pop()


def link_targets(reader: PdfReader) -> set[str]:
    return {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # embedded TrueType, not a system font by name
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def form(client: Any, code: str, slug: str) -> tuple[str, PdfReader]:
    response = fetch(client, f"dossiers/{code}/forms/{slug}.pdf")
    text, reader = read_pdf(response)
    assert response["Content-Disposition"] == f'inline; filename="{code}-{slug}.pdf"'
    assert page_size(reader) == A5
    assert link_targets(reader) == {f"{settings.SITE_URL}/tra-cuu/?ma={code}"}
    assert code in text
    return text, reader


def test_receipt(api, officer_a, clock):
    requirements = list(Procedure.objects.get(code=BIRTH_REGISTRATION).current_version.components.all()[:2])
    clock(vn(2026, 3, 2, 9, 30))  # Monday
    status, body = api(officer_a).post(
        "dossiers",
        counter_body(
            components=[
                {"requirement": requirements[0].pk, "originals": 1},
                {"requirement": requirements[1].pk, "copies": 2},
            ],
            representative={"name": "Lê Thị Hồng Nhung", "national_id": "033195001234"},
        ),
    )
    assert status == 201, body
    code = body["code"]
    text, reader = form(api(officer_a), code, "receipt")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    # NĐ 30/2020 header: the agency block, the national motto, place and date.
    assert "UBND PHƯỜNG PHỐ HIẾN TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "Phường Phố Hiến, ngày 02 tháng 3 năm 2026" in text
    assert "Trần Văn Bình" in text
    assert "Số định danh/mã số thuế: 033095004321" in text
    assert "Địa chỉ: Phường Phố Hiến" in text and "0987654321" in text
    assert "Người được ủy quyền: Lê Thị Hồng Nhung, số định danh: 033195001234" in text
    assert "Thủ tục đăng ký khai sinh (mã thủ tục 1.001193)" in text
    for requirement in requirements:
        assert " ".join(requirement.name.split()) in text
    assert "Thời gian giải quyết hồ sơ theo quy định: 1 ngày làm việc" in text
    assert "Thời gian nhận hồ sơ: 9 giờ 30 phút, ngày 02 tháng 3 năm 2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 9 giờ 30 phút, ngày 03 tháng 3 năm 2026" in text
    assert "Hình thức nộp: Trực tiếp" in text
    assert "Đỗ Thị Nhận" in text  # the receiving officer
    assert embedded_fonts(reader) >= {"FormSerif", "FormSerif-Bold"}  # the vendored Liberation Serif
    assert reader.metadata.title == f"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ - {code}"


def test_forms_that_do_not_apply_who_may_ask_and_unknown_forms(
    api, officer_a, officer_b, specialist_a, clock
):
    clock(vn(2026, 3, 2, 9, 30))
    code = api(officer_a).post("dossiers", counter_body())[1]["code"]
    assert available_forms(Dossier.objects.get(code=code)) == ["receipt", "process-control"]
    for slug in ("supplement-request", "refusal", "apology", "stop-notice"):
        status, body = api(officer_a).get(f"dossiers/{code}/forms/{slug}.pdf")
        assert status == 409, (slug, body)
        assert body["error"]["code"] == "form_not_available"
    status, body = api(officer_a).get(f"dossiers/{code}/forms/apology.pdf")
    assert body["error"]["message"].startswith(
        "Không lập được «Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết»"
    )
    status, body = api(officer_a).get(f"dossiers/{code}/forms/giay-phep.pdf")
    assert status == 404 and body["error"]["code"] == "not_found"
    assert api(officer_b).get(f"dossiers/{code}/forms/receipt.pdf")[0] == 404  # another commune
    assert api(officer_b).get("dossiers/KHONG-CO/forms/receipt.pdf")[0] == 404
    status, body = api().get(f"dossiers/{code}/forms/receipt.pdf")
    assert status == 401 and body["error"]["code"] == "unauthenticated"
    # The handling commune's specialist sees the dossier and its receipt.
    assert fetch(api(specialist_a), f"dossiers/{code}/forms/receipt.pdf").status_code == 200


def test_process_control_sheet_is_the_handover_log(api, officer_a, specialist_a, leader_a, clerk_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    code = api(officer_a).post("dossiers", counter_body())[1]["code"]
    steps = [
        # (when, who, action, body): step 1 due 10:18 Mon; step 2 due 15:48 Mon (late on Tuesday);
        # step 3 starts Tue 14:00, due 15:36; step 4 starts 14:30, due 15:18.
        (vn(2026, 3, 2, 10, 0), officer_a, "forward", {"assignee": "chuyenvien.phohien"}),
        (vn(2026, 3, 3, 14, 0), specialist_a, "forward", {"assignee": "lanhdao.phohien"}),
        (vn(2026, 3, 3, 14, 30), leader_a, "forward", {"assignee": "vanthu.phohien"}),
        (vn(2026, 3, 3, 15, 0), clerk_a, "resolve", {"outcome": "approved", "note": "Cấp Giấy khai sinh"}),
        (vn(2026, 3, 3, 16, 0), officer_a, "deliver", {"method": "counter"}),
    ]
    for when, user, action, body in steps:
        clock(when)
        status, answer = api(user).post(f"dossiers/{code}/actions/{action}", body)
        assert status == 200, answer
    text, _reader = form(api(officer_a), code, "process-control")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Thời gian tiếp nhận: 9 giờ 30 phút, ngày 02 tháng 3 năm 2026" in text
    assert "Thời gian hẹn trả kết quả: 9 giờ 30 phút, ngày 03 tháng 3 năm 2026" in text
    assert "Phường Phố Hiến, ngày 03 tháng 3 năm 2026" in text  # printed now
    table = text.split("Ghi chú", 1)[1].split("Phiếu lập tự động", 1)[0]
    rows = re.split(r"(?:^| )(\d) Giao: ", table)[1:]
    assert [int(n) for n in rows[::2]] == [1, 2, 3, 4, 5, 6]  # one row per hand-over
    rows = rows[1::2]
    assert rows[0].startswith("Tổ chức, cá nhân: Trần Văn Bình Nhận: Đỗ Thị Nhận, Cán bộ một cửa")
    assert "9 giờ 30 phút, ngày 02 tháng 3 năm 2026" in rows[0]
    assert "Nhận: Vũ Văn Xử, Chuyên viên thụ lý, Ủy ban nhân dân Phường Phố Hiến" in rows[1]
    assert "10 giờ 00 phút, ngày 02 tháng 3 năm 2026" in rows[1]
    assert "Nhận: Bùi Văn Ký, Lãnh đạo" in rows[2] and "14 giờ 00 phút, ngày 03 tháng 3 năm 2026" in rows[2]
    assert rows[4].startswith("Ngô Thị Sổ") and "15 giờ 00 phút, ngày 03 tháng 3 năm 2026" in rows[4]
    assert "Tổ chức, cá nhân: Trần Văn Bình" in rows[5] and "Trả tại bộ phận một cửa" in rows[5]
    results = [re.findall(r"Trước hạn|Đúng hạn|Quá hạn", row) for row in rows]
    assert results == [[], ["Đúng hạn"], ["Quá hạn"], ["Đúng hạn"], ["Đúng hạn"], []]
    # Approved, so no refusal; and the receipt stays the one of the reception.
    assert api(officer_a).get(f"dossiers/{code}/forms/refusal.pdf")[0] == 409
    text, _reader = form(api(officer_a), code, "receipt")
    assert "Thời gian nhận hồ sơ: 9 giờ 30 phút, ngày 02 tháng 3 năm 2026" in text


def test_supplement_request_after_reception_then_a_new_receipt(api, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    code = api(officer_a).post("dossiers", counter_body())[1]["code"]
    clock(vn(2026, 3, 2, 10, 0))
    api(officer_a).post(f"dossiers/{code}/actions/forward", {"assignee": "chuyenvien.phohien"})
    clock(vn(2026, 3, 2, 14, 15))
    items = ["Bản sao Giấy chứng sinh", "Giấy tờ chứng minh nơi cư trú của người mẹ"]
    status, body = api(specialist_a).post(
        f"dossiers/{code}/actions/request_supplement", {"items": items, "reason": "Hồ sơ còn thiếu giấy tờ"}
    )
    assert status == 200, body
    text, _reader = form(api(officer_a), code, "supplement-request")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN" in text  # the specialist acts for the commune
    assert "1. Bản sao Giấy chứng sinh" in text
    assert "2. Giấy tờ chứng minh nơi cư trú của người mẹ" in text
    assert "Lý do: Hồ sơ còn thiếu giấy tờ" in text
    assert "Người yêu cầu: Vũ Văn Xử; thời điểm: 14 giờ 15 phút, ngày 02 tháng 3 năm 2026" in text
    # Completed the next morning: a new receipt, the time restarting from zero (NĐ 61/2018 Art. 19.4).
    clock(vn(2026, 3, 3, 8, 30))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/receive_supplement", {})
    assert status == 200, body
    text, _reader = form(api(officer_a), code, "receipt")
    assert "(đã bổ sung, hoàn thiện)" in text
    assert "Thời gian nhận hồ sơ: 8 giờ 30 phút, ngày 03 tháng 3 năm 2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 8 giờ 30 phút, ngày 04 tháng 3 năm 2026" in text


def test_online_dossier_returned_then_another_refused_at_reception(api, officer_a, citizen, clock):
    clock(vn(2026, 3, 2, 20, 15))
    reference = api(citizen).post("dossiers", ONLINE)[1]["reference"]
    assert api(citizen).get(f"dossiers/{reference}/forms/receipt.pdf")[0] == 409  # not received yet
    # The process-control sheet is the agencies' internal record: never the applicant's (403).
    assert api(citizen).get(f"dossiers/{reference}/forms/process-control.pdf")[0] == 403
    assert api(officer_a).get(f"dossiers/{reference}/forms/process-control.pdf")[0] == 409
    clock(vn(2026, 3, 3, 8, 10))
    status, body = api(officer_a).post(
        f"dossiers/{reference}/actions/return_for_completion",
        {"items": ["Ảnh chụp Giấy chứng sinh bị mờ", "Thiếu văn bản ủy quyền"], "reason": "Chưa đầy đủ"},
    )
    assert status == 200, body
    # Not received yet, the dossier has its code all the same (issued at submission): the form names it.
    text, _reader = form(api(citizen), reference, "supplement-request")
    assert reference.startswith("001.00.11953.H31-260302-") and reference in text
    assert "Nguyễn Thị Dân" in text
    assert "1. Ảnh chụp Giấy chứng sinh bị mờ" in text and "2. Thiếu văn bản ủy quyền" in text
    assert "Người yêu cầu: Đỗ Thị Nhận; thời điểm: 8 giờ 10 phút, ngày 03 tháng 3 năm 2026" in text

    reference = api(citizen).post("dossiers", ONLINE)[1]["reference"]
    clock(vn(2026, 3, 3, 9, 5))
    reason = "Người yêu cầu không thuộc trường hợp được đăng ký tại địa phương"
    status, body = api(officer_a).post(f"dossiers/{reference}/actions/refuse", {"reason": reason})
    assert status == 200, body
    text, _reader = form(api(citizen), reference, "refusal")  # the applicant gets it too
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert "Kính gửi: Nguyễn Thị Dân" in text
    assert "không tiếp nhận" in text and reason in text
    assert "Thời điểm: 9 giờ 05 phút, ngày 03 tháng 3 năm 2026" in text
    assert "Phường Phố Hiến, ngày 03 tháng 3 năm 2026" in text


def test_refusal_after_appraisal(api, officer_a, superuser, clerk_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    code = api(officer_a).post("dossiers", counter_body())[1]["code"]
    clock(vn(2026, 3, 2, 11, 0))
    advance_to_last_step(api, superuser, code)
    clock(vn(2026, 3, 2, 15, 40))
    reason = "Giấy chứng sinh không hợp lệ theo kết quả xác minh"
    status, body = api(clerk_a).post(
        f"dossiers/{code}/actions/resolve", {"outcome": "refused", "note": reason}
    )
    assert status == 200, body
    text, _reader = form(api(officer_a), code, "refusal")
    assert "từ chối giải quyết" in text and reason in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN" in text
    assert "Thời điểm: 15 giờ 40 phút, ngày 02 tháng 3 năm 2026" in text


def test_apology_then_stop_notice(api, officer_a, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    status, body = api(officer_a).post("dossiers", counter_body(procedure=PARENTAGE))
    assert body["due_at"] == "2026-03-11T09:30:00+07:00"  # 7 working days
    code = body["code"]
    clock(vn(2026, 3, 9, 10, 0))
    reason = "Cần xác minh thêm thông tin tại cơ quan đăng ký hộ tịch nơi cư trú trước đây"
    status, body = api(leader_a).post(
        f"dossiers/{code}/actions/extend", {"reason": reason, "new_appointment": "2026-03-13T16:00:00+07:00"}
    )
    assert status == 200, body
    text, _reader = form(api(officer_a), code, "apology")
    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN" in text
    assert "Phường Phố Hiến, ngày 09 tháng 3 năm 2026" in text
    assert "Kính gửi: Trần Văn Bình" in text
    assert "Thời gian giải quyết theo quy định: 7 ngày làm việc" in text
    assert "hạn giải quyết: 9 giờ 30 phút, ngày 11 tháng 3 năm 2026" in text
    assert reason in text
    assert "16 giờ 00 phút, ngày 13 tháng 3 năm 2026" in text
    assert "Bùi Văn Ký" in text
    assert api(officer_a).get(f"dossiers/{code}/forms/stop-notice.pdf")[0] == 409

    clock(vn(2026, 3, 10, 8, 45))
    stop_reason = "Người nộp hồ sơ đề nghị dừng giải quyết để bổ sung giấy tờ khác"
    status, body = api(officer_a).post(f"dossiers/{code}/actions/stop", {"reason": stop_reason})
    assert status == 200, body
    text, _reader = form(api(officer_a), code, "stop-notice")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "dừng giải quyết hồ sơ nêu trên kể từ 8 giờ 45 phút, ngày 10 tháng 3 năm 2026" in text
    assert stop_reason in text
    assert (
        "Vào 9 giờ 30 phút, ngày 02 tháng 3 năm 2026, Trung tâm Phục vụ hành chính công Phường Phố Hiến"
        in text
    )
    assert "Thủ tục đăng ký nhận cha, mẹ, con" in text
    assert fetch(api(officer_a), f"dossiers/{code}/forms/apology.pdf").status_code == 200  # still on file


def test_ledger(api, officer_a, officer_b, leader_a, citizen, clock):
    clock(vn(2025, 12, 31, 16, 0))
    last_year = api(officer_a).post("dossiers", counter_body())[1]["code"]
    clock(vn(2026, 1, 5, 8, 15))
    this_year = api(officer_a).post("dossiers", counter_body())[1]["code"]
    clock(vn(2026, 3, 2, 9, 0))
    other = api(officer_a).post(
        "dossiers",
        counter_body(
            applicant={"name": "Phạm Thị Hoa", "national_id": "033095009999", "phone": "0912345678"}
        ),
    )[1]["code"]
    params = {"agency": COMMUNE_A_CENTRE, "field": "ho-tich", "year": 2026}
    text, reader = read_pdf(fetch(api(officer_a), "ledger.pdf", **params))
    assert page_size(reader) == A4_LANDSCAPE
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Lĩnh vực: Hộ tịch - Năm 2026" in text
    assert "UBND PHƯỜNG PHỐ HIẾN TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert this_year in text and other in text and last_year not in text
    assert text.index(this_year) < text.index(other)  # in order of reception
    assert "08:15 05/01/2026" in text and "Phạm Thị Hoa" in text and "Trần Văn Bình" in text
    assert "Tổng số: 2 hồ sơ" in text
    # The handling commune keeps its ledger too; last year's has the other dossier.
    text, _reader = read_pdf(fetch(api(leader_a), "ledger.pdf", agency=COMMUNE_A, field="ho-tich", year=2025))
    assert last_year in text and this_year not in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN" in text

    status, body = api(officer_b).get("ledger.pdf", **params)
    assert status == 404 and body["error"]["message"] == "Không tìm thấy cơ quan."
    assert api(officer_a).get("ledger.pdf", **{**params, "agency": COMMUNE_A})[0] == 404  # not reached
    assert api(citizen).get("ledger.pdf", **params)[0] == 403
    assert api().get("ledger.pdf", **params)[0] == 401
    status, body = api(officer_a).get("ledger.pdf", agency=COMMUNE_A_CENTRE, year=2026)
    assert status == 422 and list(body["error"]["fields"]) == ["field"]
    status, body = api(officer_a).get("ledger.pdf", **{**params, "year": "hai nghìn"})
    assert status == 422 and "year" in body["error"]["fields"]
    status, body = api(officer_a).get("ledger.pdf", **{**params, "field": "khong-co"})
    assert status == 400 and body["error"]["fields"] == {"field": ["Không tồn tại."]}


def test_formatting_rules():
    # NĐ 30/2020: a leading zero for days below 10 and for months 1 and 2.
    assert format_date(vn(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert format_date(vn(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"
    assert format_instant(vn(2026, 3, 2, 9, 5)) == "9 giờ 05 phút, ngày 02 tháng 3 năm 2026"
    assert format_instant(vn(2026, 3, 2, 23, 30)) == "23 giờ 30 phút, ngày 02 tháng 3 năm 2026"
    assert lookup_url("001.00.11953.H31-260302-0001") == (
        f"{settings.SITE_URL}/tra-cuu/?ma=001.00.11953.H31-260302-0001"
    )
    assert agency_header_lines(Agency.objects.get(code="000.00.04.H31")) == [
        "UBND TỈNH HƯNG YÊN",
        "SỞ TƯ PHÁP",
    ]
    assert agency_header_lines(Agency.objects.get(code=COMMUNE_A)) == ["ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN"]
    assert agency_header_lines(Agency.objects.get(code=COMMUNE_A_CENTRE)) == [
        "UBND PHƯỜNG PHỐ HIẾN",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    ]


def test_the_renderer_loads_only_the_vendored_fonts_and_inline_data():
    assert renderer_may_load((FONT_DIR / "LiberationSerif-Regular.ttf").as_uri())
    assert renderer_may_load("data:image/svg+xml;charset=utf-8,%3Csvg%3E")
    assert not renderer_may_load((FONT_DIR / "LICENSE").as_uri())
    assert not renderer_may_load((FONT_DIR / ".." / ".." / ".." / "forms.py").as_uri())
    assert not renderer_may_load("file:///etc/passwd")
    assert not renderer_may_load("http://127.0.0.1:8000/static/x.png")
    assert (FONT_DIR / "LICENSE").read_text().count("SIL OPEN FONT LICENSE Version 1.1") == 1
