"""Verifying the signatures of any PDF: the trust roots, who signed, where the signing time comes from,
and what was changed after each signature."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from documents.models import CertificateAuthority, SigningCredential
from documents.signing.credentials import serial_text
from organization.codes import agency_code_error

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Verification


# Where the signing time shown for a signature comes from, strongest first. A signer's own clock is
# only worth showing when the signature protects it: a CMS signing-time attribute is under the
# signature itself; the /M entry of the signature dictionary is inside the signed byte range (PAdES puts
# the claimed time there and forbids the attribute), so it counts only while the file is intact —
# edited in place it breaks the digest, rewritten in a later update it fails the difference analysis.
SIGNED_AT_TIMESTAMP = "timestamp"  # an RFC 3161 token from a trusted time-stamping authority
SIGNED_AT_ATTRIBUTE = "signed_attribute"  # the CMS signing-time signed attribute
SIGNED_AT_DICTIONARY = "signature_dictionary"  # /M, covered by the intact signature


@dataclass(frozen=True)
class Verification:
    """What a PDF's signature says. ``signer``/``agency_code``/``certificate_serial``/``issuer``
    describe the last signature (the one that covers the file) as the file declares them: they are
    facts only when the signature ``holds``. ``signed_at`` is the signing time from a signed source
    (``signed_at_source``, one of ``SIGNED_AT_*``), ``None`` when the signature does not hold.
    ``trusted`` is pyHanko's verdict on the signed revision; it needs unchanged signed bytes and a
    sound signature, so when those fail it is False without saying anything about the CA, and no CA
    problem is reported (``problems`` says the file was modified). Show it only when the signature
    ``holds``. ``problems`` are Vietnamese sentences about the last signature and any earlier one."""

    pdf: bool
    signed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    signer: str = ""
    agency_code: str = ""
    signed_at: datetime | None = None
    signed_at_source: str = ""
    certificate_serial: str = ""
    issuer: str = ""
    signatures: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        """The signature still covers this file and is cryptographically sound: only then do the
        signer, the time and the trust verdict mean anything."""
        return self.signed and self.intact and self.valid

    @property
    def ok(self) -> bool:
        return self.holds and self.trusted

    @property
    def verdict(self) -> str:
        if not self.pdf:
            return "Tệp không phải PDF hoặc bị hỏng."
        if not self.signed:
            return "Tệp PDF không có chữ ký số."
        if not self.valid:
            return "Chữ ký số không hợp lệ: chữ ký bị hỏng, không thể dựa vào chữ ký số này."
        if not self.intact:
            return "Chữ ký số không hợp lệ: tệp đã bị sửa đổi sau khi ký, không thể dựa vào chữ ký số này."
        if not self.trusted:
            return "Chữ ký số đúng về kỹ thuật nhưng chứng thư không do tổ chức được tin cậy cấp."
        return "Chữ ký số hợp lệ: tài liệu còn nguyên vẹn từ khi ký."


def trust_roots() -> list[asn1_x509.Certificate]:
    """The demo CA (while demo PKI is on) and every certificate in ``MOTCUA_TRUSTED_CA_PEM``."""
    from pyhanko.keys import load_certs_from_pemder_data

    roots = []
    if settings.MOTCUA_DEMO_PKI:
        for ca in CertificateAuthority.objects.order_by("pk"):
            roots.extend(load_certs_from_pemder_data(ca.certificate_pem.encode()))
    for path in settings.MOTCUA_TRUSTED_CA_PEM:
        try:
            roots.extend(load_certs_from_pemder_data(Path(path).read_bytes()))
        except (OSError, ValueError):
            logger.error("MOTCUA_TRUSTED_CA_PEM: cannot read certificates from %s", path, exc_info=True)
    return roots


def _name_value(name: asn1_x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value)


def _agency_code(certificate: asn1_x509.Certificate) -> str:
    """The agency's e-ID code from the subject (serialNumber, OU or UID, as CAs differ), else from the
    credential configured with this certificate."""
    for key in ("serial_number", "organizational_unit_name", "user_id"):
        value = _name_value(certificate.subject, key).removeprefix("MDD:")
        if value and agency_code_error(value) is None:
            return value
    credential = (
        SigningCredential.objects.filter(serial=serial_text(certificate.serial_number))
        .select_related("agency")
        .first()
    )
    return credential.agency.code if credential else ""


def _trust_problem(status: Any, signer: str, issuer: str) -> str:
    indication = getattr(status, "trust_problem_indic", None)
    name = getattr(indication, "name", "")
    if name in {"OUT_OF_BOUNDS_NO_POE", "EXPIRED", "OUT_OF_BOUNDS_NOT_REVOKED"}:
        return f"Chứng thư ký số của «{signer}» đã hết hạn hoặc chưa có hiệu lực."
    if name.startswith("REVOKED"):
        return f"Chứng thư ký số của «{signer}» đã bị thu hồi."
    return (
        f"Chứng thư ký số của «{signer}» (cấp bởi «{issuer}») không thuộc tổ chức cấp chứng thư "
        "được hệ thống tin cậy."
    )


@dataclass
class _Checked:
    signer: str
    agency_code: str
    serial: str
    issuer: str
    bytes_intact: bool
    valid: bool
    trusted: bool
    covers_file: bool
    modification: int  # pyHanko's ModificationLevel value; 0 = none
    docmdp_ok: bool | None
    timestamp_at: datetime | None  # a valid token from a trusted TSA
    timestamp_problem: bool  # a token is there but does not check out
    attribute_at: datetime | None  # the signing-time signed attribute
    dictionary_at: datetime | None  # /M of the signature dictionary
    status: Any

    @property
    def holds(self) -> bool:
        """The signed bytes are unchanged and the signature over them is sound (later updates aside)."""
        return self.bytes_intact and self.valid


def _signing_time_attribute(signer_info: Any) -> datetime | None:
    """The CMS signing-time attribute, if the signer put one among the signed attributes."""
    for attribute in signer_info["signed_attrs"] or ():
        if attribute["type"].native == "signing_time":
            values = attribute["values"]
            return values[0].native if len(values) == 1 else None
    return None


def _dictionary_time(embedded: Any) -> datetime | None:
    from pyhanko.pdf_utils.generic import parse_pdf_date

    value = embedded.sig_object.get("/M")
    if value is None:
        return None
    try:
        return parse_pdf_date(value, strict=False)
    except Exception:
        return None


def _check(embedded: Any, context: Any) -> _Checked:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    status = validate_pdf_signature(
        embedded,
        context,
        key_usage_settings=KeyUsageConstraints(
            key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
        ),
    )
    certificate = status.signing_cert
    level = status.modification_level
    token = status.timestamp_validity
    token_ok = token is not None and token.intact and token.valid and token.trusted
    return _Checked(
        signer=_name_value(certificate.subject, "common_name") or certificate.subject.human_friendly,
        agency_code=_agency_code(certificate),
        serial=serial_text(certificate.serial_number),
        issuer=_name_value(certificate.issuer, "common_name") or certificate.issuer.human_friendly,
        bytes_intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification=(level if level is not None else ModificationLevel.OTHER).value,
        docmdp_ok=status.docmdp_ok,
        timestamp_at=token.timestamp if token is not None and token_ok else None,
        timestamp_problem=token is not None and not token_ok,
        attribute_at=_signing_time_attribute(embedded.signer_info),
        dictionary_at=_dictionary_time(embedded),
        status=status,
    )


def _signing_time(checked: _Checked, intact: bool) -> tuple[datetime | None, str]:
    """The signing time from the strongest signed source (see ``SIGNED_AT_*``), or nothing: no time
    is shown for a signature that does not hold, and /M only while the whole signed revision is
    unchanged (``intact``), since then it is among the bytes the signature covers."""
    if not (checked.holds and intact):
        return None, ""
    if checked.timestamp_at is not None:
        return checked.timestamp_at, SIGNED_AT_TIMESTAMP
    if checked.attribute_at is not None:
        return checked.attribute_at, SIGNED_AT_ATTRIBUTE
    if checked.dictionary_at is not None:
        return checked.dictionary_at, SIGNED_AT_DICTIONARY
    return None, ""


# pyHanko's ModificationLevel: 0 none, 1 DSS/time-stamp updates, 2 form filling (which
# includes adding another signature), 3 annotations, 4 anything else.
_AFTER_LAST_ALLOWED = 1
_AFTER_EARLIER_ALLOWED = 2


def verify_pdf(data: bytes) -> Verification:
    """Check every signature in ``data``; never raises: a file that is not a PDF, is damaged, unsigned or
    tampered with gives a Verification that says so."""
    try:
        return _verify(data)
    except Exception:
        logger.info("verification failed on unreadable input", exc_info=True)
        return Verification(pdf=False, problems=["Tệp không phải PDF hoặc bị hỏng, không đọc được."])


def _verify(data: bytes) -> Verification:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    if b"%PDF-" not in data[:1024]:
        return Verification(pdf=False, problems=["Tệp không phải PDF."])
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        return Verification(pdf=True, problems=["Tệp PDF được mã hóa, không kiểm tra được chữ ký số."])
    embedded = reader.embedded_regular_signatures
    if not embedded:
        return Verification(pdf=True, problems=["Tệp PDF không có chữ ký số."])
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    problems: list[str] = []
    checked: list[_Checked | None] = []
    for index, signature in enumerate(embedded, start=1):
        try:
            checked.append(_check(signature, context))
        except Exception:
            logger.info("signature %s could not be validated", index, exc_info=True)
            checked.append(None)
            problems.append(f"Chữ ký số thứ {index} bị lỗi cấu trúc, không kiểm tra được.")
    last = checked[-1]
    if last is None:
        return Verification(pdf=True, signed=True, signatures=len(embedded), problems=problems)
    intact = (
        last.bytes_intact
        and (last.covers_file or last.modification <= _AFTER_LAST_ALLOWED)
        and last.docmdp_ok is not False
    )
    last_problems: list[str] = []
    if not last.bytes_intact:
        last_problems.append("Nội dung tài liệu đã bị thay đổi sau khi ký: chữ ký số không còn khớp.")
    elif not intact:
        last_problems.append("Tài liệu đã bị sửa đổi hoặc bổ sung nội dung sau khi ký.")
    if not last.valid:
        last_problems.append("Chữ ký số không hợp lệ về mặt mật mã.")
    # pyHanko's trust verdict requires intact signed bytes and a sound signature: without them an
    # untrusted verdict says nothing about the CA, so it is not reported.
    if last.holds and not last.trusted:
        last_problems.append(_trust_problem(last.status, last.signer, last.issuer))
    if last.holds and last.timestamp_problem:
        last_problems.append(
            "Dấu thời gian trong chữ ký số không kiểm chứng được; thời gian ký không lấy theo nó."
        )
    for index, earlier in enumerate(checked[:-1], start=1):
        if earlier is None:
            continue
        if not earlier.holds:
            problems.append(f"Chữ ký số thứ {index} ({earlier.signer}) không còn hợp lệ.")
        elif earlier.modification > _AFTER_EARLIER_ALLOWED or earlier.docmdp_ok is False:
            problems.append(
                f"Tài liệu đã bị sửa đổi sau chữ ký số thứ {index} ({earlier.signer}) ngoài việc ký thêm."
            )
        elif not earlier.trusted:
            problems.append(
                f"Chữ ký số thứ {index}: " + _trust_problem(earlier.status, earlier.signer, earlier.issuer)
            )
    signed_at, signed_at_source = _signing_time(last, intact)
    return Verification(
        pdf=True,
        signed=True,
        intact=intact,
        valid=last.valid,
        trusted=last.trusted,
        signer=last.signer,
        agency_code=last.agency_code,
        signed_at=signed_at,
        signed_at_source=signed_at_source,
        certificate_serial=last.serial,
        issuer=last.issuer,
        signatures=len(embedded),
        problems=last_problems + problems,
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
