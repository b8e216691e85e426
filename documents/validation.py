"""What a file really is, and whether motcua accepts it. Pure Python (pypdf, Pillow), no Django.

The type comes from the bytes, never from the name or the browser's content type. Every refusal is a
``FileRejected`` with a precise Vietnamese message (shown to officers and citizens as is).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB
    max_pdf_pages: int = 300
    max_image_pixels: int = 60_000_000  # a 600-dpi A3 scan is ~70 Mpx in colour; refuse bombs well above
    max_tiff_frames: int = 300
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


class FileRejected(ValueError):
    """A file motcua does not accept; ``message`` says exactly why, in Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Inspected:
    kind: FileKind
    size: int
    pages: int | None  # PDF pages, image frames; None for office files


def sniff(data: bytes) -> FileKind | None:
    """The allowed kind the bytes are, or None."""
    head = data[:16]
    if head.startswith(b"%PDF-") or (b"%PDF-" in data[:1024]):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def _ole_kind(data: bytes) -> FileKind | None:
    # Legacy Office files are OLE2 containers; the stream names tell Word from Excel.
    sample = data[: 512 * 1024]
    if "WordDocument".encode("utf-16-le") in sample:
        return DOC
    if "Workbook".encode("utf-16-le") in sample or "Book".encode("utf-16-le") in sample:
        return XLS
    return None


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def inspect(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Inspected:
    """Check ``data`` against the allow-list and the limits; the kind and page count, or FileRejected."""
    size = len(data)
    if size == 0:
        raise FileRejected("empty", "Tệp rỗng (0 byte).")
    if size > limits.max_bytes:
        raise FileRejected(
            "too_large", f"Tệp quá lớn: {size / MB:.1f} MB, tối đa {limits.max_bytes // MB} MB."
        )
    kind = sniff(data)
    if kind is None:
        raise FileRejected(
            "type_not_allowed",
            f"Loại tệp không được chấp nhận (theo nội dung tệp). Chỉ nhận: {ALLOWED_LABEL}.",
        )
    if kind is PDF:
        return Inspected(kind, size, _inspect_pdf(data, limits))
    if kind.code in IMAGES:
        return Inspected(kind, size, _inspect_image(data, kind, limits))
    _inspect_office(data, kind, limits)
    return Inspected(kind, size, None)


_PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


def _inspect_pdf(data: bytes, limits: Limits) -> int:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRejected(
                "pdf_encrypted", "Tệp PDF được mã hóa hoặc đặt mật khẩu: hãy nộp bản không mã hóa."
            )
        pages = len(reader.pages)
        if pages == 0:
            raise FileRejected("pdf_malformed", "Tệp PDF không có trang nào.")
        for page in reader.pages[:3]:
            page.mediabox  # noqa: B018 - touching the first pages makes a broken page tree fail here
    except FileRejected:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        AssertionError,
    ) as exc:
        raise FileRejected("pdf_malformed", "Tệp PDF bị hỏng hoặc sai cấu trúc, không đọc được.") from exc
    if pages > limits.max_pdf_pages:
        raise FileRejected(
            "too_many_pages", f"Tệp PDF có {pages} trang, tối đa {limits.max_pdf_pages} trang."
        )
    # Active content has no place in an administrative document (and is how PDF malware runs).
    found = next((marker for marker in _PDF_ACTIVE if marker in data), None)
    if found is not None:
        name = found.decode().strip("/ (<")
        raise FileRejected(
            "pdf_active_content", f"Tệp PDF chứa thành phần thực thi ({name}): không được chấp nhận."
        )
    return pages


def _inspect_image(data: bytes, kind: FileKind, limits: Limits) -> int:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > limits.max_image_pixels:
                raise FileRejected(
                    "image_too_large",
                    f"Ảnh quá lớn ({width}×{height} điểm ảnh); hãy quét ở độ phân giải thấp hơn.",
                )
            frames = getattr(image, "n_frames", 1)
            if frames > limits.max_tiff_frames:
                raise FileRejected(
                    "too_many_pages", f"Ảnh TIFF có {frames} trang, tối đa {limits.max_tiff_frames}."
                )
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode the pixels; a truncated file fails here
    except FileRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise FileRejected("image_malformed", f"Tệp {kind.label} bị hỏng, không đọc được.") from exc
    return int(frames)


def _inspect_office(data: bytes, kind: FileKind, limits: Limits) -> None:
    if kind in (DOC, XLS):
        if b"_VBA_PROJECT" in data or "_VBA_PROJECT".encode("utf-16-le") in data:
            raise FileRejected("macro", f"Tệp {kind.label} chứa macro: không được chấp nhận.")
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        compressed = sum(info.compress_size for info in infos) or 1
        if total > limits.max_zip_uncompressed or total / compressed > limits.max_zip_ratio:
            raise FileRejected(
                "zip_bomb", f"Tệp {kind.label} có nội dung nén bất thường: không được chấp nhận."
            )
        if any(info.filename.lower().endswith("vbaproject.bin") for info in infos):
            raise FileRejected("macro", f"Tệp {kind.label} chứa macro: không được chấp nhận.")
        if archive.testzip() is not None:
            raise FileRejected("office_malformed", f"Tệp {kind.label} bị hỏng, không đọc được.")


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
