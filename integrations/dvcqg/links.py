"""Download links for the portal: signed, expiring, usable without a login (INTEGRATIONS.md: papers
and results travel as a link, ``DuongDanTaiTepTin`` / ``DuongDanTepTinKetQua``).

A link is ``<MOTCUA_SITE_URL>/tep-cong/<token>/`` where the token is the stored file's UUID signed with
``SECRET_KEY`` and a salt of its own (django.core.signing.TimestampSigner): it cannot be made for
another file or altered, and it stops working ``MOTCUA_PORTAL_LINK_DAYS`` days (default 30) after it
was made. The portal fetches the file when it syncs; a dossier synced again later carries fresh links.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from documents.models import StoredFile

SALT = "motcua.integrations.dvcqg.file-link"


class LinkRefused(Exception):
    """A link that is not ours or was altered (``expired`` False), or is past its lifetime (True)."""

    def __init__(self, message: str, *, expired: bool) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def lifetime() -> timedelta:
    return timedelta(days=int(getattr(settings, "MOTCUA_PORTAL_LINK_DAYS", 30)))


def file_token(stored: StoredFile) -> str:
    return _signer().sign(stored.uuid.hex)


def file_link(stored: StoredFile) -> str:
    """The absolute, signed link to ``stored``."""
    return uuid_link(stored.uuid)


def uuid_link(file_uuid: uuid.UUID) -> str:
    """The absolute, signed link to the stored file ``file_uuid`` (its row not read)."""
    path = reverse("portal_file", args=[_signer().sign(file_uuid.hex)])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def file_of(token: str) -> uuid.UUID:
    """The UUID of the file a link names; ``LinkRefused`` when it is not a good link or has expired."""
    try:
        value = _signer().unsign(token, max_age=lifetime())
    except signing.SignatureExpired as exc:
        raise LinkRefused(
            "Đường dẫn tải tệp đã hết hạn. Hãy lấy đường dẫn mới từ hồ sơ đồng bộ gần nhất.", expired=True
        ) from exc
    except signing.BadSignature as exc:
        raise LinkRefused("Đường dẫn tải tệp không hợp lệ.", expired=False) from exc
    try:
        return uuid.UUID(hex=value)
    except ValueError as exc:
        raise LinkRefused("Đường dẫn tải tệp không hợp lệ.", expired=False) from exc
