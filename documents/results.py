"""Issuing electronic results (docs/domain.md §4 rule 8): the handling agency's leader or clerk uploads the
result PDF; motcua signs it with the agency's certificate, stores the unsigned and the signed file,
records the result and the event, marks the dossier's result electronic, and puts the signed result
into the applicant's data store — all in one transaction, or nothing.

A dossier's result is issued once. A signed result is already in the applicant's data store and
verifiable by its QR code; a second one would silently stand beside it as an equally genuine paper.
Correcting an issued result takes a document of its own (đính chính, thay thế, thu hồi), a path
motcua does not have yet, so a second issue is refused (409 ``result_already_issued``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from documents.digitization import type_key
from documents.models import Blob, ResultDocument, VaultItem
from documents.services import file_store, upload_limits
from documents.signing import Verification, sign_pdf, verify_pdf
from documents.validation import PDF, FileRejected, inspect, sniff
from dossiers import events
from dossiers.models import Dossier, DossierStep
from dossiers.services import acting_membership, dossier_note_event, local_date
from dossiers.transitions import Status
from kernel.errors import DomainError, Forbidden, NotFound
from kernel.text import nfc
from organization.models import Agency, Role
from worktime.calendar import VN_TZ

ISSUE_ACTION = "issue_result"
ISSUER_ROLES = frozenset({Role.LEADER, Role.CLERK})
# At the last workflow step, or resolved and not yet delivered.
ISSUE_STATES = frozenset({Status.RECEIVED, Status.PROCESSING, Status.RESOLVED})
SIGNED_HEADROOM = 1024 * 1024  # a signature adds a few kB; a file at the upload limit must still fit


def verification_url(verification_id: uuid.UUID | str) -> str:
    """The public page the result's QR code opens."""
    return f"{settings.SITE_URL.rstrip('/')}/xac-thuc/{verification_id}/"


def _issuing_agency(actor: User | None, dossier: Dossier) -> Agency | None:
    """The unit the actor issues for; Forbidden unless leader or clerk of the handling agency."""
    if actor is None or actor.is_superuser:
        return dossier.handling_agency
    membership = acting_membership(actor, dossier.handling_agency, ISSUER_ROLES)
    if membership is None:
        raise Forbidden(
            f"Chỉ lãnh đạo hoặc văn thư của {dossier.handling_agency.name} được phát hành kết quả điện tử."
        )
    return membership.agency


def _check_state(dossier: Dossier) -> None:
    status = Status(dossier.status)
    if status not in ISSUE_STATES:
        raise DomainError(
            "result_not_allowed",
            f"Không phát hành kết quả khi hồ sơ «{dossier.status_label}» "
            "(chỉ khi đang giải quyết ở bước cuối hoặc đã có kết quả, chưa trả).",
            status=409,
        )
    if status == Status.RESOLVED:
        return
    active = dossier.steps.filter(state=DossierStep.State.ACTIVE).aggregate(p=Max("position"))["p"] or 0
    if dossier.steps.filter(state=DossierStep.State.WAITING, position__gte=active).exists():
        raise DomainError(
            "workflow_not_finished",
            "Hồ sơ chưa đến bước cuối của quy trình; chưa phát hành kết quả được.",
            status=409,
        )


def issued_result(dossier: Dossier) -> ResultDocument | None:
    """The result already issued for ``dossier``, if any (at most one: see the module docstring)."""
    return dossier.results.order_by("signed_at", "pk").first()


def _check_not_issued(dossier: Dossier) -> None:
    earlier = issued_result(dossier)
    if earlier is None:
        return
    number = f" số {earlier.number}" if earlier.number else ""
    signed = timezone.localtime(earlier.signed_at, VN_TZ).strftime("%H:%M %d/%m/%Y")
    raise DomainError(
        "result_already_issued",
        f"Hồ sơ đã có kết quả điện tử «{earlier.title}»{number}, ký số lúc {signed}; không phát hành "
        "lần thứ hai. Kết quả đã phát hành chỉ được sửa bằng văn bản đính chính, thay thế hoặc thu hồi, "
        "hệ thống chưa hỗ trợ việc này.",
        status=409,
    )


def _clean(title: str, number: str) -> tuple[str, str]:
    title = " ".join(nfc(title).split())
    number = " ".join(nfc(number).split())
    if not title:
        raise DomainError("title_required", "Cần nhập tên kết quả.", fields={"title": ["Bắt buộc nhập."]})
    if len(title) > 500:
        raise DomainError("title_too_long", "Tên kết quả quá dài.", fields={"title": ["Tối đa 500 ký tự."]})
    if len(number) > 100:
        raise DomainError("number_too_long", "Số, ký hiệu quá dài.", fields={"number": ["Tối đa 100 ký tự."]})
    return title, number


def _check_pdf(data: bytes) -> None:
    try:
        kind = inspect(data, upload_limits()).kind
    except FileRejected as exc:
        raise DomainError(f"file_{exc.code}", exc.message, fields={"file": [exc.message]}) from exc
    if kind is not PDF:
        message = "Kết quả điện tử phải là tệp PDF."
        raise DomainError("result_not_pdf", message, fields={"file": [message]})


def issue_refusal(*, dossier: Dossier, actor: User | None) -> DomainError | None:
    """Why ``actor`` may not issue the electronic result of ``dossier`` now (None: allowed) — the checks
    ``result_issue`` makes, asked by the workspace to decide whether to offer it."""
    try:
        _issuing_agency(actor, dossier)
        _check_state(dossier)
        _check_not_issued(dossier)
    except DomainError as exc:
        return exc
    return None


