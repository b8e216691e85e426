"""Files of dossiers: upload a component's file (a new version each time), list versions, download."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from accounts.models import User
from documents import certification, digitization, services
from documents.downloads import accessible_file, record_file_read
from documents.models import CertifiedCopy, ComponentFile, Digitization, StoredFile, VaultItem
from dossiers.models import Dossier, DossierComponent
from dossiers.selectors import dossier_get, visible_dossiers
from dossiers.services import ApplicantData, acting_membership
from kernel.api_errors import errors
from kernel.errors import DomainError, NotFound
from kernel.pagination import Page, PageParams, paginate
from kernel.text import fold
from organization.models import Agency
from organization.selectors import DOSSIER_ROLES, user_scope

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
    response={201: ComponentFileOut, **errors(403, 404, 409)},
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
    response={200: list[ComponentFileOut], **errors(404)},
    summary="Các phiên bản tệp của một thành phần hồ sơ",
)
def component_files(request: HttpRequest, code: str, component_id: int) -> list[dict[str, Any]]:
    assert isinstance(request.user, User)
    _dossier, component = dossier_component(request.user, code, component_id)
    return [
        component_file_payload(item)
        for item in component.files.select_related("file__blob").order_by("version")
    ]


@router.get("/files/{file_uuid}", summary="Tải tệp", response={200: None, **errors(404)})
def file_download(request: HttpRequest, file_uuid: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    stored = accessible_file(user, file_uuid)
    record_file_read(request, user, stored)
    response = HttpResponse(services.file_read(stored), content_type=stored.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DigitizationOut(Schema):
    component: int
    status: str
    exemption: str
    declared_pages: int | None
    pages: int | None
    ocr: bool
    ocr_seconds: float | None
    file: StoredFileOut | None
    at: datetime


def digitization_payload(item: Digitization) -> dict[str, Any]:
    return {
        "component": item.component_id,
        "status": item.status,
        "exemption": item.exemption,
        "declared_pages": item.declared_pages,
        "pages": item.pages,
        "ocr": bool(item.file and item.file.text),
        "ocr_seconds": item.ocr_seconds,
        "file": stored_file_payload(item.file) if item.file else None,
        "at": item.at,
    }


@router.post(
    "/dossiers/{code}/components/{component_id}/digitize",
    response={201: DigitizationOut, **errors(403, 404, 409, 503)},
    summary="Số hóa giấy tờ tại bộ phận một cửa: quét, kiểm tra số trang, OCR, ký số",
)
def component_digitize(
    request: HttpRequest,
    code: str,
    component_id: int,
    declared_pages: Form[int],
    files: File[list[UploadedFile]],
) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    dossier, component = dossier_component(user, code, component_id)
    scans = [(upload.name or f"trang-{i + 1}", read_upload(upload)) for i, upload in enumerate(files)]
    item = digitization.component_digitize(
        dossier=dossier, component=component, scans=scans, declared_pages=declared_pages, actor=user
    )
    return Status(201, digitization_payload(item))


class MarkIn(Schema):
    status: str = Field(
        ..., description="national (lấy từ kho dữ liệu quốc gia) hoặc exempt (không phải số hóa)"
    )
    exemption: str = Field("", description="online | shown_only | classified (khi exempt)")


@router.post(
    "/dossiers/{code}/components/{component_id}/digitization",
    response={200: DigitizationOut, **errors(403, 404, 409)},
    summary="Ghi nhận giấy tờ lấy từ kho dữ liệu quốc gia hoặc không phải số hóa",
)
def component_mark(request: HttpRequest, code: str, component_id: int, data: MarkIn) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    dossier, component = dossier_component(user, code, component_id)
    item = digitization.component_mark(
        dossier=dossier, component=component, status=data.status, exemption=data.exemption, actor=user
    )
    return digitization_payload(item)


class ReuseIn(Schema):
    vault_item: int


@router.post(
    "/dossiers/{code}/components/{component_id}/reuse",
    response={201: ComponentFileOut, **errors(403, 404, 409)},
    summary="Tái sử dụng giấy tờ trong kho dữ liệu của người nộp",
)
def component_reuse(
    request: HttpRequest, code: str, component_id: int, data: ReuseIn
) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    dossier, component = dossier_component(user, code, component_id)
    item = (
        VaultItem.objects.filter(pk=data.vault_item, owner=dossier.applicant)
        .select_related("file__blob")
        .first()
    )
    if item is None:
        raise NotFound("Không tìm thấy giấy tờ trong kho dữ liệu của người nộp hồ sơ.")
    added = digitization.component_reuse(dossier=dossier, component=component, item=item, actor=user)
    return Status(201, component_file_payload(added))


class VaultItemOut(Schema):
    id: int
    doc_type: str
    number: str
    issuer: str
    issued_on: date | None
    expires_on: date | None
    valid: bool
    source: str
    dossier: str | None
    created_at: datetime
    file: StoredFileOut


def vault_payload(item: VaultItem, today: date) -> dict[str, Any]:
    return {
        "id": item.pk,
        "doc_type": item.doc_type,
        "number": item.number,
        "issuer": item.issuer,
        "issued_on": item.issued_on,
        "expires_on": item.expires_on,
        "valid": item.expires_on is None or item.expires_on >= today,
        "source": item.source,
        "dossier": item.dossier.reference if item.dossier else None,
        "created_at": item.created_at,
        "file": stored_file_payload(item.file),
    }


@router.get(
    "/vault",
    response={200: list[VaultItemOut], **errors(404)},
    summary="Kho dữ liệu của tôi (công dân, tổ chức)",
)
def vault_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    applicant = getattr(user, "applicant", None)
    if applicant is None:
        raise DomainError("no_vault", "Tài khoản này không có kho dữ liệu cá nhân, tổ chức.", status=404)
    today = timezone.localdate()
    items = (
        VaultItem.objects.filter(owner=applicant)
        .select_related("file__blob", "dossier")
        .order_by("-created_at")
    )
    return [vault_payload(item, today) for item in items]


@router.get(
    "/dossiers/{code}/vault",
    response={200: list[VaultItemOut], **errors(404)},
    summary="Giấy tờ trong kho dữ liệu của người nộp có thể tái sử dụng cho hồ sơ này",
)
def dossier_vault(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Officers see only what the dossiers they handle can use: the applicant's valid papers whose type
    matches one of this dossier's components."""
    user = request.user
    assert isinstance(user, User)
    dossier = dossier_get(user=user, reference=code)
    today = timezone.localdate()
    wanted = [digitization.type_key(c.name) for c in dossier.components.all()]
    items = VaultItem.objects.filter(owner=dossier.applicant).select_related("file__blob", "dossier")
    matching = [
        item
        for item in items
        if (item.expires_on is None or item.expires_on >= today)
        and any(w and item.type_key and (w in item.type_key or item.type_key in w) for w in wanted)
    ]
    return [vault_payload(item, today) for item in matching]


