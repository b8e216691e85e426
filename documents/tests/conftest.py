from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    """Each test stores files in its own folder (the storage backend is re-created on change)."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


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


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def dossier(api: Any, officer_a: Any, clock: Any) -> dict[str, Any]:
    """A birth registration received at the counter of commune A, with one paper to attach files to."""
    from catalog.models import Procedure
    from dossiers.tests.conftest import counter_body, vn

    clock(vn(2026, 3, 2, 9, 0))
    requirement = Procedure.objects.get(code="1.001193").current_version.components.first()
    status, body = api(officer_a).post(
        "dossiers", counter_body(components=[{"requirement": requirement.pk, "originals": 1}])
    )
    assert status == 201, body
    return dict(body)


def dossier_component(dossier: dict[str, Any]) -> int:
    from dossiers.models import Dossier

    return int(Dossier.objects.get(code=dossier["code"]).components.first().pk)


def upload(user: Any, code: str, component: int, name: str, data: bytes) -> tuple[int, Any]:
    """POST one file to the upload endpoint as ``user``: (status, JSON body)."""
    from accounts.services import token_create

    raw, _ = token_create(user=user)
    response = Client().post(
        f"/api/v1/dossiers/{code}/components/{component}/files",
        {"file": SimpleUploadedFile(name, data)},
        headers={"Authorization": f"Bearer {raw}"},
    )
    return response.status_code, response.json()
