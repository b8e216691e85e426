"""What verification of a signed PDF may claim: a file modified after signing gets that verdict and no
trust verdict (pyHanko's ``trusted`` needs intact signed bytes, so "untrusted" would be a by-product),
and the signing time comes only from a signed source — a trusted time-stamp token, the signing-time
signed attribute, or the /M entry while the signature still covers it — never from an edited /M."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import timezone

from documents import signing
from documents.signing import credentials as signing_credentials
from documents.signing import pdf as signing_pdf
from documents.signing import verification as signing_verification
from organization.models import Agency
from testing.documents import pdf_bytes
from testing.dossiers import COMMUNE_A, vn

pytestmark = pytest.mark.django_db

AT = vn(2026, 3, 2, 9, 0)
UNTRUSTED_CA = "không thuộc tổ chức cấp chứng thư"
MODIFIED = "tệp đã bị sửa đổi sau khi ký"


def signed_pdf() -> bytes:
    agency = Agency.objects.get(code=COMMUNE_A)
    return signing.sign_pdf(
        pdf_bytes(1, text="Kết quả"),
        agency=agency,
        signer_name=agency.name,
        reason="Thử",
        location="",
        stamp_lines=[],
        qr_url=None,
        at=AT,
    )


def m_digits(data: bytes) -> re.Match[bytes]:
    """The date digits of the /M string of the (single) signature dictionary (pyHanko writes
    ``D:YYYYMMDDHHmmSS+07'00'`` with the punctuation octal-escaped)."""
    found = list(re.finditer(rb"/M \(D(?:\\072|:)(\d{14})", data))
    assert len(found) == 1, found
    return found[0]


def with_m(data: bytes, digits: bytes) -> bytes:
    """``data`` with the /M date rewritten in place (same length, so every offset stays put)."""
    match = m_digits(data)
    assert len(digits) == 14
    return data[: match.start(1)] + digits + data[match.end(1) :]


def signed_attribute_types(data: bytes) -> set[str]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    (embedded,) = PdfFileReader(io.BytesIO(data)).embedded_regular_signatures
    return {attribute["type"].native for attribute in embedded.signer_info["signed_attrs"]}


def assert_modified_without_trust_verdict(verification: signing.Verification) -> None:
    assert verification.signed and not verification.intact
    assert not verification.holds and not verification.ok
    assert MODIFIED in verification.verdict
    assert not any(UNTRUSTED_CA in p for p in verification.problems), verification.problems
    assert verification.signed_at is None and verification.signed_at_source == ""
    # What the file declares about its signer is still there, for the page to show as declared.
    assert verification.signer == "Ủy ban nhân dân Phường Phố Hiến"
    assert verification.agency_code == COMMUNE_A and verification.certificate_serial


def test_an_intact_pades_signature_shows_the_time_its_signature_covers():
    signed = signed_pdf()
    # PAdES forbids the CMS signing-time attribute: the claimed time is /M, inside the signed bytes.
    assert "signing_time" not in signed_attribute_types(signed)
    verification = signing.verify_pdf(signed)
    assert verification.ok and verification.holds
    assert verification.signed_at == AT
    assert verification.signed_at_source == signing.SIGNED_AT_DICTIONARY


def test_one_changed_byte_in_the_signed_range_means_modified_not_untrusted():
    signed = signed_pdf()
    assert signed.count(b"/Producer (pypdf)") == 1  # in the first revision, which the signature covers
    tampered = signed.replace(b"/Producer (pypdf)", b"/Producer (pypdF)")
    assert sum(a != b for a, b in zip(signed, tampered, strict=True)) == 1
    verification = signing.verify_pdf(tampered)
    assert_modified_without_trust_verdict(verification)
    assert verification.valid  # the signature over the signed attributes still checks out
    assert any("bị thay đổi sau khi ký" in p for p in verification.problems)


def test_an_m_entry_edited_in_place_breaks_the_signature_and_its_time_is_not_shown():
    signed = signed_pdf()
    forged = with_m(signed, b"20261203230543")
    assert forged != signed and len(forged) == len(signed)
    assert_modified_without_trust_verdict(signing.verify_pdf(forged))


def test_an_m_entry_rewritten_in_a_later_update_is_not_shown():
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    signed = signed_pdf()
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    (field,) = [f.get_object() for f in writer.root["/AcroForm"]["/Fields"]]
    reference = field.raw_get("/V")
    reference.get_object()["/M"] = generic.pdf_date(AT + timedelta(days=276))
    writer.mark_update(reference)
    out = io.BytesIO()
    writer.write(out)
    forged = out.getvalue()
    assert forged.startswith(signed)  # the signed bytes are untouched
    (embedded,) = PdfFileReader(io.BytesIO(forged)).embedded_regular_signatures
    # what a reader sees as /M
    assert signing_verification._dictionary_time(embedded) == AT + timedelta(days=276)
    verification = signing.verify_pdf(forged)
    assert verification.valid and not verification.intact and not verification.ok
    assert verification.signed_at is None and verification.signed_at_source == ""


def test_the_signing_time_attribute_comes_before_the_m_entry(monkeypatch):
    """A non-PAdES signature (adbe.pkcs7.detached, as many signing tools make) carries signing-time
    among its signed attributes; that is the time shown, whatever /M says."""
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import pdf_byterange
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata

    real_pdf_date = pdf_byterange.pdf_date
    monkeypatch.setattr(pdf_byterange, "pdf_date", lambda at: real_pdf_date(at - timedelta(days=300)))
    agency = Agency.objects.get(code=COMMUNE_A)
    signer = signing_credentials._simple_signer(signing.credential_for(agency))
    meta = PdfSignatureMetadata(
        field_name="Sig1", subfilter=SigSeedSubFilter.ADOBE_PKCS7_DETACHED, md_algorithm="sha256"
    )
    writer = signing_pdf._pyhanko()["IncrementalPdfFileWriter"](io.BytesIO(pdf_bytes(1)))
    out = io.BytesIO()
    signing_pdf._pyhanko()["SignerAt"](meta, signer, at=AT).sign_pdf(writer, output=out)
    signed = out.getvalue()
    assert "signing_time" in signed_attribute_types(signed)
    assert m_digits(signed).group(1).startswith(b"2025")  # /M says something else
    verification = signing.verify_pdf(signed)
    assert verification.ok
    assert verification.signed_at == AT
    assert verification.signed_at_source == signing.SIGNED_AT_ATTRIBUTE


def _tsa() -> tuple[bytes, object, object]:
    """A self-signed time-stamping authority: its PEM, and its certificate and key for pyHanko."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    key = signing.new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")])
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


