"""The agencies' signing credentials: secrets sealed under ``SECRET_KEY``, the demo certificate authority
and the certificates it issues, the import of a real PKCS#12, and the pyHanko signer made from a
credential."""

from __future__ import annotations

import base64
import functools
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
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

from documents.models import CertificateAuthority, SigningCredential
from kernel.errors import DomainError
from organization.models import AdministrativeUnit, Agency
from worktime.calendar import VN_TZ

if TYPE_CHECKING:
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
