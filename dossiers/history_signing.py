"""The signature of the daily history anchors (ADR 0009) — asked here, made above.

Signing needs an agency's credential, which the documents app keeps, a layer above dossiers
(docs/adr/0011). So dossiers declares what it needs and ``documents`` installs the implementation
when the project starts (``DocumentsConfig.ready``: ``documents.signing.detached``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from organization.models import Agency


class Signature(Protocol):
    @property
    def cms(self) -> bytes:
        """DER ContentInfo (SignedData, content detached)."""

    @property
    def certificate_pem(self) -> str: ...

    @property
    def subject(self) -> str: ...


class Check(Protocol):
    @property
    def valid(self) -> bool:
        """Intact and made by the certificate's key."""

    @property
    def trusted(self) -> bool: ...


class Signer(Protocol):
    def sign(self, data: bytes, *, agency: Agency) -> Signature: ...

    def verify(self, data: bytes, cms_der: bytes) -> Check: ...


_signer: Signer | None = None


def install(signer: Signer) -> None:
    global _signer
    _signer = signer


def signer() -> Signer:
    if _signer is None:
        raise ImproperlyConfigured("No history signer installed: add 'documents' to INSTALLED_APPS.")
    return _signer
