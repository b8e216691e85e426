"""Scans to one searchable PDF, with Tesseract's Vietnamese model (DOMAIN §6). No Django.

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


def image_pages(data: bytes) -> list[Image.Image]:
    """Every page of an image file (a TIFF may hold several), upright and in a colour mode PDF takes."""
    pages: list[Image.Image] = []
    with Image.open(io.BytesIO(data)) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            page = ImageOps.exif_transpose(image.copy()) or image.copy()
            if page.mode not in ("RGB", "L"):
                page = page.convert("RGB")
            pages.append(page)
    return pages


def pdf_page_images(data: bytes) -> list[Image.Image] | None:
    """The scanned image of each page of a PDF made by a scanner (one image per page), or None when the
    PDF is not a plain scan (then it is kept as it is)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages: list[Image.Image] = []
    for page in reader.pages:
        images = list(page.images)
        if len(images) != 1:
            return None
        image = images[0].image
        if image is None:
            return None
        pages.append(image.convert("RGB") if image.mode not in ("RGB", "L") else image)
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
