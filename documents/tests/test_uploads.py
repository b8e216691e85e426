"""Uploads: type from the bytes, allow-list, limits, refusals that say why and store nothing,
versions that never overwrite, downloads only for those allowed."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from accounts.services import token_create
from documents.models import ComponentFile, StoredFile
from testing.documents import dossier_component, files_in, jpeg_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def test_upload_versions_never_overwrite(officer_a, dossier, api):
    code, component = dossier["code"], dossier_component(dossier)
    first = pdf_bytes(1)
    status, body = upload(officer_a, code, component, "Giấy chứng sinh.pdf", first)
    assert status == 201, body
    assert body["version"] == 1 and body["file"]["kind"] == "pdf" and body["file"]["pages"] == 1
    assert body["file"]["sha256"] == hashlib.sha256(first).hexdigest()
    assert body["file"]["name"] == "Giấy chứng sinh.pdf"
    status, body = upload(officer_a, code, component, "scan.jpg", jpeg_bytes("trang 1"))
    assert status == 201 and body["version"] == 2
    _, versions = api(officer_a).get(f"dossiers/{code}/components/{component}/files")
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["file"]["sha256"] == hashlib.sha256(first).hexdigest()


@pytest.mark.parametrize(
    ("name", "data", "code", "words"),
    [
        (
            "hop-dong.pdf",
            b"MZ\x90\x00" + b"\x00" * 200,
            "file_type_not_allowed",
            "Loại tệp không được chấp nhận",
        ),
        ("rong.pdf", b"", "file_empty", "Tệp rỗng"),
        ("hong.pdf", b"%PDF-1.7\n1 0 obj<<>>\nendobj\n", "file_pdf_malformed", "bị hỏng"),
        ("anh.jpg", jpeg_bytes()[:200], "file_image_malformed", "bị hỏng"),
        (
            "trang.html",
            b"<html><script>alert(1)</script></html>",
            "file_type_not_allowed",
            "không được chấp nhận",
        ),
    ],
)
def test_bad_files_are_refused_with_the_reason_and_nothing_is_stored(
    officer_a, dossier, media_in_tmp, name, data, code, words
):
    before = StoredFile.objects.count(), ComponentFile.objects.count(), len(files_in(media_in_tmp))
    status, body = upload(officer_a, dossier["code"], dossier_component(dossier), name, data)
    assert status == 400, body
    assert body["error"]["code"] == code
    assert words in body["error"]["message"]
    assert body["error"]["fields"]["file"]
    assert (StoredFile.objects.count(), ComponentFile.objects.count(), len(files_in(media_in_tmp))) == before


def test_encrypted_pdf_is_refused(officer_a, dossier):
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    status, body = upload(officer_a, dossier["code"], dossier_component(dossier), "mat.pdf", out.getvalue())
    assert status == 400 and body["error"]["code"] == "file_pdf_encrypted"


def test_pdf_with_javascript_is_refused(officer_a, dossier):
    data = pdf_bytes().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    status, body = upload(officer_a, dossier["code"], dossier_component(dossier), "js.pdf", data)
    assert status == 400
    assert body["error"]["code"] == "file_pdf_javascript"


def test_size_limit(officer_a, dossier, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    big = pdf_bytes(1) + b"%" + b"0" * (1024 * 1024 + 10)
    status, body = upload(officer_a, dossier["code"], dossier_component(dossier), "lon.pdf", big)
    assert status == 400 and body["error"]["code"] == "file_too_large"
    assert "tối đa 1 MB" in body["error"]["message"]


def test_file_names_are_sanitised(officer_a, dossier):
    status, body = upload(
        officer_a, dossier["code"], dossier_component(dossier), "../../etc/Tờ khai<>.pdf.exe", pdf_bytes()
    )
    assert status == 201
    assert body["file"]["name"] == "Tờ khai_.pdf.pdf"


def test_downloads_only_for_those_allowed(officer_a, officer_b, dossier, api):
    data = pdf_bytes(2)
    _, body = upload(officer_a, dossier["code"], dossier_component(dossier), "to-khai.pdf", data)
    url = body["file"]["url"]
    raw, _ = token_create(user=officer_a)
    response = Client().get(url, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.content == data
    assert response["Content-Type"] == "application/pdf"
    raw_b, _ = token_create(user=officer_b)
    assert Client().get(url, headers={"Authorization": f"Bearer {raw_b}"}).status_code == 404
    assert Client().get(url).status_code == 401
    assert (
        Client().get("/api/v1/files/khong-phai-uuid", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 404
    )


def test_other_commune_cannot_upload(officer_b, dossier):
    status, body = upload(officer_b, dossier["code"], dossier_component(dossier), "x.pdf", pdf_bytes())
    assert status == 404


def test_citizen_uploads_to_own_online_dossier(api, citizen, business):
    from catalog.models import Procedure

    requirement = Procedure.objects.get(code="1.001193").current_version.components.first()
    status, body = api(citizen).post(
        "dossiers",
        {
            "procedure": "1.001193",
            "channel": "online",
            "receiving_agency": "001.00.11953.H31",
            "components": [{"requirement": requirement.pk}],
        },
    )
    assert status == 201, body
    reference = body["reference"]
    from dossiers.models import Dossier

    component = Dossier.objects.get(code=reference).components.first().pk
    status, body = upload(citizen, reference, component, "giay-chung-sinh.jpg", jpeg_bytes("ban chup"))
    assert status == 201 and body["source"] == "uploaded"
    status, body = upload(business, reference, component, "x.jpg", jpeg_bytes())
    assert status == 404


def test_sweeper_removes_only_unowned_bytes(officer_a, dossier, media_in_tmp):
    from django.core.management import call_command

    upload(officer_a, dossier["code"], dossier_component(dossier), "giu.pdf", pdf_bytes(3))
    orphan = media_in_tmp / "files" / "ab" / "cd" / "orphan.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4 orphan")
    call_command("sweep_files", "--older-than-minutes", "0")
    assert not orphan.exists()
    assert len(files_in(media_in_tmp)) == 1
