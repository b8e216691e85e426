"""Digital signatures on PDFs (docs/domain.md §4 rule 8, §6): the agencies' signing credentials, PAdES signatures
with a visible stamp, and the verification of any PDF a citizen or an official brings.

Decisions (expensive to reverse, hence written down here):

- **Keys: RSA 2048, SHA-256.** That is what the Government CA (Ban Cơ yếu Chính phủ) and the licensed
  public CAs issue to agencies, and what Vietnamese signature-checking software must accept; a demo
  signature thus takes exactly the path a real one takes. (ECDSA P-256 would be smaller and faster, but
  its support in the verifiers officials use is not something to bet results on.)
- **PAdES-B-B** (``ETSI.CAdES.detached``, signing-certificate-v2). B-T needs a trusted time-stamping
  authority (RFC 3161); none is configured, so the signing time is the one the signer states, and a
  signature cannot be checked after its certificate expires. Adding a TSA later is a parameter to
  pyHanko (``timestamper=``), not a redesign.
- **Where the keys live.** The demo certificate authority (``CertificateAuthority``) and every agency's
  PKCS#12 (``SigningCredential``) are rows in the database, so all app servers sign with, and trust,
  the same keys; nothing on local disk is assumed. Secrets (the CA key, the PKCS#12 passphrases) are
  sealed with Fernet under a key derived from ``SECRET_KEY`` (``SECRET_KEY_FALLBACKS`` still open old
  ones), so a database dump alone reveals no key.
- **Trust.** A signature is trusted when its certificate chains to the demo CA (only while
  ``MOTCUA_DEMO_PKI`` is on) or to a CA in the PEM files of ``MOTCUA_TRUSTED_CA_PEM``. Nothing is
  fetched from the network during verification; revocation is not checked (soft-fail: the demo CA
  publishes no CRL, and verification must not call out).
- **The stamp** is a little HTML page rendered by WeasyPrint (the vendored Liberation Serif, so every
  Vietnamese diacritic renders and is extractable through the font's ToUnicode map; QR by segno), then
  used as the appearance of the signature widget. That keeps one text-layout engine in the product and
  needs no HarfBuzz binding; the stamp is an annotation, so earlier signatures on the file stay intact.
  One font face and no root certificate in the CMS keep the cost at ~15 kB per signature
  (``bench/signing.py``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import logging
import math
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape

from documents.models import CertificateAuthority, SigningCredential
from kernel.errors import DomainError
from kernel.pdf import FONT_DIR, FONT_FILES, weasyprint_renderer
from organization.codes import agency_code_error
from organization.models import AdministrativeUnit, Agency
from worktime.calendar import VN_TZ

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner

logger = logging.getLogger(__name__)

KEY_BITS = 2048
DEMO_CA_SLUG = "demo"
DEMO_CA_YEARS = 20
DEMO_CREDENTIAL_YEARS = 3
DEMO_RENEW_BEFORE = timedelta(days=30)
X520_MAX = 64  # RFC 5280 upper bound of a common or organisation name


# ---------------------------------------------------------------------------------------------
# Sealing secrets kept in the database


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"motcua.documents.signing", info=b"seal v1"
    ).derive(secret.encode())
    return base64.urlsafe_b64encode(derived)


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


SEALED = "sealed:"


def seal(secret: bytes) -> str:
    return SEALED + _fernet().encrypt(secret).decode("ascii")


def unseal(value: str) -> bytes:
    """The secret; a value without the ``sealed:`` prefix is a passphrase an administrator typed in."""
    if not value.startswith(SEALED):
        return value.encode()
    try:
        return _fernet().decrypt(value.removeprefix(SEALED).encode("ascii"))
    except InvalidToken as exc:
        raise DomainError(
            "signing_key_unreadable",
            "Không mở được khóa ký số đã lưu (SECRET_KEY đã thay đổi?); hãy báo quản trị hệ thống.",
            status=409,
        ) from exc


# ---------------------------------------------------------------------------------------------
# Certificates


def _fit(text: str, limit: int = X520_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def province_name() -> str:
    unit = AdministrativeUnit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE).only("name").first()
    return unit.name if unit else "motcua"


def _name(common_name: str, *, organization: str, serial_number: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organization)),
        x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
    ]
    if serial_number:
        # The agency's electronic identifier (QĐ 20/2020/QĐ-TTg): verification reads it back.
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    return x509.Name(attributes)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # non-repudiation: what PDF signature validators look for
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def serial_text(serial: int) -> str:
    return format(serial, "X")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _load_ca(ca: CertificateAuthority) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    certificate = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    key = serialization.load_pem_private_key(unseal(ca.key_sealed), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return certificate, key


def demo_ca() -> CertificateAuthority:
    """The demo certificate authority, created on first need (by whichever app server gets there first)."""
    existing = CertificateAuthority.objects.filter(slug=DEMO_CA_SLUG).first()
    if existing is not None:
        return existing
    key = new_key()
    province = province_name()
    common_name = _fit(f"CA thử nghiệm motcua - {province}")
    subject = _name(common_name, organization=province)
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * DEMO_CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        with transaction.atomic():
            return CertificateAuthority.objects.create(
                slug=DEMO_CA_SLUG,
                name=common_name,
                certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
                key_sealed=seal(key_pem),
                serial=serial_text(certificate.serial_number),
                not_after=certificate.not_valid_after_utc,
            )
    except IntegrityError:
        # Another app server created it between our read and our write: use theirs.
        return CertificateAuthority.objects.get(slug=DEMO_CA_SLUG)


def _issue_demo_credential(agency: Agency) -> SigningCredential:
    ca_row = demo_ca()
    ca_certificate, ca_key = _load_ca(ca_row)
    key = new_key()
    now = timezone.now()
    not_after = min(now + timedelta(days=365 * DEMO_CREDENTIAL_YEARS), ca_certificate.not_valid_after_utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(agency.name, organization=agency.province.name, serial_number=agency.code))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    passphrase = secrets.token_urlsafe(24).encode()
    bundle = pkcs12.serialize_key_and_certificates(
        name=agency.code.encode(),
        key=key,
        cert=certificate,
        cas=[ca_certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )
    values = {
        "pkcs12": bundle,
        "passphrase": seal(passphrase),
        "subject": certificate.subject.rfc4514_string()[:500],
        "serial": serial_text(certificate.serial_number),
        "not_after": certificate.not_valid_after_utc,
        "demo": True,
    }
    try:
        with transaction.atomic():
            credential, _created = SigningCredential.objects.update_or_create(agency=agency, defaults=values)
            return credential
    except IntegrityError:
        return SigningCredential.objects.get(agency=agency)


def credential_for(agency: Agency) -> SigningCredential:
    """The agency's signing credential. With ``MOTCUA_DEMO_PKI`` a missing (or expiring demo) one is
    issued by the demo CA; a configured one is never replaced silently."""
    credential = SigningCredential.objects.filter(agency=agency).first()
    now = timezone.now()
    if credential is not None and not credential.demo:
        if credential.not_after <= now:
            raise DomainError(
                "signing_credential_expired",
                f"Chứng thư ký số của {agency.name} đã hết hạn ngày "
                f"{timezone.localtime(credential.not_after, VN_TZ):%d/%m/%Y}; hãy cấu hình chứng thư mới.",
                status=409,
            )
        return credential
    if not settings.MOTCUA_DEMO_PKI:
        # A demo credential is not used either: nobody would trust what it signs.
        raise DomainError(
            "signing_credential_missing",
            f"{agency.name} chưa được cấu hình chứng thư ký số (manage.py import_signing_credential).",
            status=409,
        )
    if credential is not None and credential.not_after > now + DEMO_RENEW_BEFORE:
        return credential
    return _issue_demo_credential(agency)


def demo_pki_agencies() -> QuerySet[Agency]:
    """The agencies someone works in (an active membership): those that sign in a demo."""
    return Agency.objects.filter(is_active=True, memberships__is_active=True).distinct().order_by("code")


def demo_pki_setup(agencies: Iterable[Agency]) -> tuple[CertificateAuthority, int]:
    """The demo CA and a demo credential for each agency that has none; how many were issued."""
    ca = demo_ca()
    issued = 0
    for agency in agencies:
        if not SigningCredential.objects.filter(agency=agency).exists():
            _issue_demo_credential(agency)
            issued += 1
    return ca, issued


@dataclass(frozen=True)
class OpenedPkcs12:
    key: Any
    certificate: x509.Certificate
    chain: list[x509.Certificate]


def open_pkcs12(data: bytes, passphrase: bytes | None) -> OpenedPkcs12:
    """The key, certificate and chain of a PKCS#12 file, or DomainError saying why it cannot be used."""
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase or None)
    except ValueError as exc:
        raise DomainError(
            "pkcs12_unreadable", "Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng."
        ) from exc
    if key is None or certificate is None:
        raise DomainError("pkcs12_incomplete", "Tệp PKCS#12 phải chứa cả khóa bí mật và chứng thư.")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise DomainError("pkcs12_key_type", "Chỉ hỗ trợ khóa RSA hoặc ECDSA.")
    return OpenedPkcs12(key, certificate, list(chain))