def test_a_trusted_time_stamp_token_gives_the_time_and_an_untrusted_one_does_not(settings, tmp_path):
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    pem, tsa_certificate, tsa_key = _tsa()
    stamped_at = AT + timedelta(minutes=7)
    timestamper = DummyTimeStamper(tsa_cert=tsa_certificate, tsa_key=tsa_key, fixed_dt=stamped_at)
    agency = Agency.objects.get(code=COMMUNE_A)
    signer = signing_credentials._simple_signer(signing.credential_for(agency))
    ph = signing_pdf._pyhanko()
    meta = PdfSignatureMetadata(field_name="Sig1", subfilter=ph["PADES"], md_algorithm="sha256")
    out = io.BytesIO()
    ph["SignerAt"](meta, signer, at=AT, timestamper=timestamper).sign_pdf(
        ph["IncrementalPdfFileWriter"](io.BytesIO(pdf_bytes(1))), output=out
    )
    signed = out.getvalue()

    # Until the province trusts that TSA, its token proves nothing: the time is the covered /M.
    verification = signing.verify_pdf(signed)
    assert verification.ok and verification.signed_at == AT
    assert verification.signed_at_source == signing.SIGNED_AT_DICTIONARY
    assert any("Dấu thời gian" in p for p in verification.problems)

    pem_file = tmp_path / "tsa.pem"
    pem_file.write_bytes(pem)
    settings.MOTCUA_TRUSTED_CA_PEM = [str(pem_file)]
    verification = signing.verify_pdf(signed)
    assert verification.ok and verification.problems == []
    assert verification.signed_at == stamped_at
    assert verification.signed_at_source == signing.SIGNED_AT_TIMESTAMP
