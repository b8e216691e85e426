"""Storing files safely, and attaching them to dossiers as versioned components.

``file_store`` is the one way a file enters motcua: type sniffed from the bytes, allow-list and limits,
SHA-256, sanitised name, written once to the configured storage (local folder or S3) under a
content-addressed name. A refusal says exactly why, in Vietnamese, and stores nothing.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.models import User
from documents.models import Blob, ComponentFile, StoredFile
from documents.validation import FileRejected, Inspected, Limits, inspect, safe_name
from dossiers.models import Dossier, DossierComponent
from dossiers.services import acting_membership
from dossiers.transitions import Status
from kernel.errors import DomainError, Forbidden
from kernel.text import fold, nfc
from organization.models import Role

logger = logging.getLogger(__name__)


def upload_limits() -> Limits:
    return Limits(
        max_bytes=settings.MOTCUA_UPLOAD_MAX_MB * 1024 * 1024,
        max_pdf_pages=settings.MOTCUA_UPLOAD_MAX_PAGES,
        max_image_pixels=settings.MOTCUA_UPLOAD_MAX_MEGAPIXELS * 1_000_000,
    )


def storage_name_for(sha256: str, extension: str) -> str:
    """Content-addressed: the same bytes always land at the same name, and a name never changes content."""
    return f"files/{sha256[:2]}/{sha256[2:4]}/{sha256}.{extension}"


def file_store(
    *, data: bytes, name: str, actor: User | None, text: str = "", limits: Limits | None = None
) -> StoredFile:
    """Check and store ``data``: a new upload record (its own name, uploader and text) every time; the
    bytes are written once per content and shared (``Blob``), so identical uploads by two people share
    storage but neither sees the other's file name (docs/adr/0010)."""
    try:
        inspected = inspect(data, limits or upload_limits())
    except FileRejected as exc:
        raise DomainError(f"file_{exc.code}", exc.message, fields={"file": [exc.message]}) from exc
    kind = inspected.kind
    blob = _blob_store(data, inspected)
    text = nfc(text)
    return StoredFile.objects.create(
        blob=blob,
        name=safe_name(name, kind),
        text=text,
        text_folded=fold(text),
        created_by=actor,
    )


def _blob_store(data: bytes, inspected: Inspected) -> Blob:
    """The blob of these bytes: the existing one, or written now."""
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Blob.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    kind = inspected.kind
    target = storage_name_for(sha256, kind.extension)
    exists = default_storage.exists(target)
    saved = target if exists else default_storage.save(target, ContentFile(data))
    try:
        with transaction.atomic():
            return Blob.objects.create(
                sha256=sha256,
                size=inspected.size,
                kind=kind.code,
                content_type=kind.content_type,
                storage_name=saved,
                pages=inspected.pages,
            )
    except IntegrityError:
        # Another request stored the same bytes at the same moment: share its blob.
        raced = Blob.objects.filter(sha256=sha256).first()
        if raced is not None:
            return raced
        _discard(saved, target)
        raise
    except Exception:
        _discard(saved, target)
        raise


def _discard(saved: str, target: str) -> None:
    """The blob row did not make it: do not leave the bytes behind (unless another blob owns them)."""
    if saved != target or not Blob.objects.filter(storage_name=saved).exists():
        default_storage.delete(saved)


def file_read(stored: StoredFile) -> bytes:
    with default_storage.open(stored.storage_name, "rb") as fh:
        data: bytes = fh.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        # Immutability check: the bytes in storage must be the bytes we recorded.
        logger.error("stored file %s does not match its SHA-256", stored.storage_name)
        raise DomainError(
            "file_corrupted",
            "Tệp lưu trữ không khớp mã băm đã ghi nhận; hãy báo quản trị hệ thống.",
            status=409,
        )
    return data


# States in which each party may add files to a dossier's components.
APPLICANT_UPLOAD_STATES = frozenset(
    {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.AWAITING_SUPPLEMENT}
)
OFFICER_UPLOAD_STATES = frozenset(
    {Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT}
)


def check_may_attach(*, actor: User | None, dossier: Dossier) -> None:
    """The applicant while the dossier is theirs to complete; a one-stop officer or specialist of the
    dossier's agencies while it is being received or processed."""
    if actor is None or actor.is_superuser:
        return
    if dossier.applicant.user_id == actor.pk:
        if dossier.status not in APPLICANT_UPLOAD_STATES:
            raise DomainError(
                "upload_not_allowed",
                f"Không thể nộp thêm tệp khi hồ sơ «{dossier.status_label}».",
                status=409,
            )
        return
    if dossier.status not in OFFICER_UPLOAD_STATES:
        raise DomainError(
            "upload_not_allowed", f"Không thể đính kèm tệp khi hồ sơ «{dossier.status_label}».", status=409
        )
    roles = {Role.ONE_STOP_OFFICER, Role.SPECIALIST}
    if not any(
        acting_membership(actor, agency, roles)
        for agency in (dossier.receiving_agency, dossier.handling_agency)
    ):
        raise Forbidden("Chỉ người nộp hồ sơ hoặc cán bộ tiếp nhận, thụ lý được đính kèm tệp.")


def officer_attach_refusal(*, actor: User | None, dossier: Dossier) -> DomainError | None:
    """``check_may_attach`` for an officer (what the workspace offers), as an answer (None: allowed):
    the state first, whoever asks, then the role."""
    if dossier.status not in OFFICER_UPLOAD_STATES:
        return DomainError(
            "upload_not_allowed", f"Không thể đính kèm tệp khi hồ sơ «{dossier.status_label}».", status=409
        )
    try:
        check_may_attach(actor=actor, dossier=dossier)
    except DomainError as exc:
        return exc
    return None


@transaction.atomic
def component_file_add(
    *, component: DossierComponent, stored: StoredFile, source: str, actor: User | None
) -> ComponentFile:
    """Add a new version of a component's file: earlier versions stay as they were."""
    DossierComponent.objects.select_for_update().get(pk=component.pk)  # serialise versions of one component
    number = (component.files.aggregate(n=Max("version"))["n"] or 0) + 1
    supplement = component.dossier.status == Status.AWAITING_SUPPLEMENT
    return ComponentFile.objects.create(
        component=component,
        version=number,
        file=stored,
        source=source,
        supplement=supplement,
        created_by=actor,
    )


def component_upload(
    *, dossier: Dossier, component: DossierComponent, data: bytes, name: str, actor: User | None
) -> ComponentFile:
    """Validate, store and attach an uploaded file as the next version of ``component``."""
    if component.dossier_id != dossier.pk:
        raise DomainError("invalid_component", "Thành phần không thuộc hồ sơ này.", status=404)
    check_may_attach(actor=actor, dossier=dossier)
    stored = file_store(data=data, name=name, actor=actor)
    return component_file_add(
        component=component, stored=stored, source=ComponentFile.Source.UPLOADED, actor=actor
    )