def credential_import(*, agency: Agency, data: bytes, passphrase: str) -> SigningCredential:
    """Configure a real PKCS#12 (issued by a licensed CA) for ``agency``: it must open, hold a key
    matching its certificate, and be valid now. The file is kept as given; its passphrase is sealed."""
    opened = open_pkcs12(data, passphrase.encode() or None)
    certificate = opened.certificate
    public = opened.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise DomainError("pkcs12_mismatch", "Khóa bí mật không khớp với chứng thư trong tệp PKCS#12.")
    now = timezone.now()
    if not certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc:
        raise DomainError(
            "pkcs12_not_valid_now",
            f"Chứng thư chỉ có hiệu lực từ {certificate.not_valid_before_utc:%d/%m/%Y} "
            f"đến {certificate.not_valid_after_utc:%d/%m/%Y}.",
        )
    credential, _created = SigningCredential.objects.update_or_create(
        agency=agency,
        defaults={
            "pkcs12": data,
            "passphrase": seal(passphrase.encode()) if passphrase else "",
            "subject": certificate.subject.rfc4514_string()[:500],
            "serial": serial_text(certificate.serial_number),
            "not_after": certificate.not_valid_after_utc,
            "demo": False,
        },
    )
    return credential


def _simple_signer(credential: SigningCredential) -> SimpleSigner:
    return _load_signer(bytes(credential.pkcs12), credential.passphrase, credential.agency.name)


