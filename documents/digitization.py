"""Digitisation at the counter, reuse from the personal data store, exemptions (docs/domain.md §6).

Per filed paper the system records whether it was digitised (scanned, page count checked, OCR'd and
signed), reused from the data store, taken from the national data, or exempt — the facts the service
index and the reports count.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from documents.models import ComponentFile, Digitization, StoredFile, VaultItem
from documents.ocr import ScanResult, image_pages, pdf_page_images, scan_frames, scans_to_pdf
from documents.services import component_file_add, file_store, upload_limits
from documents.validation import IMAGES, PDF, FileKind, FileRejected, inspect
from documents.validation.base import MB, parser_reason
from dossiers import events
from dossiers.models import Dossier, DossierComponent
from dossiers.services import acting_membership, local_date
from dossiers.transitions import Status
from kernel.errors import DomainError, Forbidden
from kernel.text import fold, nfc
from organization.models import Role

DIGITIZE_STATES = frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT})


def type_key(name: str) -> str:
    return fold(name)[:500]


def _check_officer(actor: User | None, dossier: Dossier) -> None:
    if actor is None or actor.is_superuser:
        return
    if acting_membership(actor, dossier.receiving_agency, {Role.ONE_STOP_OFFICER}) is None:
        raise Forbidden(f"Chỉ cán bộ một cửa của {dossier.receiving_agency.name} được số hóa hồ sơ này.")


def _check_component(dossier: Dossier, component: DossierComponent) -> None:
    if component.dossier_id != dossier.pk:
        raise DomainError("invalid_component", "Thành phần không thuộc hồ sơ này.", status=404)
    if dossier.status not in DIGITIZE_STATES:
        raise DomainError(
            "digitize_not_allowed", f"Không số hóa khi hồ sơ «{dossier.status_label}».", status=409
        )


def digitize_refusal(*, dossier: Dossier, actor: User | None) -> DomainError | None:
    """Why ``actor`` may not digitise the papers of ``dossier`` now (None: allowed)."""
    try:
        _check_officer(actor, dossier)
    except DomainError as exc:
        return exc
    if dossier.status not in DIGITIZE_STATES:
        return DomainError(
            "digitize_not_allowed", f"Không số hóa khi hồ sơ «{dossier.status_label}».", status=409
        )
    return None


def _page_images(scans: list[tuple[str, bytes]]) -> list[Image.Image]:
    """Check every scan like an upload, then return their page images in order. Every page's size is
    read from the headers first (each within the upload pixel bound) and the whole batch, which stays
    decoded until the PDF is made, within ``max_scan_decoded_bytes``, before any pixel is decoded."""
    limits = upload_limits()
    checked: list[tuple[str, bytes, FileKind]] = []
    total = 0
    for index, (name, data) in enumerate(scans):
        label = name or f"Tệp {index + 1}"
        try:
            kind = inspect(data, limits).kind
            found = scan_frames(data, kind, limits) if kind is PDF or kind.code in IMAGES else []
        except FileRejected as exc:
            raise DomainError(
                f"file_{exc.code}", f"{label}: {exc.message}", fields={f"files.{index}": [exc.message]}
            ) from exc
        except Exception as exc:  # an image dictionary pypdf cannot make sense of (a /Width that is a name…)
            message = f"Không đọc được ảnh quét ({parser_reason(exc)})."
            raise DomainError(
                "scan_unreadable", f"{label}: {message}", fields={f"files.{index}": [message]}
            ) from exc
        if kind is PDF and found is None:
            raise DomainError(
                "not_a_scan",
                f"{label}: tệp PDF không phải bản quét (mỗi trang một ảnh); hãy tải lên ảnh quét hoặc PDF quét.",
                fields={f"files.{index}": ["Không phải bản quét."]},
            )
        if not found:
            raise DomainError(
                "not_a_scan",
                f"{label}: chỉ nhận ảnh quét (JPEG, PNG, TIFF) hoặc PDF quét.",
                fields={f"files.{index}": ["Không phải ảnh quét."]},
            )
        total += sum(frame.page_bytes for frame in found)
        checked.append((label, data, kind))
    if total > limits.max_scan_decoded_bytes:
        message = (
            f"Các ảnh quét cần {total / MB:.1f} MB bộ nhớ khi giải mã, tối đa "
            f"{limits.max_scan_decoded_bytes // MB} MB cho một lần số hóa: hãy quét ở 300 dpi, "
            "ảnh xám thay cho ảnh màu."
        )
        raise DomainError("scans_too_large", message, fields={"files": [message]})
    images: list[Image.Image] = []
    for index, (label, data, kind) in enumerate(checked):
        try:
            images.extend(pdf_page_images(data, limits) if kind is PDF else image_pages(data))
        except Exception as exc:  # a page image pypdf or Pillow cannot decode (e.g. JBIG2 without jbig2dec)
            message = f"Không giải mã được ảnh quét ({parser_reason(exc)})."
            raise DomainError(
                "scan_unreadable", f"{label}: {message}", fields={f"files.{index}": [message]}
            ) from exc
    if not images:
        raise DomainError("files_required", "Cần ít nhất một ảnh quét.", fields={"files": ["Bắt buộc nhập."]})
    return images


def _record_digitization(
    component: DossierComponent,
    *,
    status: str,
    actor: User | None,
    at: datetime,
    exemption: str = "",
    declared_pages: int | None = None,
    pages: int | None = None,
    file: StoredFile | None = None,
    ocr_seconds: float | None = None,
) -> Digitization:
    digitization, _created = Digitization.objects.update_or_create(
        component=component,
        defaults={
            "status": status,
            "exemption": exemption,
            "declared_pages": declared_pages,
            "pages": pages,
            "file": file,
            "ocr_seconds": ocr_seconds,
            "by": actor,
            "at": at,
        },
    )
    _refresh_dossier_facts(component.dossier)
    return digitization


@transaction.atomic
def _refresh_dossier_facts(dossier: Dossier) -> None:
    """The dossier counts as digitised when every filed paper has a record and at least one was
    digitised, reused or taken from national data; reused when any paper was reused."""
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("version").get(pk=dossier.pk)
    components = list(dossier.components.all())
    records = {d.component_id: d for d in Digitization.objects.filter(component__dossier=dossier)}
    digital = {Digitization.Status.DIGITIZED, Digitization.Status.REUSED, Digitization.Status.NATIONAL}
    with events.flags_change(dossier):
        dossier.digitized = (
            bool(components)
            and all(c.pk in records for c in components)
            and any(r.status in digital for r in records.values())
        )
        dossier.reused = any(r.status == Digitization.Status.REUSED for r in records.values())
        dossier.save(update_fields=["digitized", "reused", "updated_at"])


def component_digitize(
    *,
    dossier: Dossier,
    component: DossierComponent,
    scans: list[tuple[str, bytes]],
    declared_pages: int,
    actor: User | None,
    at: datetime | None = None,
) -> Digitization:
    """Scan a paper filed at the counter into one PDF, check the page count against the paper the
    officer holds, OCR it in Vietnamese, sign it, attach it as the component's next version and keep a
    copy in the applicant's data store."""
    from documents.signing import sign_pdf  # the signing stack is imported only when used

    at = at or timezone.now()
    _check_component(dossier, component)
    _check_officer(actor, dossier)
    if declared_pages < 1:
        raise DomainError(
            "declared_pages_required",
            "Cần nhập số trang của bản giấy.",
            fields={"declared_pages": ["Phải từ 1 trở lên."]},
        )
    images = _page_images(scans)
    if len(images) != declared_pages:
        raise DomainError(
            "page_count_mismatch",
            f"Bản số hóa có {len(images)} trang, khác số trang bản giấy ({declared_pages}): hãy quét lại cho đủ.",
            fields={"declared_pages": [f"Bản quét có {len(images)} trang."]},
        )
    scan: ScanResult = scans_to_pdf(images)
    signer = actor.display_name if actor else "Hệ thống"
    signed = sign_pdf(
        scan.pdf,
        agency=dossier.receiving_agency,
        signer_name=signer,
        reason="Số hóa thành phần hồ sơ",
        location=dossier.receiving_agency.name,
        stamp_lines=[f"Mã hồ sơ: {dossier.reference}", "Bản số hóa từ bản giấy"],
        qr_url=None,
    )
    name = f"{component.name[:80]}.pdf"
    with transaction.atomic():
        stored = file_store(data=signed, name=name, actor=actor, text=scan.text)
        component_file_add(
            component=component, stored=stored, source=ComponentFile.Source.DIGITIZED, actor=actor
        )
        digitization = _record_digitization(
            component,
            status=Digitization.Status.DIGITIZED,
            actor=actor,
            at=at,
            declared_pages=declared_pages,
            pages=scan.pages,
            file=stored,
            ocr_seconds=scan.seconds if scan.ocr else None,
        )
        VaultItem.objects.get_or_create(
            owner=dossier.applicant,
            file=stored,
            defaults={
                "doc_type": nfc(component.name)[:500],
                "type_key": type_key(component.name),
                "source": VaultItem.Source.DIGITIZED,
                "dossier": dossier,
                "issued_on": None,
            },
        )
    return digitization


