"""The kinds of file motcua accepts, the limits it holds them to, and the refusal. No Django."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Every bound a hostile file could otherwise push: size, pages, objects, decoded bytes, pixels."""

    max_bytes: int = 20 * MB
    max_pdf_pages: int = 300
    # A 300-page report from a word processor has a few tens of thousands of objects.
    max_pdf_objects: int = 100_000
    # Object and cross-reference streams hold dictionaries, not pictures: a 290-page report with 11,000
    # links packs 2 MB of them.
    max_pdf_stream_bytes: int = 8 * MB
    max_pdf_decoded_bytes: int = 8 * MB
    # Reads of the tokenizer, which bound the time parsing can take (a few µs each); see pdf.py.
    max_pdf_parse_reads: int = 4_000_000
    # 40 Mpx: an A4 page scanned at 600 dpi is 35 Mpx, an A3 page at 400 dpi 31 Mpx, a phone photo
    # 12–24 Mpx. Checked from the header, before any pixel is decoded (see images.py for the cost).
    max_image_pixels: int = 40_000_000
    max_tiff_frames: int = 300
    # Digitisation keeps every page of a batch decoded until the PDF is made: bound the sum.
    max_scan_decoded_bytes: int = 1024 * MB
    max_zip_members: int = 5_000
    max_zip_uncompressed: int = 100 * MB
    max_zip_ratio: int = 100


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class FileKind:
    code: str
    content_type: str
    extension: str
    label: str


PDF = FileKind("pdf", "application/pdf", "pdf", "PDF")
JPEG = FileKind("jpeg", "image/jpeg", "jpg", "ảnh JPEG")
PNG = FileKind("png", "image/png", "png", "ảnh PNG")
TIFF = FileKind("tiff", "image/tiff", "tif", "ảnh TIFF")
DOCX = FileKind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word (.docx)"
)
XLSX = FileKind(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (.xlsx)"
)
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", "odt", "OpenDocument (.odt)")
ODS = FileKind("ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument (.ods)")
DOC = FileKind("doc", "application/msword", "doc", "Word 97-2003 (.doc)")
XLS = FileKind("xls", "application/vnd.ms-excel", "xls", "Excel 97-2003 (.xls)")

ALLOWED = (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT, ODS, DOC, XLS)
ALLOWED_LABEL = "PDF, JPEG, PNG, TIFF, Word, Excel, OpenDocument"
IMAGES = frozenset({JPEG.code, PNG.code, TIFF.code})
ZIPPED = frozenset({DOCX.code, XLSX.code, ODT.code, ODS.code})


class FileRejected(ValueError):
    """A file motcua does not accept; ``code`` is stable for programs, ``message`` says exactly why, in
    Vietnamese (shown to officers and citizens as is)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parser_reason(exc: BaseException, limit: int = 160) -> str:
    """What a parser said about a broken file, short and on one line, for the end of a refusal."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