def result_issue(
    *, dossier: Dossier, data: bytes, title: str, number: str = "", actor: User | None, name: str = ""
) -> ResultDocument:
    """Sign and issue ``data`` as a result of ``dossier``. ``actor=None`` is the system."""
    title, number = _clean(title, number)
    agency = _issuing_agency(actor, dossier)
    _check_pdf(data)  # refuse a bad file with its precise reason before any signing
    verification_id = uuid.uuid4()
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("applicant", "handling_agency__unit")
                .get(pk=dossier.pk)
            )
            _check_state(locked)
            _check_not_issued(locked)  # under the dossier's row lock: two concurrent issues meet here
            at = timezone.now().replace(microsecond=0)
            handling = locked.handling_agency
            code = locked.reference
            signed = sign_pdf(
                data,
                agency=handling,
                signer_name=handling.name,
                reason=f"Phát hành kết quả giải quyết hồ sơ {code}",
                location=handling.unit.name,
                stamp_lines=[f"Mã hồ sơ: {code}", title],
                qr_url=verification_url(verification_id),
                at=at,
            )
            source = file_store(data=data, name=name or f"{title[:100]}.pdf", actor=actor)
            written.append(source.storage_name)
            limits = upload_limits()
            stored = file_store(
                data=signed,
                name=f"{title[:100]} (ký số).pdf",
                actor=actor,
                limits=dataclasses.replace(limits, max_bytes=limits.max_bytes + SIGNED_HEADROOM),
            )
            written.append(stored.storage_name)
            credential = handling.signing_credential
            result = ResultDocument.objects.create(
                dossier=locked,
                verification_id=verification_id,
                title=title,
                number=number,
                file=stored,
                source_file=source,
                agency=handling,
                signer=handling.name,
                certificate_serial=credential.serial,
                signed_at=at,
                signed_by=actor,
            )
            if not locked.e_result:
                with events.flags_change(locked):
                    locked.e_result = True
                    locked.save(update_fields=["e_result", "updated_at"])
            VaultItem.objects.create(
                owner=locked.applicant,
                doc_type=title,
                type_key=type_key(title),
                number=number,
                issuer=handling.name,
                issued_on=local_date(at),
                file=stored,
                source=VaultItem.Source.RESULT,
                dossier=locked,
            )
            dossier_note_event(
                dossier=locked,
                action=ISSUE_ACTION,
                actor=actor,
                agency=agency,
                at=at,
                reason=title,
                data={
                    "verification_id": str(verification_id),
                    "number": number,
                    "sha256": stored.sha256,
                    "certificate_serial": credential.serial,
                },
            )
    except BaseException:
        _discard_unreferenced(written)
        raise
    return result


def _discard_unreferenced(storage_names: list[str]) -> None:
    """Bytes written by a transaction that rolled back: delete those no stored-file row points to."""
    for storage_name in storage_names:
        if not Blob.objects.filter(storage_name=storage_name).exists():
            default_storage.delete(storage_name)


def dossier_results(dossier: Dossier) -> list[ResultDocument]:
    return list(dossier.results.select_related("file__blob", "agency").order_by("signed_at", "pk"))


# ---------------------------------------------------------------------------------------------
# Public verification (no login): what motcua issued, and what an uploaded copy is


@dataclass(frozen=True)
class FileCheck:
    """An uploaded file checked: its signatures, its SHA-256, and the result motcua issued with exactly
    these bytes, if any."""

    verification: Verification
    sha256: str
    issued: ResultDocument | None


def check_bytes(data: bytes) -> None:
    """Refuse, with the reason, what cannot be checked: over the upload size limit, empty, not a PDF."""
    limit = upload_limits().max_bytes
    if len(data) > limit:
        message = f"Tệp quá lớn: {len(data) / 1024 / 1024:.1f} MB, tối đa {limit // 1024 // 1024} MB."
        raise DomainError("file_too_large", message, fields={"file": [message]})
    if not data:
        raise DomainError("file_empty", "Tệp rỗng (0 byte).", fields={"file": ["Tệp rỗng (0 byte)."]})
    if sniff(data) is not PDF:
        message = "Tệp không phải PDF: chỉ kiểm tra được chữ ký số trên tệp PDF."
        raise DomainError("file_not_pdf", message, fields={"file": [message]})


def result_check(data: bytes) -> FileCheck:
    check_bytes(data)
    sha256 = hashlib.sha256(data).hexdigest()
    issued = (
        ResultDocument.objects.filter(file__blob__sha256=sha256)
        .select_related("dossier", "agency", "file__blob")
        .order_by("pk")
        .first()
    )
    return FileCheck(verification=verify_pdf(data), sha256=sha256, issued=issued)


def result_public(verification_id: str | uuid.UUID) -> ResultDocument:
    """An issued result by the id its QR code carries (the caller shows nothing personal)."""
    try:
        key = uuid.UUID(str(verification_id))
    except ValueError:
        key = None
    result = (
        ResultDocument.objects.filter(verification_id=key)
        .select_related("dossier__procedure", "dossier__version", "agency", "file__blob")
        .first()
        if key
        else None
    )
    if result is None:
        raise NotFound("Không tìm thấy kết quả với mã xác thực này.")
    return result