@transaction.atomic
def component_mark(
    *,
    dossier: Dossier,
    component: DossierComponent,
    status: str,
    exemption: str = "",
    actor: User | None,
    at: datetime | None = None,
) -> Digitization:
    """Record a paper as taken from the national data store or exempt from digitisation (online dossier,
    paper only shown, classified paper)."""
    at = at or timezone.now()
    _check_component(dossier, component)
    _check_officer(actor, dossier)
    if status == Digitization.Status.EXEMPT:
        if exemption not in Digitization.Exemption.values:
            raise DomainError(
                "exemption_required",
                "Cần nêu lý do không số hóa: online, shown_only hoặc classified.",
                fields={"exemption": ["Bắt buộc nhập."]},
            )
        if exemption == Digitization.Exemption.ONLINE and dossier.channel != "online":
            raise DomainError(
                "not_online", "Hồ sơ không nộp trực tuyến.", fields={"exemption": ["Không đúng."]}
            )
    elif status != Digitization.Status.NATIONAL:
        raise DomainError(
            "invalid_status",
            "Chỉ ghi nhận «national» hoặc «exempt» ở đây; số hóa và tái sử dụng có thao tác riêng.",
            fields={"status": ["Không hợp lệ."]},
        )
    return _record_digitization(
        component, status=status, exemption=exemption if status == "exempt" else "", actor=actor, at=at
    )


