"""What the bytes of a file are: the allowed kind, or words for what it is instead. No Django.

The type comes from the bytes, never from the name or the browser's content type. ``sniff`` never
raises and never decompresses anything: it reads signatures and, for a ZIP or OLE2 container, the
list of member names. Whether the file is sound is the inspectors' business.
"""

from __future__ import annotations

from documents.validation.base import DOC, DOCX, JPEG, PDF, PNG, TIFF, XLS, XLSX, FileKind
from documents.validation.office import ODF_MIMETYPES, odf_mimetype, ole_entries, zip_names

PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


_BLANK = b"\xef\xbb\xbf\x00\t\n\f\r "  # a byte-order mark and white space: what some generators put first


def sniff(data: bytes) -> FileKind | None:
    """The allowed kind the bytes are, or None."""
    if data[:1024].lstrip(_BLANK).startswith(PDF_MAGIC):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    return None


def _ole_kind(data: bytes) -> FileKind | None:
    # Legacy Office files are OLE2 compound files; the names of their streams tell Word from Excel.
    names = set(ole_entries(data) or [])
    if "worddocument" in names:
        return DOC
    if "workbook" in names or "book" in names:
        return XLS
    return None


def _zip_kind(data: bytes) -> FileKind | None:
    names = zip_names(data)
    if names is None:
        return None
    if "mimetype" in names:
        # OpenDocument declares its type in the first member, stored uncompressed: read it from the
        # local header, never by decompressing (that is the inspector's job, with its checks first).
        return ODF_MIMETYPES.get(odf_mimetype(data) or "")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


# Signatures of what people most often try to upload instead, so that the refusal can say what it saw.
_KNOWN = (
    (b"MZ", "chương trình Windows (EXE/DLL)"),
    (b"\x7fELF", "chương trình Linux (ELF)"),
    (b"#!", "tập lệnh (script)"),
    (b"GIF87a", "ảnh GIF"),
    (b"GIF89a", "ảnh GIF"),
    (b"BM", "ảnh BMP"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
    (b"{\\rtf", "văn bản RTF"),
    (b"PK\x05\x06", "tệp nén ZIP rỗng"),
    (ZIP_MAGIC, "tệp nén ZIP (không phải Word, Excel hay OpenDocument)"),
    (OLE_MAGIC, "tệp Office cũ không phải Word hay Excel"),
)


def describe(data: bytes) -> str | None:
    """A few Vietnamese words for what a refused file is, when it is something well known."""
    for magic, words in _KNOWN:
        if data.startswith(magic):
            return words
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "ảnh WebP"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "ảnh HEIC" if brand in (b"heic", b"heix", b"mif1", b"msf1") else "tệp video/ảnh ISO"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):
        if b"<svg" in head:
            return "ảnh SVG (có thể chứa mã lệnh)"
        if head.startswith((b"<!doctype html", b"<html")) or b"<script" in head or b"<body" in head:
            return "trang web HTML"
        return "tài liệu XML/HTML"
    return None


def misplaced_pdf_header(data: bytes) -> int | None:
    """Where ``%PDF-`` sits when something other than white space comes first (a PDF viewer looks for
    it in the first kilobyte, a browser or an unzipper sees whatever is at the start: a polyglot)."""
    at = data.find(PDF_MAGIC, 0, 1024)
    return at if at > 0 else None
