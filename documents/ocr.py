"""Scans to one searchable PDF, with Tesseract's Vietnamese model (docs/domain.md §6). No Django.

Tesseract is a system program (Debian: tesseract-ocr, tesseract-ocr-vie), run as a subprocess per page.
Without it the scans still become one PDF (Pillow), without a text layer, and ``ocr_status()`` says
why, so that the system starts and tells users which feature is missing.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pypdf
from PIL import Image, ImageOps

from documents.validation import PDF, FileKind, FileRejected, Frame, Limits, frames
from documents.validation.images import GREY_MODES

LANGUAGE = "vie"
DPI = 300
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class OcrStatus:
    available: bool
    message: str


@dataclass(frozen=True)
class ScanResult:
    pdf: bytes
    text: str
    pages: int
    ocr: bool
    seconds: float


@lru_cache(maxsize=1)
def ocr_status() -> OcrStatus:
    """Whether Tesseract with Vietnamese is installed (checked once per process)."""
    binary = shutil.which("tesseract")
    if binary is None:
        return OcrStatus(
            False,
            "Chưa cài Tesseract (gói tesseract-ocr, tesseract-ocr-vie): bản số hóa không có "
            "lớp văn bản, không tìm kiếm được nội dung.",
        )
    try:
        listed = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return OcrStatus(False, "Không chạy được Tesseract.")
    if LANGUAGE not in listed.stdout.split():
        return OcrStatus(False, "Tesseract chưa có dữ liệu tiếng Việt (gói tesseract-ocr-vie).")
    return OcrStatus(True, "Nhận dạng chữ tiếng Việt (Tesseract) sẵn sàng.")


def scan_frames(data: bytes, kind: FileKind, limits: Limits) -> list[Frame] | None:
    """The size of every page image a scan file would decode to, read from headers and dictionaries
    only, each within ``limits.max_image_pixels``; None for a PDF that is not a plain scan (one image
    per page). Call it, and add up ``page_bytes``, before ``image_pages``/``pdf_page_images``."""
    if kind is not PDF:
        return frames(data, kind, limits)
    found: list[Frame] = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages, start=1):
        names = list(page.images.keys())  # the page's image names; decodes no image
        resources = page.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, dict) else None
        # One image, drawn by the page itself (not an inline image, not one nested in a form).
        if len(names) != 1 or not isinstance(xobjects, dict) or names[0] not in xobjects:
            return None
        image = xobjects[names[0]]
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        if width < 1 or height < 1:
            return None
        if width * height > limits.max_image_pixels:
            raise FileRejected(
                "image_too_large",
                f"Trang {number} của tệp PDF quét là ảnh {width}×{height} = {width * height / 1e6:.1f} triệu "
                f"điểm ảnh, tối đa {limits.max_image_pixels / 1e6:.0f} triệu; hãy quét ở độ phân giải thấp hơn.",
            )
        grey = image.get("/ColorSpace") == "/DeviceGray" or image.get("/ImageMask", False)
        found.append(Frame(width, height, "L" if grey else "RGB"))
    return found


def _page_mode(image: Image.Image) -> Image.Image:
    # Grey stays grey (one byte a pixel, what OCR wants); anything else becomes RGB.
    if image.mode in ("RGB", "L"):
        return image
    return image.convert("L" if image.mode in GREY_MODES else "RGB")


def image_pages(data: bytes) -> list[Image.Image]:
    """Every page of an image file (a TIFF may hold several), upright and in a colour mode PDF takes.
    Decodes everything: check ``scan_frames`` first."""
    pages: list[Image.Image] = []
    with Image.open(io.BytesIO(data)) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            page = ImageOps.exif_transpose(image.copy()) or image.copy()
            pages.append(_page_mode(page))
    return pages


def pdf_page_images(data: bytes, limits: Limits) -> list[Image.Image]:
    """The scanned image of each page of a PDF made by a scanner (one image per page). Decodes
    everything: check ``scan_frames`` first (which also says whether the PDF is a scan)."""
    pages: list[Image.Image] = []
    # pypdf refuses to allocate more than 75 MB for one image by default: an A4 page scanned in colour
    # at 600 dpi needs 105 MB. Raise that to what the pixel bound allows, no more.
    with pypdf.apply_configuration(image_maximum_buffer_size=limits.max_image_pixels * 4):
        for page in pypdf.PdfReader(io.BytesIO(data)).pages:
            image = page.images[0].image
            if image is None:
                raise ValueError("the page image cannot be decoded")
            pages.append(_page_mode(image))
    return pages


def _ocr_page(image: Image.Image, workdir: Path, index: int) -> tuple[bytes, str]:
    source = workdir / f"p{index:04d}.png"
    image.save(source, dpi=(DPI, DPI))
    base = workdir / f"p{index:04d}"
    subprocess.run(
        ["tesseract", str(source), str(base), "-l", LANGUAGE, "--dpi", str(DPI), "pdf", "txt"],
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=True,
    )
    return base.with_suffix(".pdf").read_bytes(), base.with_suffix(".txt").read_text(encoding="utf-8")


def _plain_pdf(images: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    first, rest = images[0], images[1:]
    first.save(out, "PDF", resolution=DPI, save_all=True, append_images=rest)
    return out.getvalue()


def scans_to_pdf(images: list[Image.Image]) -> ScanResult:
    """One PDF from the page images; searchable (image + invisible text) when Tesseract is available."""
    if not images:
        raise ValueError("no page")
    started = time.monotonic()
    if not ocr_status().available:
        return ScanResult(_plain_pdf(images), "", len(images), False, time.monotonic() - started)
    writer = pypdf.PdfWriter()
    texts: list[str] = []
    workers = max(1, min(len(images), os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="motcua-ocr-") as tmp, ThreadPoolExecutor(workers) as pool:
        pages = pool.map(lambda item: _ocr_page(item[1], Path(tmp), item[0]), enumerate(images, start=1))
        for page_pdf, text in pages:
            for page in pypdf.PdfReader(io.BytesIO(page_pdf)).pages:
                writer.add_page(page)
            texts.append(text.strip())
    out = io.BytesIO()
    writer.write(out)
    text = "\n\n".join(f"[Trang {i}]\n{t}" for i, t in enumerate(texts, start=1))
    return ScanResult(out.getvalue(), text, len(images), True, time.monotonic() - started)
