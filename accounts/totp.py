"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), the codes of authenticator apps.

Pure Python, no Django: HMAC-SHA1, 30-second steps, 6 digits — what Google Authenticator, Microsoft
Authenticator, FreeOTP and the like use by default. Written here rather than taken from a library
because the whole algorithm is the twenty lines below and the RFC's test vectors pin it down
(``accounts/tests/test_totp.py``); replay protection needs the matched *step*, which this module
returns and the caller stores.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Codes of the previous and the next step are accepted too: a phone's clock a little off, or a code
# typed just as it changed (RFC 6238 §5.2 recommends at most one step of network delay).
WINDOW = 1
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA1 block the RFC recommends (RFC 4226 §4 R6)


def generate_secret() -> str:
    """A new random secret, base32 without padding (32 characters), as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """The key of a base32 secret; spaces, case and missing padding do not matter."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, the last ``digits`` digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, digest)).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(unix_time: float, *, step_seconds: int = STEP_SECONDS) -> int:
    """RFC 6238 §4.2: T = floor((now − T0) / X), T0 = 0."""
    return int(unix_time // step_seconds)


def totp(secret: str, unix_time: float, *, digits: int = DIGITS, digest: str = "sha1") -> str:
    """The code of ``secret`` at ``unix_time``."""
    return hotp(secret_bytes(secret), step_at(unix_time), digits=digits, digest=digest)


def matching_step(secret: str, code: str, unix_time: float, *, after_step: int = -1) -> int | None:
    """The step whose code ``code`` is, within ``WINDOW`` steps of ``unix_time`` and later than
    ``after_step`` (the last step already used: a code is accepted once), or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = secret_bytes(secret)
    now = step_at(unix_time)
    found: int | None = None
    for step in range(max(0, now - WINDOW), now + WINDOW + 1):
        # Compare every candidate in constant time, so the time taken says nothing about which matched.
        if hmac.compare_digest(hotp(key, step), code) and step > after_step and found is None:
            found = step
    return found


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code (Key Uri Format)."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
