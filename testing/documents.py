"""Files as people bring them (PDF, JPEG, a scanned page) and the document endpoints that take them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw, ImageFont

from testing.dossiers import COMMUNE_A

FONT = "dossiers/static/dossiers/fonts/LiberationSerif-Regular.ttf"


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(text: str = "", size: tuple[int, int] = (400, 300)) -> bytes:
    image = Image.new("RGB", size, "white")
    if text:
        ImageDraw.Draw(image).text((10, 10), text, fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def scan(lines: list[str]) -> bytes:
    """A page as a scanner would give it: 300 dpi, black text on white."""
    font = ImageFont.truetype(FONT, 44)
    image = Image.new("L", (1654, 700), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((100, 80 + i * 100), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def dossier_component(dossier: dict[str, Any]) -> int:
    from dossiers.models import Dossier

    return int(Dossier.objects.get(code=dossier["code"]).components.first().pk)


def _bearer(user: Any) -> dict[str, str]:
    from accounts.services import token_create

    raw, _ = token_create(user=user)
    return {"Authorization": f"Bearer {raw}"}


def upload(user: Any, code: str, component: int, name: str, data: bytes) -> tuple[int, Any]:
    """POST one file to the upload endpoint as ``user``: (status, JSON body)."""
    response = Client().post(
        f"/api/v1/dossiers/{code}/components/{component}/files",
        {"file": SimpleUploadedFile(name, data)},
        headers=_bearer(user),
    )
    return response.status_code, response.json()


def certify(user: Any, files: list[tuple[str, bytes]], **fields: Any) -> tuple[int, Any]:
    """Ask for a certified copy of an original of commune A as ``user``: (status, JSON body)."""
    data = {
        "agency": COMMUNE_A,
        "document_title": "Bằng tốt nghiệp trung học phổ thông",
        "declared_pages": 1,
        "requester_name": "Nguyễn Thị Dân",
        "requester_national_id": "033190001234",
        **fields,
        "files": [SimpleUploadedFile(name, content) for name, content in files],
    }
    response = Client().post("/api/v1/certified-copies", data, headers=_bearer(user))
    return response.status_code, response.json()