class SearchHitOut(Schema):
    dossier: str
    component: int | None
    file: StoredFileOut
    snippet: str


@router.get(
    "/documents/search",
    response={200: list[SearchHitOut], **errors(403)},
    summary="Tìm trong nội dung giấy tờ đã số hóa (OCR), không cần dấu",
)
def document_search(request: HttpRequest, q: str) -> list[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    words = fold(q).split()
    if not words or len(q) > 200:
        raise DomainError("invalid_query", "Cần từ khóa (tối đa 200 ký tự).", fields={"q": ["Không hợp lệ."]})
    files = ComponentFile.objects.filter(component__dossier__in=visible_dossiers(user)).select_related(
        "file", "component__dossier"
    )
    for word in words:
        files = files.filter(file__text_folded__contains=word)
    hits = []
    for item in files.order_by("-created_at")[:50]:
        text = item.file.text
        position = fold(text).find(words[0])
        start = max(0, position - 60)
        hits.append(
            {
                "dossier": item.component.dossier.reference,
                "component": item.component_id,
                "file": stored_file_payload(item.file),
                "snippet": text[start : start + 200].strip(),
            }
        )
    return hits


def _reaches(user: User, agency: Agency) -> bool:
    """The agency is in the user's scope, or the user works in a unit inside it (a commune's centre)."""
    # The register names the requesters: the roles that work on dossiers, not the administrators.
    return user_scope(user, DOSSIER_ROLES).allows(agency) or (
        acting_membership(user, agency, DOSSIER_ROLES) is not None
    )


class CertifiedCopyOut(Schema):
    id: int
    register_number: str
    agency: str
    requester: str
    document_title: str
    original_number: str
    original_issuer: str
    pages: int
    certified_at: datetime
    certified_by: str
    vault_item: int
    file: StoredFileOut


def certified_copy_payload(copy: CertifiedCopy) -> dict[str, Any]:
    return {
        "id": copy.pk,
        "register_number": copy.register_number,
        "agency": copy.agency.code,
        "requester": copy.requester.name,
        "document_title": copy.document_title,
        "original_number": copy.original_number,
        "original_issuer": copy.original_issuer,
        "pages": copy.pages,
        "certified_at": copy.certified_at,
        "certified_by": copy.certified_by.display_name,
        "vault_item": copy.vault_item_id,
        "file": stored_file_payload(copy.file),
    }


@router.post(
    "/certified-copies",
    response={201: CertifiedCopyOut, **errors(403, 404, 409)},
    summary="Chứng thực bản sao điện tử từ bản chính (cấp xã)",
)
def certified_copy_create(
    request: HttpRequest,
    agency: Form[str],
    document_title: Form[str],
    declared_pages: Form[int],
    requester_name: Form[str],
    files: File[list[UploadedFile]],
    requester_national_id: Form[str] = "",
    requester_tax_code: Form[str] = "",
    original_number: Form[str] = "",
    original_issuer: Form[str] = "",
) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    place = Agency.objects.filter(code=agency, is_active=True).first()
    if place is None or not _reaches(user, place):
        raise NotFound("Không tìm thấy cơ quan.")
    requester = ApplicantData(
        name=requester_name,
        kind="organization" if requester_tax_code and not requester_national_id else "individual",
        national_id=requester_national_id.strip(),
        tax_code=requester_tax_code.strip(),
    )
    scans = [(upload.name or f"trang-{i + 1}", read_upload(upload)) for i, upload in enumerate(files)]
    copy = certification.certified_copy_issue(
        agency=place,
        requester=requester,
        document_title=document_title,
        scans=scans,
        declared_pages=declared_pages,
        actor=user,
        original_number=original_number,
        original_issuer=original_issuer,
    )
    return Status(201, certified_copy_payload(copy))


@router.get(
    "/certified-copies",
    response={200: Page[CertifiedCopyOut], **errors(403, 404)},
    summary="Sổ chứng thực bản sao điện tử",
)
def certified_copy_register(
    request: HttpRequest, agency: str, year: int, paging: Query[PageParams]
) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    place = Agency.objects.filter(code=agency).first()
    if place is None or not _reaches(user, place):
        raise NotFound("Không tìm thấy cơ quan.")
    copies = (
        CertifiedCopy.objects.filter(agency=place, year=year)
        .select_related("agency", "requester", "certified_by", "file__blob")
        .order_by("number")
    )
    page = paginate(copies, paging)
    page["items"] = [certified_copy_payload(c) for c in page["items"]]
    return page
