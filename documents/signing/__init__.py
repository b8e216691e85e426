"""Digital signatures on PDFs (docs/domain.md §4 rule 8, §6): the agencies' signing credentials, PAdES signatures
with a visible stamp, and the verification of any PDF a citizen or an official brings.

The package holds ``credentials`` (sealed secrets, the demo CA, agency credentials, PKCS#12 import),
``pdf`` (the visible stamp and ``sign_pdf``), ``verification`` (``verify_pdf``) and ``detached``
(detached CMS signatures for the history anchors); callers import from ``documents.signing`` itself.

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

from documents.signing.credentials import (
    DEMO_CA_SLUG,
    DEMO_CA_YEARS,
    DEMO_CREDENTIAL_YEARS,
    DEMO_RENEW_BEFORE,
    KEY_BITS,
    SEALED,
    X520_MAX,
    OpenedPkcs12,
    credential_for,
    credential_import,
    demo_ca,
    demo_pki_agencies,
    demo_pki_setup,
    new_key,
    open_pkcs12,
    province_name,
    seal,
    serial_text,
    unseal,
)
from documents.signing.detached import DetachedCheck, DetachedSignature, sign_detached, verify_detached
from documents.signing.pdf import (
    STAMP_HEIGHT,
    STAMP_MARGIN,
    STAMP_STEP,
    STAMP_WIDTH,
    Box,
    format_signing_time,
    render_stamp,
    sign_pdf,
    stamp_box,
    stamp_html,
)
from documents.signing.verification import (
    SIGNED_AT_ATTRIBUTE,
    SIGNED_AT_DICTIONARY,
    SIGNED_AT_TIMESTAMP,
    Verification,
    sha256_hex,
    trust_roots,
    verify_pdf,
)

__all__ = [
    "DEMO_CA_SLUG",
    "DEMO_CA_YEARS",
    "DEMO_CREDENTIAL_YEARS",
    "DEMO_RENEW_BEFORE",
    "KEY_BITS",
    "SEALED",
    "SIGNED_AT_ATTRIBUTE",
    "SIGNED_AT_DICTIONARY",
    "SIGNED_AT_TIMESTAMP",
    "STAMP_HEIGHT",
    "STAMP_MARGIN",
    "STAMP_STEP",
    "STAMP_WIDTH",
    "X520_MAX",
    "Box",
    "DetachedCheck",
    "DetachedSignature",
    "OpenedPkcs12",
    "Verification",
    "credential_for",
    "credential_import",
    "demo_ca",
    "demo_pki_agencies",
    "demo_pki_setup",
    "format_signing_time",
    "new_key",
    "open_pkcs12",
    "province_name",
    "render_stamp",
    "seal",
    "serial_text",
    "sha256_hex",
    "sign_detached",
    "sign_pdf",
    "stamp_box",
    "stamp_html",
    "trust_roots",
    "unseal",
    "verify_detached",
    "verify_pdf",
]
