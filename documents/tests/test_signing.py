"""Signed electronic results: issued by the handling agency's leader or clerk, signed (PAdES) with a
visible stamp and a QR code, kept in the applicant's data store; verification tells a genuine file
from a tampered, a foreign-signed, an unsigned one and from bytes that are no PDF at all."""

from __future__ import annotations

import functools
import hashlib
import io
from datetime import timedelta

import pypdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import clear_url_caches, path, resolve
from django.utils import timezone

from accounts.services import token_create
from documents import signing
from documents.models import CertificateAuthority, ResultDocument, SigningCredential, StoredFile, VaultItem
from documents.results import result_issue
from documents.services import file_read
from documents.signing import credentials as signing_credentials
from documents.signing import pdf as signing_pdf
from dossiers.models import Dossier, DossierEvent
from organization.models import Agency
from testing.documents import files_in, jpeg_bytes, pdf_bytes
from testing.dossiers import (
    COMMUNE_A,
    COMMUNE_B,
    advance_to_last_step,
    counter_body,
    dossier_at_last_step,
    resolved_dossier,
    vn,
)

pytestmark = pytest.mark.django_db

TITLE = "Giấy chứng nhận đăng ký khai sinh"


# ---------------------------------------------------------------------------------------------
# Until motcua/api.py mounts documents.results_api.router, the tests serve it from a test API with
# the same authentication, renderer and error handlers (ninja routers are reusable templates).


def _router_mounted() -> bool:
    from motcua.urls import api_not_found

    return resolve("/api/v1/verify").func is not api_not_found


@functools.cache
def _test_urlpatterns() -> list:
    from ninja import NinjaAPI
    from ninja.security import SessionAuth

    import motcua.urls
    from documents.results_api import router
    from motcua.api import BearerToken, Utf8JSONRenderer, api

    results_api = NinjaAPI(
        renderer=Utf8JSONRenderer(),
        auth=[BearerToken(), SessionAuth()],
        urls_namespace="results-test",
        docs_url=None,
        openapi_url=None,
    )
    for exception, handler in api._exception_handlers.items():
        results_api.add_exception_handler(exception, handler)
    results_api.add_router("/", router)
    return [path("api/v1/", results_api.urls), *motcua.urls.urlpatterns]


urlpatterns: list = []


@pytest.fixture(autouse=True)
def results_routes(settings):
    if not _router_mounted():
        urlpatterns[:] = _test_urlpatterns()
        settings.ROOT_URLCONF = __name__
        clear_url_caches()
    yield
    clear_url_caches()


# ---------------------------------------------------------------------------------------------
# Scenario helpers (the shared ones are in testing/dossiers.py)


def result_pdf(text: str = "Kết quả") -> bytes:
    return pdf_bytes(1, text=text)


def post_result(user, code, data, title=TITLE, number="", name="ket-qua.pdf"):
    raw, _ = token_create(user=user)
    response = Client().post(
        f"/api/v1/dossiers/{code}/results",
        {"file": SimpleUploadedFile(name, data), "title": title, "number": number},
        headers={"Authorization": f"Bearer {raw}"},
    )
    return response.status_code, response.json()


def post_verify(data, name="tep.pdf"):
    response = Client().post("/api/v1/verify", {"file": SimpleUploadedFile(name, data)})
    return response.status_code, response.json()


def stamp_text(data: bytes) -> str:
    """The text of the signature widgets' appearances (pypdf reads only page content, so each
    appearance is drawn on a scratch page first)."""
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = []
    for annotation in reader.pages[-1].get("/Annots", []):
        annotation = annotation.get_object()
        if annotation.get("/FT") != "/Sig" or "/AP" not in annotation:
            continue
        writer = pypdf.PdfWriter()
        page = writer.add_blank_page(600, 800)
        resources = {NameObject("/S"): annotation["/AP"]["/N"].indirect_reference}
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/XObject"): DictionaryObject(resources)}
        )
        content = StreamObject()
        content.set_data(b"/S Do")
        page[NameObject("/Contents")] = writer._add_object(content)
        texts.append(page.extract_text())
    return "\n".join(texts)