@functools.lru_cache(maxsize=64)
def _load_signer(bundle: bytes, sealed_passphrase: str, agency_name: str) -> SimpleSigner:
    """An opened PKCS#12, kept per process: opening one costs ~50 ms of key derivation. Keyed by the
    bytes, so a renewed or re-imported credential is opened afresh."""
    from pyhanko.sign.signers import SimpleSigner

    passphrase = unseal(sealed_passphrase) if sealed_passphrase else None
    try:
        signer: SimpleSigner = SimpleSigner.load_pkcs12_data(bundle, [], passphrase)
    except ValueError as exc:
        raise DomainError(
            "signing_key_unreadable",
            f"Không mở được chứng thư ký số của {agency_name}; hãy báo quản trị hệ thống.",
            status=409,
        ) from exc
    # Trust anchors are the verifier's to hold; leaving the root out saves ~2 kB per signature.
    signer.embed_roots = False
    return signer


# ---------------------------------------------------------------------------------------------
# The visible stamp

STAMP_WIDTH = 236.0  # points: 83 × 28 mm, room for a QR code a phone reads off paper
STAMP_HEIGHT = 80.0
STAMP_MARGIN = 28.0  # 1 cm from the page edge
STAMP_STEP = 12.0


def format_signing_time(at: datetime) -> str:
    return f"{timezone.localtime(at, VN_TZ):%H:%M:%S, %d/%m/%Y}"


