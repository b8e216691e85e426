"""Digitisation at the counter: scans → one PDF, page count checked, Vietnamese OCR searchable, signed;
exemptions; reuse from the data store in a second dossier."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.services import token_create
from documents.models import ComponentFile, Digitization, VaultItem
from documents.ocr import ocr_status
from dossiers.models import Dossier
from testing.documents import scan
from testing.dossiers import counter_body, vn

pytestmark = pytest.mark.django_db

needs_ocr = pytest.mark.skipif(
    not ocr_status().available, reason="Tesseract with Vietnamese is not installed"
)


def post_files(user, url, files, **fields):
    raw, _ = token_create(user=user)
    data = {**fields, "files": [SimpleUploadedFile(name, content) for name, content in files]}
    response = Client().post(url, data, headers={"Authorization": f"Bearer {raw}"})
    return response.status_code, response.json()


@pytest.fixture
def counter_dossier(api, officer_a, clock):
    from catalog.models import Procedure

    clock(vn(2026, 3, 2, 9, 0))
    requirement = Procedure.objects.get(code="1.001193").current_version.components.first()
    status, body = api(officer_a).post(
        "dossiers", counter_body(components=[{"requirement": requirement.pk, "originals": 1}])
    )
    assert status == 201, body
    dossier = Dossier.objects.get(code=body["code"])
    return dossier, dossier.components.get()


@needs_ocr
def test_counter_scan_is_ocr_searchable_signed_and_kept_in_the_data_store(api, officer_a, counter_dossier):
    dossier, component = counter_dossier
    pages = [scan(["GIẤY CHỨNG SINH", "Họ và tên mẹ: Nguyễn Thị Dân"]), scan(["Sinh con lúc 9 giờ 30 phút"])]
    status, body = post_files(
        officer_a,
        f"/api/v1/dossiers/{dossier.code}/components/{component.pk}/digitize",
        [("trang1.png", pages[0]), ("trang2.png", pages[1])],
        declared_pages=2,
    )
    assert status == 201, body
    assert body["status"] == "digitized" and body["pages"] == 2 and body["ocr"] is True
    digitized = Digitization.objects.get(component=component)
    assert "GIẤY CHỨNG SINH" in digitized.file.text and "Nguyễn Thị Dân" in digitized.file.text
    data = _read(digitized.file)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert "Nguyễn Thị Dân" in reader.pages[0].extract_text()
    from documents.signing import verify_pdf

    verification = verify_pdf(data)
    assert verification.valid and verification.intact and verification.trusted
    dossier.refresh_from_db()
    assert dossier.digitized is True
    assert ComponentFile.objects.get(component=component).source == "digitized"
    assert VaultItem.objects.filter(owner=dossier.applicant, file=digitized.file).exists()
    # OCR search without diacritics finds it.
    status, hits = api(officer_a).get("documents/search", q="nguyen thi dan")
    assert status == 200 and hits[0]["dossier"] == dossier.code and "Nguyễn Thị Dân" in hits[0]["snippet"]


def _read(stored):
    from documents.services import file_read

    return file_read(stored)


def test_page_count_must_match_the_paper(officer_a, counter_dossier):
    dossier, component = counter_dossier
    status, body = post_files(
        officer_a,
        f"/api/v1/dossiers/{dossier.code}/components/{component.pk}/digitize",
        [("trang1.png", scan(["Trang 1"]))],
        declared_pages=2,
    )
    assert status == 400 and body["error"]["code"] == "page_count_mismatch"
    assert "1 trang" in body["error"]["message"] and "(2)" in body["error"]["message"]
    assert not Digitization.objects.filter(component=component).exists()


def test_only_the_receiving_officer_digitises(specialist_a, officer_b, counter_dossier):
    dossier, component = counter_dossier
    url = f"/api/v1/dossiers/{dossier.code}/components/{component.pk}/digitize"
    assert post_files(specialist_a, url, [("a.png", scan(["x"]))], declared_pages=1)[0] == 403
    assert post_files(officer_b, url, [("a.png", scan(["x"]))], declared_pages=1)[0] == 404


def test_a_non_scan_is_refused(officer_a, counter_dossier):
    dossier, component = counter_dossier
    status, body = post_files(
        officer_a,
        f"/api/v1/dossiers/{dossier.code}/components/{component.pk}/digitize",
        [("virus.exe", b"MZ" + b"\x00" * 100)],
        declared_pages=1,
    )
    assert status == 400 and body["error"]["code"] == "file_type_not_allowed"


def digitize_url(dossier, component) -> str:
    return f"/api/v1/dossiers/{dossier.code}/components/{component.pk}/digitize"


def test_a_scan_declaring_too_many_pixels_is_refused_before_decoding(officer_a, counter_dossier):
    from documents.tests.corpus import png_declaring

    dossier, component = counter_dossier
    files = [("trang1.png", scan(["Trang 1"])), ("trang2.png", png_declaring(7700, 7700))]
    status, body = post_files(officer_a, digitize_url(dossier, component), files, declared_pages=2)
    assert status == 400 and body["error"]["code"] == "file_image_too_large"
    assert body["error"]["message"].startswith("trang2.png: Ảnh PNG quá lớn: 7700×7700")
    assert body["error"]["fields"] == {"files.1": [body["error"]["message"].removeprefix("trang2.png: ")]}
    assert not Digitization.objects.filter(component=component).exists()


def scanner_pdf(image: bytes) -> bytes:
    """A scanner-like PDF: one page, one image XObject with the dictionary entries ``image``."""
    from documents.tests.corpus import build_pdf, stream

    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        4: stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q"),
        5: stream(b"/Type /XObject /Subtype /Image " + image, b"\x00" * 9, flate=True),
    }
    return build_pdf(objects)


def test_a_pdf_scan_whose_page_image_is_too_large_is_refused_before_decoding(officer_a, counter_dossier):
    dossier, component = counter_dossier
    data = scanner_pdf(b"/Width 9000 /Height 9000 /ColorSpace /DeviceRGB /BitsPerComponent 8")  # 9 bytes
    status, body = post_files(
        officer_a, digitize_url(dossier, component), [("ban-quet.pdf", data)], declared_pages=1
    )
    assert status == 400 and body["error"]["code"] == "file_image_too_large", body
    assert "Trang 1 của tệp PDF quét là ảnh 9000×9000" in body["error"]["message"]


@pytest.mark.parametrize(
    "image",
    [
        b"/Width /Rong /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8",  # a name for a number
        b"/Width 3 /Height 3 /ColorSpace /DeviceGray /BitsPerComponent 8 /DecodeParms << /Predictor 99 >>",
    ],
)
def test_a_pdf_scan_whose_page_image_cannot_be_read_is_a_400(officer_a, counter_dossier, image):
    dossier, component = counter_dossier
    status, body = post_files(
        officer_a, digitize_url(dossier, component), [("ban-quet.pdf", scanner_pdf(image))], declared_pages=1
    )
    assert status == 400 and body["error"]["code"] == "scan_unreadable", body
    assert body["error"]["message"].startswith("ban-quet.pdf: Không")


def test_a_batch_of_scans_over_the_memory_bound_is_refused_before_decoding(
    officer_a, counter_dossier, monkeypatch
):
    from documents import digitization
    from documents.validation import Limits

    monkeypatch.setattr(digitization, "upload_limits", lambda: Limits(max_scan_decoded_bytes=2 * 1024 * 1024))
    dossier, component = counter_dossier
    pages = [
        ("trang1.png", scan(["Trang 1"])),
        ("trang2.png", scan(["Trang 2"])),
    ]  # 1654×700 grey: 1.1 MB each
    status, body = post_files(officer_a, digitize_url(dossier, component), pages, declared_pages=2)
    assert status == 400 and body["error"]["code"] == "scans_too_large"
    assert "cần 2.2 MB bộ nhớ khi giải mã, tối đa 2 MB" in body["error"]["message"]


def test_bilevel_and_palette_pages_are_decoded_grey_or_rgb_as_counted():
    from documents.ocr import image_pages, scan_frames
    from documents.tests.corpus import tiff
    from documents.validation import DEFAULT_LIMITS, TIFF

    data = tiff(2, (620, 877))
    frames = scan_frames(data, TIFF, DEFAULT_LIMITS)
    assert [frame.page_bytes for frame in frames] == [620 * 877, 620 * 877]
    assert [page.mode for page in image_pages(data)] == ["L", "L"]


def test_exemptions_are_recorded(api, officer_a, counter_dossier):
    dossier, component = counter_dossier
    url = f"dossiers/{dossier.code}/components/{component.pk}/digitization"
    status, body = api(officer_a).post(url, {"status": "exempt", "exemption": "online"})
    assert status == 400  # a counter dossier is not an online one
    status, body = api(officer_a).post(url, {"status": "exempt", "exemption": "shown_only"})
    assert status == 200 and body["status"] == "exempt" and body["exemption"] == "shown_only"
    status, body = api(officer_a).post(url, {"status": "national"})
    assert status == 200 and body["status"] == "national"
    dossier.refresh_from_db()
    assert dossier.digitized is True


@needs_ocr
def test_reuse_in_a_second_dossier(api, officer_a, citizen, clock, counter_dossier):
    dossier, component = counter_dossier
    # First dossier of Nguyễn Thị Dân (the demo citizen) at the counter, digitised.
    from catalog.models import Procedure

    requirement = Procedure.objects.get(code="1.001193").current_version.components.first()
    status, body = api(officer_a).post(
        "dossiers",
        counter_body(
            applicant={"name": "Nguyễn Thị Dân", "national_id": "033190001234"},
            components=[{"requirement": requirement.pk, "originals": 1}],
        ),
    )
    first = Dossier.objects.get(code=body["code"])
    first_component = first.components.get()
    post_files(
        officer_a,
        f"/api/v1/dossiers/{first.code}/components/{first_component.pk}/digitize",
        [("p.png", scan(["GIẤY CHỨNG SINH"]))],
        declared_pages=1,
    )
    _, vault = api(citizen).get("vault")
    assert vault[0]["source"] == "digitized" and vault[0]["valid"] is True
    # Second dossier, online: the citizen reuses the stored paper instead of uploading it again.
    status, second = api(citizen).post(
        "dossiers",
        {
            "procedure": "1.001193",
            "channel": "online",
            "receiving_agency": "001.00.11953.H31",
            "components": [{"requirement": requirement.pk}],
        },
    )
    second_dossier = Dossier.objects.get(uuid=second["uuid"])
    second_component = second_dossier.components.get()
    status, offered = api(citizen).get(f"dossiers/{second['reference']}/vault")
    assert [item["id"] for item in offered] == [vault[0]["id"]]
    status, body = api(citizen).post(
        f"dossiers/{second['reference']}/components/{second_component.pk}/reuse",
        {"vault_item": vault[0]["id"]},
    )
    assert status == 201, body
    assert body["source"] == "reused"
    second_dossier.refresh_from_db()
    assert second_dossier.reused is True
    # Someone else's data store item cannot be used.
    other = VaultItem.objects.exclude(owner=second_dossier.applicant).first()
    if other is not None:
        status, body = api(citizen).post(
            f"dossiers/{second['reference']}/components/{second_component.pk}/reuse", {"vault_item": other.pk}
        )
        assert status == 404


def test_expired_paper_cannot_be_reused(api, citizen, clock):
    from catalog.models import Procedure
    from documents.services import file_store
    from testing.documents import pdf_bytes

    clock(vn(2026, 3, 2, 9, 0))
    requirement = Procedure.objects.get(code="1.001193").current_version.components.first()
    applicant = citizen.applicant
    stored = file_store(data=pdf_bytes(1), name="cu.pdf", actor=None)
    from datetime import date

    item = VaultItem.objects.create(
        owner=applicant,
        doc_type=requirement.name,
        type_key=requirement.name.lower(),
        file=stored,
        source="uploaded",
        expires_on=date(2026, 1, 1),
    )
    from documents.digitization import type_key

    item.type_key = type_key(requirement.name)
    item.save()
    _, created = api(citizen).post(
        "dossiers",
        {
            "procedure": "1.001193",
            "channel": "online",
            "receiving_agency": "001.00.11953.H31",
            "components": [{"requirement": requirement.pk}],
        },
    )
    component = Dossier.objects.get(uuid=created["uuid"]).components.get()
    status, body = api(citizen).post(
        f"dossiers/{created['reference']}/components/{component.pk}/reuse", {"vault_item": item.pk}
    )
    assert status == 409 and body["error"]["code"] == "expired"
