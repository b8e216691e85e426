"""Detached CMS signatures over bytes: the daily anchor of the dossier history (ADR 0009)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from documents.signing.credentials import _simple_signer, credential_for
from documents.signing.verification import trust_roots
from organization.models import Agency

logger = logging.getLogger(__name__)

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


class DetachedSigner:
    """What ``dossiers.history_signing`` asks for, installed by ``DocumentsConfig.ready``."""

    def sign(self, data: bytes, *, agency: Agency) -> DetachedSignature:
        return sign_detached(data, agency=agency)

    def verify(self, data: bytes, cms_der: bytes) -> DetachedCheck:
        return verify_detached(data, cms_der)
