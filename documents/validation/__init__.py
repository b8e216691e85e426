"""What a file really is, and whether motcua accepts it. Pure Python (pypdf, Pillow), no Django.

The type comes from the bytes, never from the name or the browser's content type (``sniffing``). Each
kind is then judged by parsing it, not by searching its bytes: ``pdf`` walks every object of every
revision, ``office`` reads the ZIP directory and local headers before decompressing anything (or the
OLE2 directory), ``images`` reads the dimensions from the header before decoding a pixel. Every refusal
is a ``FileRejected`` with a stable code and a precise Vietnamese message (shown to officers and
citizens as is); no input makes these functions raise anything else.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from documents.validation.base import (
    ALLOWED,
    ALLOWED_LABEL,
    DEFAULT_LIMITS,
    DOC,
    DOCX,
    IMAGES,
    JPEG,
    MB,
    ODS,
    ODT,
    PDF,
    PNG,
    TIFF,
    XLS,
    XLSX,
    ZIPPED,
    FileKind,
    FileRejected,
    Limits,
)
from documents.validation.images import Frame, frames, inspect_image
from documents.validation.office import inspect_office, zip_entries_at_most, zip_names
from documents.validation.pdf import inspect_pdf
from documents.validation.sniffing import ZIP_MAGIC, describe, misplaced_pdf_header, sniff

__all__ = [
    "ALLOWED",
    "ALLOWED_LABEL",
    "DEFAULT_LIMITS",
    "DOC",
    "DOCX",
    "IMAGES",
    "JPEG",
    "ODS",
    "ODT",
    "PDF",
    "PNG",
    "TIFF",
    "XLS",
    "XLSX",
    "ZIPPED",
    "FileKind",
    "FileRejected",
    "Frame",
    "Inspected",
    "Limits",
    "frames",
    "inspect",
    "safe_name",
    "sniff",
]


@dataclass(frozen=True)
class Inspected:
    kind: FileKind
    size: int
    pages: int | None  # PDF pages, image frames; None for office files


def inspect(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Inspected:
    """Check ``data`` against the allow-list and the limits; the kind and page count, or FileRejected."""
    size = len(data)
    if size == 0:
        raise FileRejected("empty", "Tệp rỗng (0 byte).")
    if size > limits.max_bytes:
        raise FileRejected(
            "too_large", f"Tệp quá lớn: {size / MB:.1f} MB, tối đa {limits.max_bytes // MB} MB."
        )
    if data.startswith(ZIP_MAGIC) and zip_entries_at_most(data) > limits.max_zip_members:
        # Counted before zipfile parses the directory into one object per member.
        raise FileRejected(
            "zip_bomb",
            f"Tệp nén có hơn {limits.max_zip_members} mục (tối đa {limits.max_zip_members}): không được chấp nhận.",
        )
    kind = sniff(data)
    if kind is None:
        raise _not_allowed(data)
    if kind is PDF:
        return Inspected(kind, size, inspect_pdf(data, limits))
    if kind.code in IMAGES:
        return Inspected(kind, size, inspect_image(data, kind, limits))
    inspect_office(data, kind, limits)
    return Inspected(kind, size, None)


def _not_allowed(data: bytes) -> FileRejected:
    if data.startswith(ZIP_MAGIC) and zip_names(data) is None:
        # A ZIP's directory is at its end: a Word/Excel/OpenDocument file cut short has none.
        return FileRejected(
            "office_malformed",
            "Tệp nén (Word, Excel, OpenDocument) bị hỏng hoặc không đầy đủ: không có danh mục cuối tệp.",
        )
    at = misplaced_pdf_header(data)
    if at is not None:
        return FileRejected(
            "pdf_polyglot",
            f"Tệp có {at} byte dữ liệu khác trước phần đầu %PDF- (tệp ghép, có thể bị đọc như trang web "
            "hay chương trình): không được chấp nhận.",
        )
    what = describe(data)
    seen = f" Tệp này là {what}." if what else ""
    return FileRejected(
        "type_not_allowed",
        f"Loại tệp không được chấp nhận (theo nội dung tệp).{seen} Chỉ nhận: {ALLOWED_LABEL}.",
    )


_UNSAFE = re.compile(r"[^\w .()\-]+", re.UNICODE)


def safe_name(name: str, kind: FileKind, limit: int = 120) -> str:
    """A display name without paths, control characters or a misleading extension:
    ``"../../Giấy khai sinh.pdf.exe"`` → ``"Giấy khai sinh.pdf.pdf"``."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "tep"
    return f"{stem[: limit - len(kind.extension) - 1]}.{kind.extension}"