@transaction.atomic
def component_reuse(
    *,
    dossier: Dossier,
    component: DossierComponent,
    item: VaultItem,
    actor: User | None,
    at: datetime | None = None,
) -> ComponentFile:
    """Use a paper the applicant's data store already holds (same type, still valid) instead of a new
    upload; the paper is marked reused (an index indicator)."""
    at = at or timezone.now()
    if component.dossier_id != dossier.pk:
        raise DomainError("invalid_component", "Thành phần không thuộc hồ sơ này.", status=404)
    if item.owner_id != dossier.applicant_id:
        raise DomainError("not_owner", "Giấy tờ không thuộc kho dữ liệu của người nộp hồ sơ này.", status=404)
    is_applicant = actor is not None and dossier.applicant.user_id == actor.pk
    allowed_states = (
        {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.AWAITING_SUPPLEMENT}
        if is_applicant
        else set(DIGITIZE_STATES) | {Status.SUBMITTED}
    )
    if dossier.status not in allowed_states:
        raise DomainError(
            "reuse_not_allowed",
            f"Không thể tái sử dụng giấy tờ khi hồ sơ «{dossier.status_label}».",
            status=409,
        )
    if not is_applicant:
        _check_officer(actor, dossier)
    if item.expires_on is not None and item.expires_on < local_date(at):
        raise DomainError(
            "expired", f"«{item.doc_type}» đã hết hạn từ {item.expires_on:%d/%m/%Y}.", status=409
        )
    wanted, have = type_key(component.name), item.type_key
    if not (wanted and have and (wanted in have or have in wanted)):
        raise DomainError(
            "type_mismatch",
            f"«{item.doc_type}» không phải loại giấy tờ «{component.name[:120]}».",
            status=409,
        )
    added = component_file_add(
        component=component, stored=item.file, source=ComponentFile.Source.REUSED, actor=actor
    )
    _record_digitization(
        component,
        status=Digitization.Status.REUSED,
        actor=actor,
        at=at,
        file=item.file,
        pages=item.file.pages,
    )
    return added