def signature_dicts(data: bytes) -> list:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [f["/V"] for f in reader.get_fields().values() if f.get("/FT") == "/Sig"]


@functools.cache
def foreign_pkcs12() -> tuple[bytes, bytes]:
    """A PKCS#12 from a CA motcua has never heard of (made once per test session), and that CA's PEM."""
    now = timezone.now()
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA lạ không được tin cậy")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Ủy ban nhân dân Xã Tân Hưng"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, COMMUNE_B),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(signing_credentials._key_usage(ca=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"b", key, certificate, [ca], serialization.BestAvailableEncryption(b"mat-khau-p12")
    )
    return bundle, ca.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def resolved(api, officer_a, superuser, leader_a, clock):
    return resolved_dossier(api, officer_a, superuser, leader_a, clock)


@pytest.fixture
def issued(resolved, leader_a):
    data = result_pdf()
    status, body = post_result(leader_a, resolved, data, number="15/GKS")
    assert status == 201, body
    signed = file_read(StoredFile.objects.get(uuid=body["file"]["uuid"]))
    return resolved, body, signed


# ---------------------------------------------------------------------------------------------
# Issuing


def test_issued_result_is_signed_stored_and_in_the_citizen_data_store(issued, api, citizen, officer_a):
    code, body, signed = issued
    assert body["dossier"] == code and body["title"] == TITLE and body["number"] == "15/GKS"
    assert body["agency"] == COMMUNE_A and body["signer"] == "Ủy ban nhân dân Phường Phố Hiến"
    assert body["verification_url"] == f"http://127.0.0.1:8000/xac-thuc/{body['verification_id']}/"
    assert body["file"]["sha256"] == hashlib.sha256(signed).hexdigest()
    assert body["signed_at"].startswith("2026-03-02T09:00:00+07:00")
    result = ResultDocument.objects.get(verification_id=body["verification_id"])
    assert result.source_file.sha256 == hashlib.sha256(result_pdf()).hexdigest()
    dossier = Dossier.objects.get(code=code)
    assert dossier.e_result is True
    event = DossierEvent.objects.filter(dossier=dossier).order_by("seq").last()
    assert event.action == "issue_result" and event.actor_name == "Bùi Văn Ký" and event.reason == TITLE
    assert event.from_status == event.to_status == "resolved"
    # The receiving officer sees it in the dossier; the citizen has it in the data store and can open it.
    status, listed = api(officer_a).get(f"dossiers/{code}/results")
    assert status == 200 and [r["verification_id"] for r in listed] == [body["verification_id"]]
    status, vault = api(citizen).get("vault")
    assert status == 200
    item = next(i for i in vault if i["source"] == "result")
    assert item["doc_type"] == TITLE and item["number"] == "15/GKS" and item["dossier"] == code
    assert item["issuer"] == "Ủy ban nhân dân Phường Phố Hiến" and item["issued_on"] == "2026-03-02"
    assert item["file"]["sha256"] == body["file"]["sha256"]
    raw, _ = token_create(user=citizen)
    download = Client().get(item["file"]["url"], headers={"Authorization": f"Bearer {raw}"})
    assert download.status_code == 200 and download.content == signed


def test_genuine_file_verifies_and_matches_what_was_issued(issued):
    code, body, signed = issued
    status, check = post_verify(signed)
    assert status == 200, check
    assert check["ok"] and check["signed"] and check["intact"] and check["valid"] and check["trusted"]
    assert check["problems"] == [] and check["signatures"] == 1
    assert check["signer"] == "Ủy ban nhân dân Phường Phố Hiến" and check["agency"] == COMMUNE_A
    assert check["signed_at"] == "2026-03-02T09:00:00+07:00"
    assert check["certificate_serial"] == body["certificate_serial"]
    assert check["matches_issued"]["dossier"] == code
    assert check["matches_issued"]["verification_id"] == body["verification_id"]
    assert check["matches_issued"]["title"] == TITLE


def test_stamp_shows_signer_time_dossier_code_with_diacritics_and_the_qr_link(issued):
    code, body, signed = issued
    text = stamp_text(signed)
    assert f"Mã hồ sơ: {code}" in text and code.startswith("001.00.11953.H31-260302-")
    assert "Ký số bởi: Ủy ban nhân dân Phường Phố Hiến" in text
    assert "Thời gian ký: 09:00:00, 02/03/2026" in text
    assert TITLE in text and "Quét mã QR" in text
    (signature,) = signature_dicts(signed)
    assert signature["/ContactInfo"] == body["verification_url"]
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    # Bottom right of the last page, inside the page.
    reader = pypdf.PdfReader(io.BytesIO(signed))
    widget = next(a.get_object() for a in reader.pages[-1]["/Annots"] if a.get_object().get("/FT") == "/Sig")
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x1 > 595 / 2 and y1 < 842 / 4 and x2 <= 595 and y1 >= 0


def test_stamp_avoids_text_at_the_bottom_right():
    page_with_text = _pdf_with_text_at_bottom_right()
    page = pypdf.PdfReader(io.BytesIO(page_with_text)).pages[0]
    x1, y1, x2, y2 = signing.stamp_box(page)
    assert x1 > 595 / 2  # still in the right column …
    assert y1 > 150  # … above the block of text at the bottom


def _pdf_with_text_at_bottom_right() -> bytes:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    lines = b"".join(
        b"BT /F1 11 Tf 330 %d Td (CHU TICH - Nguyen Van A - noi dung) Tj ET\n" % y for y in range(40, 150, 14)
    )
    content = DecodedStreamObject()
    content.set_data(lines)
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_clerk_issues_at_the_last_step_before_resolution(api, officer_a, superuser, clerk_a, clock):
    code = dossier_at_last_step(api, officer_a, superuser, clock)
    status, body = post_result(clerk_a, code, result_pdf())
    assert status == 201, body
    assert Dossier.objects.get(code=code).status == "processing"


def test_who_may_issue(resolved, officer_a, officer_b, citizen, specialist_a):
    data = result_pdf()
    assert post_result(officer_b, resolved, data)[0] == 404  # another commune does not even see it
    for user in (citizen, officer_a, specialist_a):
        status, body = post_result(user, resolved, data)
        assert status == 403, body
        assert "lãnh đạo hoặc văn thư" in body["error"]["message"]
    assert not ResultDocument.objects.exists()


def test_not_before_the_last_step_and_not_after_delivery(api, officer_a, leader_a, superuser, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    code = body["code"]
    status, body = post_result(leader_a, code, result_pdf())
    assert status == 409 and body["error"]["code"] == "workflow_not_finished"
    advance_to_last_step(api, superuser, code)
    assert api(leader_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})[0] == 200
    assert post_result(leader_a, code, result_pdf("một"))[0] == 201
    status, body = api(officer_a).post(f"dossiers/{code}/actions/deliver", {"method": "counter"})
    assert status == 200, body
    status, body = post_result(leader_a, code, result_pdf("hai"))
    assert status == 409 and body["error"]["code"] == "result_not_allowed"
    assert "Đã trả kết quả" in body["error"]["message"]


def test_only_a_pdf_with_a_title(resolved, leader_a):
    status, body = post_result(leader_a, resolved, jpeg_bytes("x"), name="anh.jpg")
    assert status == 400 and body["error"]["code"] == "result_not_pdf"
    status, body = post_result(leader_a, resolved, b"MZ\x90\x00" + b"\x00" * 100)
    assert status == 400 and body["error"]["code"] == "file_type_not_allowed"
    status, body = post_result(leader_a, resolved, result_pdf(), title="  ")
    assert status == 400 and body["error"]["code"] == "title_required"


def test_a_failed_signature_stores_nothing(resolved, leader_a, media_in_tmp, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("token unplugged")

    monkeypatch.setattr(signing_pdf, "render_stamp", broken)
    before = (StoredFile.objects.count(), VaultItem.objects.count(), len(files_in(media_in_tmp)))
    status, body = post_result(leader_a, resolved, result_pdf())
    assert status == 400 and body["error"]["code"] == "signing_failed"
    assert not ResultDocument.objects.exists() and not SigningCredential.objects.exists()
    assert not CertificateAuthority.objects.exists()
    assert (StoredFile.objects.count(), VaultItem.objects.count(), len(files_in(media_in_tmp))) == before
    assert Dossier.objects.get(code=resolved).e_result is False


def test_a_failure_after_storing_leaves_no_orphan_bytes(resolved, leader_a, media_in_tmp, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("documents.results.dossier_note_event", broken)
    dossier = Dossier.objects.get(code=resolved)
    with pytest.raises(RuntimeError):
        result_issue(dossier=dossier, data=result_pdf(), title=TITLE, actor=None)
    assert files_in(media_in_tmp) == [] and not StoredFile.objects.exists()
    assert not ResultDocument.objects.exists() and not VaultItem.objects.exists()


# ---------------------------------------------------------------------------------------------
# Verification of what others bring


def test_a_changed_byte_breaks_the_signature(issued):
    _code, _body, signed = issued
    assert signed.count(b"/Producer (pypdf)") == 1  # in the first, signed revision
    tampered = signed.replace(b"/Producer (pypdf)", b"/Producer (pypdF)")
    status, check = post_verify(tampered)
    assert status == 200
    assert check["signed"] and not check["intact"] and not check["ok"] and check["matches_issued"] is None
    assert any("bị thay đổi sau khi ký" in p for p in check["problems"])
    assert "không hợp lệ" in check["verdict"]


def test_content_appended_after_signing_is_detected(issued):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _code, _body, signed = issued
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    # Paint over the page (e.g. to hide a line of the result) in an update appended after signing.
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"1 1 1 rg 50 700 200 50 re f"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    verification = signing.verify_pdf(out.getvalue())
    assert verification.signed and verification.valid and verification.trusted
    assert not verification.intact and not verification.ok
    assert any("sửa đổi hoặc bổ sung nội dung sau khi ký" in p for p in verification.problems)


def test_unknown_certificate_is_valid_but_not_trusted_until_its_ca_is_configured(
    leader_a, settings, tmp_path, monkeypatch
):
    bundle, ca_pem = foreign_pkcs12()
    p12 = tmp_path / "b.p12"
    p12.write_bytes(bundle)
    monkeypatch.setenv("P12_PASS", "mat-khau-p12")
    out = io.StringIO()
    call_command("import_signing_credential", COMMUNE_B, str(p12), "--passphrase-env", "P12_PASS", stdout=out)
    credential = SigningCredential.objects.get(agency__code=COMMUNE_B)
    assert credential.demo is False and credential.passphrase.startswith("sealed:")
    assert "Ủy ban nhân dân Xã Tân Hưng" in credential.subject and credential.serial in out.getvalue()
    agency = Agency.objects.get(code=COMMUNE_B)
    signed = signing.sign_pdf(
        result_pdf(),
        agency=agency,
        signer_name=agency.name,
        reason="Thử",
        location="Tân Hưng",
        stamp_lines=["Mã hồ sơ: thử"],
        qr_url=None,
    )
    verification = signing.verify_pdf(signed)
    assert verification.signed and verification.valid and verification.intact
    assert not verification.trusted and not verification.ok
    assert verification.agency_code == COMMUNE_B and verification.issuer == "CA lạ không được tin cậy"
    assert any("không thuộc tổ chức cấp chứng thư được hệ thống tin cậy" in p for p in verification.problems)
    status, check = post_verify(signed)
    assert status == 200 and check["valid"] and not check["trusted"] and check["matches_issued"] is None
    # A province that trusts that CA says so in MOTCUA_TRUSTED_CA_PEM.
    pem = tmp_path / "ca.pem"
    pem.write_bytes(ca_pem)
    settings.MOTCUA_TRUSTED_CA_PEM = [str(pem)]
    assert signing.verify_pdf(signed).ok


def test_wrong_passphrase_is_refused(tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    bundle, _ = foreign_pkcs12()
    p12 = tmp_path / "b.p12"
    p12.write_bytes(bundle)
    monkeypatch.setenv("P12_PASS", "sai")
    with pytest.raises(CommandError, match="sai mật khẩu"):
        call_command("import_signing_credential", COMMUNE_B, str(p12), "--passphrase-env", "P12_PASS")
    assert not SigningCredential.objects.exists()


def test_a_second_signature_keeps_the_first_intact(issued):
    _code, _body, signed = issued
    agency = Agency.objects.get(code=COMMUNE_A)
    again = signing.sign_pdf(
        signed, agency=agency, signer_name="Văn thư", reason="Sao y", location="", stamp_lines=[], qr_url=None
    )
    verification = signing.verify_pdf(again)
    assert verification.ok and verification.signatures == 2 and verification.problems == []


def test_a_pdf_with_a_broken_xref_table_is_rewritten_then_signed():
    import re

    broken = re.sub(rb"startxref\n\d+", b"startxref\n9999", pdf_bytes(2))
    agency = Agency.objects.get(code=COMMUNE_A)
    signed = signing.sign_pdf(
        broken, agency=agency, signer_name=agency.name, reason="Thử", location="", stamp_lines=[], qr_url=None
    )
    verification = signing.verify_pdf(signed)
    assert verification.ok and len(pypdf.PdfReader(io.BytesIO(signed)).pages) == 2


def test_unsigned_pdf(api):
    status, check = post_verify(pdf_bytes(2))
    assert status == 200
    assert check["pdf"] and not check["signed"] and not check["ok"]
    assert check["problems"] == ["Tệp PDF không có chữ ký số."] and check["matches_issued"] is None


@pytest.mark.parametrize(
    "data", [b"hello, not a pdf", b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50], ids=["text", "empty", "png"]
)
def test_bytes_that_are_no_pdf_get_a_clear_400(data):
    status, body = post_verify(data)
    assert status == 400
    assert body["error"]["code"] in {"file_not_pdf", "file_empty"}
    assert body["error"]["fields"]["file"]


def test_verify_never_raises_on_broken_input():
    for data in (b"", b"garbage", b"%PDF-1.7\n1 0 obj<<>>\nendobj\n", pdf_bytes()[:100]):
        verification = signing.verify_pdf(data)
        assert not verification.ok and verification.problems


def test_public_facts_of_an_issued_result_show_nothing_personal(issued, api):
    code, body, signed = issued
    status, facts = api().get(f"verify/{body['verification_id']}")
    assert status == 200
    assert facts["dossier"] == code and facts["title"] == TITLE and facts["number"] == "15/GKS"
    assert facts["agency"] == COMMUNE_A and facts["procedure"] == "1.001193"
    assert facts["sha256"] == hashlib.sha256(signed).hexdigest()
    assert "Nguyễn Thị Dân" not in str(facts) and "033190001234" not in str(facts)
    assert api().get("verify/6b0f8a4e-0000-4000-8000-000000000000")[0] == 404
    assert api().get("verify/not-a-uuid")[0] == 404


# ---------------------------------------------------------------------------------------------
# The demo PKI


def test_demo_pki_command_is_idempotent_and_keeps_keys_sealed():
    call_command("demo_pki", stdout=io.StringIO())
    first = set(SigningCredential.objects.values_list("agency__code", "serial"))
    assert COMMUNE_A in {code for code, _ in first} and len(first) >= 5
    call_command("demo_pki", stdout=io.StringIO())
    assert set(SigningCredential.objects.values_list("agency__code", "serial")) == first
    ca = CertificateAuthority.objects.get()
    assert "PRIVATE KEY" not in ca.key_sealed and ca.key_sealed.startswith("sealed:")
    credential = SigningCredential.objects.get(agency__code=COMMUNE_A)
    assert credential.demo and credential.passphrase.startswith("sealed:")
    assert "serialNumber=000.00.11953.H31" in credential.subject or "2.5.4.5=" in credential.subject


def test_without_demo_pki_an_agency_needs_a_real_credential(resolved, leader_a, settings):
    settings.MOTCUA_DEMO_PKI = False
    status, body = post_result(leader_a, resolved, result_pdf())
    assert status == 409 and body["error"]["code"] == "signing_credential_missing"
    assert not ResultDocument.objects.exists()


def test_the_demo_ca_is_not_trusted_once_demo_pki_is_off(issued, settings):
    _code, _body, signed = issued
    assert signing.verify_pdf(signed).trusted
    settings.MOTCUA_DEMO_PKI = False
    assert not signing.verify_pdf(signed).trusted
