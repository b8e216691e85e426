"""The public verification page (/xac-thuc/): what a result's QR code opens, and a form anyone can use
to check a copy — in Vietnamese, without login, with CSRF, showing nothing personal."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.models import ResultDocument
from documents.results import result_issue
from documents.services import file_read
from dossiers.models import Dossier
from testing.documents import pdf_bytes
from testing.dossiers import CITIZEN, resolved_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(api, officer_a, superuser, leader_a, clock):
    code = resolved_dossier(api, officer_a, superuser, leader_a, clock)
    result = result_issue(
        dossier=Dossier.objects.get(code=code),
        data=pdf_bytes(1, text="Giấy khai sinh"),
        title="Giấy chứng nhận đăng ký khai sinh",
        number="15/GKS",
        actor=leader_a,
    )
    return result, file_read(result.file)


def csrf_client(url: str) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, "the form carries a CSRF token"
    return client, token.group(1)


def post_file(url: str, data: bytes, name: str = "ket-qua.pdf") -> tuple[int, str]:
    client, token = csrf_client(url)
    response = client.post(url, {"csrfmiddlewaretoken": token, "file": SimpleUploadedFile(name, data)})
    return response.status_code, response.content.decode()


def test_the_page_explains_and_offers_the_form(client):
    response = client.get("/xac-thuc/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in html
    assert "Xác thực kết quả điện tử" in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html


def test_a_genuine_copy_is_valid_and_matches_the_issued_result(issued):
    result, signed = issued
    status, html = post_file("/xac-thuc/", signed)
    assert status == 200
    assert "Chữ ký số hợp lệ: tài liệu còn nguyên vẹn từ khi ký." in html
    assert "Tệp giống hệt kết quả đã phát hành" in html
    assert f"/xac-thuc/{result.verification_id}/" in html
    assert "Ủy ban nhân dân Phường Phố Hiến" in html and "09:00:00 02/03/2026" in html
    # PAdES keeps the claimed time in /M, inside the signed bytes; the page says where it comes from.
    assert "do bên ký khai trong phần tệp được chữ ký số bảo vệ" in html
    assert "Chứng thư được tin cậy" in html and "theo khai báo trong tệp" not in html


def assert_modified_after_signing(html: str) -> None:
    assert "Không hợp lệ" in html
    assert "tệp đã bị sửa đổi sau khi ký, không thể dựa vào chữ ký số này" in html
    # No trust verdict: pyHanko's "untrusted" for a broken signature says nothing about the CA.
    assert "không thuộc tổ chức cấp chứng thư" not in html
    assert "Chứng thư được tin cậy" not in html and "Chữ ký đúng về mật mã" not in html
    # The certificate is shown only as the file declares it, and no signing time at all.
    assert "Thông tin chữ ký theo khai báo trong tệp (chưa được xác minh)" in html
    assert "Ủy ban nhân dân Phường Phố Hiến" in html
    assert "Thời gian ký" not in html and "09:00:00 02/03/2026" not in html


def test_a_tampered_copy_is_modified_after_signing_not_untrusted(issued):
    _result, signed = issued
    tampered = signed.replace(b"/Producer (pypdf)", b"/Producer (pypdF)")  # one byte, in the signed range
    assert sum(a != b for a, b in zip(signed, tampered, strict=True)) == 1
    status, html = post_file("/xac-thuc/", tampered, name="tampered.pdf")
    assert status == 200
    assert_modified_after_signing(html)
    assert "bị thay đổi sau khi ký" in html and "không trùng với kết quả nào" in html


def test_an_edited_signing_time_is_never_shown(issued):
    """/M lies inside the signed byte range: editing it breaks the signature, and the forged date
    appears nowhere."""
    _result, signed = issued
    forged = re.sub(rb"(/M \(D(?:\\072|:))\d{14}", rb"\g<1>20250101000000", signed)
    assert forged != signed and len(forged) == len(signed)
    status, html = post_file("/xac-thuc/", forged)
    assert status == 200
    assert_modified_after_signing(html)
    assert "/2025" not in html


def test_an_unsigned_pdf_and_a_non_pdf(client):
    status, html = post_file("/xac-thuc/", pdf_bytes())
    assert status == 200 and "Tệp PDF không có chữ ký số." in html
    status, html = post_file("/xac-thuc/", b"just some text", name="thu.txt")
    assert status == 400 and "Tệp không phải PDF" in html
    status, html = post_file("/xac-thuc/", b"", name="rong.pdf")
    assert status == 400


def test_posting_without_csrf_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/xac-thuc/", {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert response.status_code == 403


def test_the_qr_page_shows_the_issued_facts_without_personal_data(issued, client):
    result, _signed = issued
    html = client.get(f"/xac-thuc/{result.verification_id}/").content.decode()
    for text in (
        "Giấy chứng nhận đăng ký khai sinh",
        "15/GKS",
        result.dossier.code,
        "Ủy ban nhân dân Phường Phố Hiến",
        result.certificate_serial,
        result.file.sha256,
        "09:00:00 02/03/2026",
    ):
        assert text in html
    assert CITIZEN["name"] not in html and CITIZEN["national_id"] not in html
    assert f"/api/v1/files/{result.file.uuid}" not in html


def test_the_qr_page_compares_a_copy_with_the_issued_file(issued):
    result, signed = issued
    url = f"/xac-thuc/{result.verification_id}/"
    status, html = post_file(url, signed)
    assert status == 200 and "Tệp giống hệt bản kết quả đã phát hành." in html
    status, html = post_file(url, pdf_bytes(2))
    assert status == 200 and "Khác bản gốc" in html


def test_unknown_verification_id_is_404(client):
    assert client.get(f"/xac-thuc/{uuid.uuid4()}/").status_code == 404
    assert client.get("/xac-thuc/khong-phai-uuid/").status_code == 404
    assert ResultDocument.objects.count() == 0