def stamp_html(
    *,
    width: float,
    height: float,
    signer: str,
    agency: str,
    at: datetime,
    lines: list[str],
    qr_url: str | None,
) -> str:
    # One face only: a second (bold) subset would add ~3.5 kB to every signed file.
    regular = (FONT_DIR / FONT_FILES["regular"]).as_uri()
    text = [f"<p class='who'>Ký số bởi: {escape(signer)}</p>"]
    if agency and agency != signer:
        text.append(f"<p>Cơ quan: {escape(agency)}</p>")
    text.append(f"<p>Thời gian ký: {format_signing_time(at)}</p>")
    text.extend(f"<p>{escape(line)}</p>" for line in lines if line.strip())
    qr = ""
    if qr_url:
        import segno

        image = segno.make_qr(qr_url, error="l").svg_data_uri(border=0, dark="#000")
        qr = f'<td class="qr"><img src="{escape(image)}" alt="QR"></td>'
        text.append("<p class='hint'>Quét mã QR để xác thực văn bản</p>")
    qr_size = height - 8
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "StampSerif"; src: url("{regular}"); font-weight: normal; }}
@page {{ size: {width}pt {height}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: "StampSerif"; font-size: 7.4pt; line-height: 1.2; color: #b00000; }}
table {{ box-sizing: border-box; width: {width}pt; height: {height}pt; border: 1.2pt solid #c00000;
  border-collapse: collapse; table-layout: fixed; }}
td {{ padding: 3pt; vertical-align: middle; overflow: hidden; }}
td.qr {{ width: {qr_size}pt; padding-right: 1pt; }}
td.qr img {{ display: block; width: {qr_size - 4}pt; height: {qr_size - 4}pt; }}
div.text {{ max-height: {height - 8}pt; overflow: hidden; }}
p {{ margin: 0; overflow-wrap: anywhere; }}
p.who {{ color: #8a0000; }}
p.hint {{ color: #555; }}
</style></head><body><table><tr>{qr}<td><div class="text">{"".join(text)}</div></td></tr></table>
</body></html>"""


def render_stamp(**kwargs: Any) -> bytes:
    """The stamp as a one-page PDF of exactly the stamp's size."""
    weasyprint, fetcher = weasyprint_renderer()
    document = weasyprint.HTML(
        string=stamp_html(**kwargs), base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher()
    )
    return bytes(document.write_pdf())


Box = tuple[float, float, float, float]


def _text_boxes(page: Any) -> list[Box]:
    """Approximate boxes of the text drawn on a page (pypdf's text visitor), to keep the stamp off it.
    Images and drawings are not seen: on a scanned page the stamp goes bottom right regardless."""
    boxes: list[Box] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text.strip():
            return
        x, y = tm[4], tm[5]
        px = cm[0] * x + cm[2] * y + cm[4]
        py = cm[1] * x + cm[3] * y + cm[5]
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]) or 1.0
        height = (size or 10) * scale
        width = len(text.rstrip()) * height * 0.5
        boxes.append((px, py - height * 0.25, px + width, py + height))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # a page pypdf cannot read text from: no obstacles known
        logger.info("could not read text positions for stamp placement", exc_info=True)
        return []
    return boxes


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def stamp_box(page: Any, width: float = STAMP_WIDTH, height: float = STAMP_HEIGHT) -> Box:
    """Where the stamp goes on ``page`` (a pypdf page): bottom right, moved up the right column — then
    the left one — until it covers no text; bottom right when there is no free place."""
    left, bottom, right, top = (float(v) for v in page.cropbox)
    width = min(width, right - left - 2 * STAMP_MARGIN)
    height = min(height, top - bottom - 2 * STAMP_MARGIN)
    obstacles = _text_boxes(page)
    xs = (right - STAMP_MARGIN - width, left + STAMP_MARGIN)
    first: Box = (xs[0], bottom + STAMP_MARGIN, xs[0] + width, bottom + STAMP_MARGIN + height)
    for x in xs:
        y = bottom + STAMP_MARGIN
        while y + height <= top - STAMP_MARGIN:
            box = (x, y, x + width, y + height)
            if not any(_overlaps(box, other) for other in obstacles):
                return box
            y += STAMP_STEP
    return first


# ---------------------------------------------------------------------------------------------
# Signing


@functools.cache
def _pyhanko() -> dict[str, Any]:
    """pyHanko's classes, imported on first use (the import costs a quarter of a second), and the two
    small adapters motcua needs: a signer that signs at a given instant, and a stamp from PDF bytes."""
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, BoxConstraints, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
    from pyhanko.stamp import StaticStampStyle

    class SignerAt(PdfSigner):
        """Signs with ``at`` as the signing time (in the CMS attributes, /M and the stamp alike)."""

        def __init__(self, *args: Any, at: datetime, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.at = at

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self.at
            return session

    class PdfBytesContent(PdfContent):
        """The first page of an in-memory PDF as a form XObject (pyHanko's own reads only files)."""

        def __init__(self, data: bytes) -> None:
            super().__init__()
            self.data = data

        def render(self) -> bytes:
            writer = self._ensure_writer
            xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
            name = "/Stamp" + uuid.uuid4().hex
            self.resources.xobject[name] = xobject
            x1, y1, x2, y2 = xobject.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name.encode() + b" Do"

    def style(stamp_pdf: bytes) -> Any:
        return StaticStampStyle(
            background=PdfBytesContent(stamp_pdf),
            background_opacity=1.0,
            border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins.uniform(0),
            ),
        )

    return {
        "IncrementalPdfFileWriter": IncrementalPdfFileWriter,
        "PdfSignatureMetadata": PdfSignatureMetadata,
        "SigFieldSpec": SigFieldSpec,
        "PADES": SigSeedSubFilter.PADES,
        "SignerAt": SignerAt,
        "style": style,
    }


def _open_for_signing(data: bytes) -> tuple[Any, Any]:
    """(pyHanko incremental writer, pypdf reader) over ``data``. A file pyHanko cannot update in place
    but that carries no signature (some scanners write odd cross-reference tables) is rewritten by
    pypdf first; a signed one is never rewritten, or its earlier signatures would break."""
    import pypdf

    ph = _pyhanko()
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    try:
        return ph["IncrementalPdfFileWriter"](io.BytesIO(data), strict=False), reader
    except Exception:
        if b"/ByteRange" in data:
            raise
        out = io.BytesIO()
        pypdf.PdfWriter(clone_from=reader).write(out)
        rewritten = out.getvalue()
        return (
            ph["IncrementalPdfFileWriter"](io.BytesIO(rewritten), strict=False),
            pypdf.PdfReader(io.BytesIO(rewritten), strict=False),
        )


def sign_pdf(
    data: bytes,
    *,
    agency: Agency,
    signer_name: str,
    reason: str,
    location: str,
    stamp_lines: list[str],
    qr_url: str | None,
    at: datetime | None = None,
) -> bytes:
    """``data`` signed (PAdES-B-B, incremental update) with ``agency``'s credential, with a visible stamp
    on the last page: signer, local signing time, ``stamp_lines`` and a QR code to ``qr_url``. The
    verification URL also goes into the signature's /ContactInfo, where any PDF reader shows it."""
    credential = credential_for(agency)
    signer = _simple_signer(credential)
    at = (at or timezone.now()).replace(microsecond=0)
    ph = _pyhanko()
    try:
        writer, reader = _open_for_signing(data)
        page = reader.pages[-1]
        box = stamp_box(page)
        stamp = render_stamp(
            width=box[2] - box[0],
            height=box[3] - box[1],
            signer=signer_name,
            agency=agency.name,
            at=at,
            lines=stamp_lines,
            qr_url=qr_url,
        )
        field_name = f"motcua-{uuid.uuid4().hex[:12]}"
        meta = ph["PdfSignatureMetadata"](
            field_name=field_name,
            name=signer_name,
            reason=reason,
            location=location,
            contact_info=qr_url or None,
            subfilter=ph["PADES"],
            md_algorithm="sha256",
            tight_size_estimates=True,  # no time-stamp token to make room for
        )
        pdf_signer = ph["SignerAt"](
            meta,
            signer,
            at=at,
            stamp_style=ph["style"](stamp),
            new_field_spec=ph["SigFieldSpec"](
                sig_field_name=field_name, on_page=-1, box=tuple(round(v, 2) for v in box)
            ),
        )
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out)
    except DomainError:
        raise
    except Exception as exc:
        logger.warning("signing failed for %s", agency.code, exc_info=True)
        raise DomainError(
            "signing_failed",
            "Không ký số được tệp PDF này (cấu trúc tệp không được hỗ trợ hoặc văn bản đã khóa sửa đổi). "
            "Hãy xuất lại tệp PDF rồi thử lại.",
            fields={"file": ["Không ký số được tệp này."]},
        ) from exc
    return out.getvalue()


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


# ---------------------------------------------------------------------------------------------
# Detached signatures over bytes (the daily anchor of the dossier history, ADR 0009)


@dataclass(frozen=True)
class DetachedSignature:
    cms: bytes  # DER ContentInfo (SignedData, content detached)
    certificate_pem: str
    subject: str


@dataclass(frozen=True)
class DetachedCheck:
    valid: bool  # the signature is intact and made by the certificate's key
    trusted: bool  # the certificate chains to a trust root (trust_roots())
    subject: str


def sign_detached(data: bytes, *, agency: Agency) -> DetachedSignature:
    """A detached CMS signature of ``data`` (SHA-256, signed attributes with the message digest) made
    with ``agency``'s credential, as pyHanko makes the PDF ones."""
    import asyncio

    from asn1crypto import pem as asn1_pem

    credential = credential_for(agency)
    signer = _simple_signer(credential)
    content_info = asyncio.run(signer.async_sign_general_data(data, "sha256", detached=True))
    certificate = signer.signing_cert
    assert certificate is not None  # a PKCS#12 credential always has its certificate
    certificate_pem = asn1_pem.armor("CERTIFICATE", certificate.dump()).decode()
    return DetachedSignature(
        cms=content_info.dump(), certificate_pem=certificate_pem, subject=credential.subject
    )


def verify_detached(data: bytes, cms_der: bytes) -> DetachedCheck:
    """Whether ``cms_der`` is a valid detached signature of ``data``, and whether its signer is trusted.
    A malformed signature is simply not valid."""
    import asyncio

    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms
    from pyhanko_certvalidator import ValidationContext

    try:
        signed_data = cms.ContentInfo.load(cms_der)["content"]
        context = ValidationContext(
            trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
        )
        status = asyncio.run(
            async_validate_detached_cms(data, signed_data, signer_validation_context=context)
        )
    except Exception:
        logger.info("detached signature could not be validated", exc_info=True)
        return DetachedCheck(valid=False, trusted=False, subject="")
    subject = status.signing_cert.subject.human_friendly if status.signing_cert is not None else ""
    return DetachedCheck(
        valid=bool(status.intact and status.valid), trusted=bool(status.trusted), subject=subject
    )
