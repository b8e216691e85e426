"""Certified electronic copies: a commune officer scans an original, checks it, issues a signed copy
numbered in the register, delivered to the requester's data store."""

from __future__ import annotations

import io

import pypdf
import pytest

from documents.models import CertifiedCopy, VaultItem
from documents.services import file_read
from testing.documents import certify, scan
from testing.dossiers import vn

pytestmark = pytest.mark.django_db

COMMUNE_A = "000.00.11953.H31"


def test_certified_copy_is_numbered_signed_and_delivered(api, officer_a, citizen, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = certify(
        officer_a,
        [("bang.png", scan(["BẰNG TỐT NGHIỆP", "Nguyễn Thị Dân"]))],
        original_number="B 0123456",
        original_issuer="Sở Giáo dục và Đào tạo Hưng Yên",
    )
    assert status == 201, body
    assert body["register_number"] == "0001/2026/SCT-BSĐT"
    copy = CertifiedCopy.objects.get(pk=body["id"])
    data = file_read(copy.file)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # the scan and the certification statement
    statement = reader.pages[-1].extract_text()
    assert "Chứng thực bản sao điện tử này đúng với bản chính" in statement
    assert "0001/2026/SCT-BSĐT" in statement and "Đỗ Thị Nhận" in statement
    from documents.signing import verify_pdf

    assert verify_pdf(data).valid
    _, vault = api(citizen).get("vault")
    assert any(
        item["source"] == "certified_copy" and item["doc_type"] == "Bằng tốt nghiệp trung học phổ thông"
        for item in vault
    )
    status, second = certify(officer_a, [("bang.png", scan(["BẢN CHÍNH KHÁC"]))])
    assert second["register_number"] == "0002/2026/SCT-BSĐT"
    _, register = api(officer_a).get("certified-copies", agency=COMMUNE_A, year=2026)
    assert [c["register_number"] for c in register["items"]] == ["0001/2026/SCT-BSĐT", "0002/2026/SCT-BSĐT"]


def test_page_count_and_place_are_checked(officer_a, officer_b, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = certify(officer_a, [("a.png", scan(["x"]))], declared_pages=3)
    assert status == 400 and body["error"]["code"] == "page_count_mismatch"
    assert certify(officer_b, [("a.png", scan(["x"]))])[0] == 404
    status, body = certify(officer_a, [("a.png", scan(["x"]))], agency="000.00.04.H31")
    assert status == 404  # not the officer's agency
    assert not CertifiedCopy.objects.exists()
    assert not VaultItem.objects.filter(source="certified_copy").exists()
