"""Files of dossiers: upload a component's file (a new version each time), list versions, download."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.models import User
from documents import services
from documents.models import ComponentFile, StoredFile, VaultItem
from dossiers.models import Dossier, DossierComponent
from dossiers.selectors import dossier_get, visible_dossiers
from motcua.errors import DomainError, NotFound

router = Router(tags=["Tệp hồ sơ"])


class StoredFileOut(Schema):
    uuid: str
    name: str
    kind: str
    content_type: str
    size: int
    pages: int | None
    sha256: str
    url: str


class ComponentFileOut(Schema):
    component: int
    version: int
    source: str
    supplement: bool
    created_at: datetime
    file: StoredFileOut


def stored_file_payload(stored: StoredFile) -> dict[str, Any]:
    return {
        "uuid": str(stored.uuid),
        "name": stored.name,
        "kind": stored.kind,
        "content_type": stored.content_type,
        "size": stored.size,
        "pages": stored.pages,
        "sha256": stored.sha256,
        "url": f"/api/v1/files/{stored.uuid}",
    }


def component_file_payload(item: ComponentFile) -> dict[str, Any]:
    return {
        "component": item.component_id,
        "version": item.version,
        "source": item.source,
        "supplement": item.supplement,
        "created_at": item.created_at,
        "file": stored_file_payload(item.file),
    }


def read_upload(upload: UploadedFile) -> bytes:
    """The uploaded bytes, refusing an oversized file before reading it into memory."""
    limit = services.upload_limits().max_bytes
    if upload.size is not None and upload.size > limit:
        message = f"Tệp quá lớn: {upload.size / 1024 / 1024:.1f} MB, tối đa {limit // 1024 // 1024} MB."
        raise DomainError("file_too_large", message, fields={"file": [message]})
    return upload.read()


def dossier_component(user: User, code: str, component_id: int) -> tuple[Dossier, DossierComponent]:
    dossier = dossier_get(user=user, reference=code)
    component = dossier.components.filter(pk=component_id).first()
    if component is None:
        raise NotFound("Không tìm thấy thành phần hồ sơ.")
    return dossier, component


@router.post(
    "/dossiers/{code}/components/{component_id}/files",
    response={201: ComponentFileOut},
    summary="Tải lên tệp của một thành phần hồ sơ (phiên bản mới)",
)
def component_upload(
    request: HttpRequest, code: str, component_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    dossier, component = dossier_component(user, code, component_id)
    item = services.component_upload(
        dossier=dossier, component=component, data=read_upload(file), name=file.name or "", actor=user
    )
    return Status(201, component_file_payload(item))


@router.get(
    "/dossiers/{code}/components/{component_id}/files",
    response=list[ComponentFileOut],
    summary="Các phiên bản tệp của một thành phần hồ sơ",
)
def component_files(request: HttpRequest, code: str, component_id: int) -> list[dict[str, Any]]:
    assert isinstance(request.user, User)
    _dossier, component = dossier_component(request.user, code, component_id)
    return [
        component_file_payload(item) for item in component.files.select_related("file").order_by("version")
    ]


def accessible_file(user: User, file_uuid: str) -> StoredFile:
    """A file the user may download: used by a dossier they may see, or in their own data store."""
    try:
        stored = StoredFile.objects.filter(uuid=uuid.UUID(file_uuid)).first()
    except ValueError:
        stored = None
    if stored is None:
        raise NotFound("Không tìm thấy tệp.")
    dossiers = visible_dossiers(user)
    used = (
        dossiers.filter(Q(components__files__file=stored) | Q(results__file=stored)).exists()
        or VaultItem.objects.filter(file=stored, owner__user=user).exists()
    )
    if not used and not user.is_superuser:
        raise NotFound("Không tìm thấy tệp.")
    return stored


@router.get("/files/{file_uuid}", summary="Tải tệp", response={200: None})
def file_download(request: HttpRequest, file_uuid: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    stored = accessible_file(user, file_uuid)
    response = HttpResponse(services.file_read(stored), content_type=stored.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
