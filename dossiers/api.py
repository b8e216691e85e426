"""The dossier API: the contract other systems use. Keep these names (issue #3)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accounts.models import User
from audit.services import Kind, record_access
from catalog.models import Channel
from dossiers import selectors, services
from dossiers.actions import registry
from dossiers.models import Dossier, DossierStep
from dossiers.selectors import (
    INTERNAL_NOTE_ACTIONS,
    PROGRESS_LABELS,
    InboxFilters,
    is_applicant_of,
    progress_at,
)
from dossiers.transitions import PORTAL_STATUS, Action, allowed_actions
from dossiers.transitions import Status as DossierStatus
from kernel import ratelimit
from kernel.api_errors import errors
from kernel.errors import DomainError
from kernel.jsonrows import adopted
from kernel.pagination import Page, PageParams, paginate
from organization.models import Agency, Role
from organization.selectors import active_memberships

router = Router(tags=["Hồ sơ"])
public_router = Router(tags=["Tra cứu công khai"])


class ApplicantIn(Schema):
    kind: Literal["individual", "organization"] = "individual"
    name: str = Field(..., min_length=1, max_length=300)
    national_id: str = Field("", max_length=12, description="12 chữ số (cá nhân)")
    tax_code: str = Field("", max_length=14, description="Mã số thuế (tổ chức)")
    date_of_birth: date | None = None
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class RepresentativeIn(Schema):
    name: str = Field(..., max_length=300)
    national_id: str = Field("", max_length=12)


class ComponentIn(Schema):
    requirement: int | None = Field(None, description="Mã thành phần hồ sơ của thủ tục (id)")
    name: str = Field("", max_length=2000)
    originals: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)
    note: str = Field("", max_length=500)


class DurationIn(Schema):
    amount: Decimal = Field(..., gt=0, le=1000)
    unit: Literal["working_day", "working_hour", "calendar_day"]


class DossierIn(Schema):
    procedure: str = Field(..., description="Mã thủ tục, ví dụ 1.001193")
    channel: Literal["online", "counter", "postal"]
    receiving_agency: str | None = Field(
        None, description="Mã định danh nơi tiếp nhận (mặc định: nơi làm việc của cán bộ)"
    )
    handling_agency: str | None = Field(
        None, description="Mã định danh cơ quan giải quyết (mặc định: suy ra)"
    )
    case: int | None = Field(None, description="Trường hợp của thủ tục (id)")
    applicant: ApplicantIn | None = Field(
        None, description="Bắt buộc khi cán bộ tiếp nhận trực tiếp, bưu chính"
    )
    representative: RepresentativeIn | None = None
    components: list[ComponentIn] = Field(default_factory=list)
    processing_time: DurationIn | None = Field(None, description="Chỉ khi danh mục chưa có thời hạn")
    note: str = Field("", max_length=2000)
    draft: bool = Field(False, description="Lưu nháp (chỉ với nộp trực tuyến)")
    notify_email: bool | None = Field(
        None, description="Nhận thông báo qua thư điện tử của người nộp (bỏ trống: theo lựa chọn đã lưu)"
    )
    notify_sms: bool | None = Field(
        None,
        description="Nhận thông báo qua SMS tới số di động của người nộp (bỏ trống: theo lựa chọn đã lưu)",
    )


class AgencyRef(Schema):
    code: str
    name: str


class DossierStepOut(Schema):
    position: int
    name: str
    role: str
    agency: AgencyRef
    parallel_group: str
    is_lead: bool
    state: str
    assignee: str | None
    started_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    timing: str


class EventOut(Schema):
    seq: int
    action: str
    at: datetime
    actor: str
    agency: str | None
    from_status: str
    to_status: str
    reason: str
    due_before: datetime | None
    due_after: datetime | None
    appointment_before: datetime | None
    appointment_after: datetime | None
    data: dict[str, Any]


class ConsultationOut(Schema):
    agency: AgencyRef
    is_lead: bool
    task: str
    requested_at: datetime
    due_at: datetime
    answered_at: datetime | None
    answer: str
    timing: str


class DossierOut(Schema):
    code: str | None
    uuid: str
    reference: str
    status: str
    status_label: str
    portal_status: int
    channel: str
    procedure: AgencyRef
    procedure_version: int
    receiving_agency: AgencyRef
    handling_agency: AgencyRef
    applicant: dict[str, Any]
    representative: dict[str, Any] | None
    components: list[dict[str, Any]]
    statutory_time: dict[str, Any]
    submitted_at: datetime | None
    received_at: datetime | None
    clock_start: datetime | None
    due_at: datetime | None
    appointment_at: datetime | None
    clock_stopped: bool
    classification: str | None = Field(
        ...,
        description="early|on_time|late khi đã có kết quả; in_time|approaching|overdue khi đang giải quyết",
    )
    classification_label: str | None
    outcome: str
    resolved_at: datetime | None
    resolution_note: str
    delivered_at: datetime | None
    delivery_method: str
    supplements: int
    late_supplement_request: bool
    extended: bool
    current_steps: list[DossierStepOut]
    steps: list[DossierStepOut]
    consultations: list[ConsultationOut]
    events: list[EventOut]
    allowed_actions: list[str]


def _step(step: DossierStep) -> dict[str, Any]:
    return {
        "position": step.position,
        "name": step.name,
        "role": step.role,
        "agency": {"code": step.agency.code, "name": step.agency.name},
        "parallel_group": step.parallel_group,
        "is_lead": step.is_lead,
        "state": step.state,
        "assignee": step.assignee.username if step.assignee else None,
        "started_at": step.started_at,
        "due_at": step.due_at,
        "finished_at": step.finished_at,
        "timing": step.timing,
    }


def dossier_payload(
    dossier: Dossier,
    at: datetime | None = None,
    *,
    applicant: bool = False,
    steps: list[DossierStep] | None = None,
) -> dict[str, Any]:
    """The full view of a dossier for those allowed to see it. ``applicant``: the view of the person who
    filed it — what the portal shows him: no processing steps with their assignees, no consultations,
    no notes officers leave each other."""
    at = at or timezone.now()
    if steps is None and not applicant:
        steps = adopted(dossier, "steps")
    if steps is None and not applicant:
        steps = list(dossier.steps.select_related("agency", "assignee").order_by("position"))
    step_rows = [] if applicant else [_step(s) for s in steps or []]
    # Read with the row when the caller asked (selectors.with_children), else here.
    events = adopted(dossier, "events")
    if events is None:
        events = list(dossier.events.select_related("actor_agency").order_by("seq"))
    consultations = [] if applicant else adopted(dossier, "consultations")
    if consultations is None:
        consultations = list(dossier.consultations.select_related("agency"))
    progress = progress_at(dossier, at)
    if dossier.resolution_timing:
        classification: str | None = dossier.resolution_timing
        label: str | None = str(dict(services.Timing.choices)[dossier.resolution_timing])
    elif progress is not None:
        classification, label = progress.value, PROGRESS_LABELS[progress]
    else:
        classification = label = None
    return {
        "code": dossier.code,
        "uuid": str(dossier.uuid),
        "reference": dossier.reference,
        "status": dossier.status,
        "status_label": dossier.status_label,
        "portal_status": PORTAL_STATUS[DossierStatus(dossier.status)],
        "channel": dossier.channel,
        "procedure": {"code": dossier.procedure.code, "name": dossier.version.name},
        "procedure_version": dossier.version.number,
        "receiving_agency": {"code": dossier.receiving_agency.code, "name": dossier.receiving_agency.name},
        "handling_agency": {"code": dossier.handling_agency.code, "name": dossier.handling_agency.name},
        "applicant": {
            "kind": dossier.applicant.kind,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
        },
        "representative": (
            {"name": dossier.representative_name, "national_id": dossier.representative_id_number}
            if dossier.representative_name
            else None
        ),
        "components": [
            {
                "id": c.pk,
                "requirement": c.requirement_id,
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "note": c.note,
            }
            for c in dossier.components.all()
        ],
        "statutory_time": {
            "amount": dossier.statutory_amount,
            "unit": dossier.statutory_unit,
            "after_15h_next_day": dossier.after_15h_next_day,
        },
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "clock_start": dossier.clock_start,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
        "clock_stopped": dossier.clock_stopped_at is not None,
        "classification": classification,
        "classification_label": label,
        "outcome": dossier.outcome,
        "resolved_at": dossier.resolved_at,
        "resolution_note": dossier.resolution_note,
        "delivered_at": dossier.delivered_at,
        "delivery_method": dossier.delivery_method,
        "supplements": dossier.supplement_count,
        "late_supplement_request": dossier.late_supplement_request,
        "extended": dossier.extension_count > 0,
        "current_steps": [s for s in step_rows if s["state"] == DossierStep.State.ACTIVE],
        "steps": step_rows,
        "consultations": [
            {
                "agency": {"code": c.agency.code, "name": c.agency.name},
                "is_lead": c.is_lead,
                "task": c.task,
                "requested_at": c.requested_at,
                "due_at": c.due_at,
                "answered_at": c.answered_at,
                "answer": c.answer,
                "timing": c.timing,
            }
            for c in consultations
        ],
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "at": e.at,
                "actor": e.actor_name,
                "agency": e.actor_agency.code if e.actor_agency else None,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "reason": "" if applicant and e.action in INTERNAL_NOTE_ACTIONS else e.reason,
                "due_before": e.due_before,
                "due_after": e.due_after,
                "appointment_before": e.appointment_before,
                "appointment_after": e.appointment_after,
                "data": {} if applicant and e.action in INTERNAL_NOTE_ACTIONS else e.data,
            }
            for e in events
        ],
        "allowed_actions": [a.value for a in allowed_actions(DossierStatus(dossier.status))],
    }


def _agency(code: str | None, field: str) -> Agency | None:
    if not code:
        return None
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise DomainError(
            "unknown_agency", f"Không có cơ quan mã {code}.", fields={field: ["Không tồn tại."]}
        )
    return agency


def _default_reception_point(user: User) -> Agency:
    # The caller's memberships, read with him at authentication (organization.selectors).
    centres = [m for m in active_memberships(user) if m.role == Role.ONE_STOP_OFFICER]
    if len(centres) == 1:
        return centres[0].agency
    raise DomainError(
        "receiving_agency_required",
        "Cần chọn nơi tiếp nhận (receiving_agency).",
        fields={"receiving_agency": ["Bắt buộc nhập."]},
    )


@router.post(
    "/dossiers",
    response={201: DossierOut, **errors(403, 404, 409)},
    summary="Nộp hồ sơ (trực tuyến) hoặc tiếp nhận (trực tiếp, bưu chính)",
)
def dossier_create(request: HttpRequest, data: DossierIn) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    receiving = _agency(data.receiving_agency, "receiving_agency")
    if receiving is None:
        if data.channel == Channel.ONLINE:
            raise DomainError(
                "receiving_agency_required",
                "Cần chọn nơi nộp hồ sơ (receiving_agency).",
                fields={"receiving_agency": ["Bắt buộc nhập."]},
            )
        receiving = _default_reception_point(user)
    applicant = None
    if data.applicant is not None:
        applicant = services.ApplicantData(
            name=data.applicant.name,
            kind=data.applicant.kind,
            national_id=data.applicant.national_id.strip(),
            tax_code=data.applicant.tax_code.strip(),
            date_of_birth=data.applicant.date_of_birth,
            address=data.applicant.address,
            phone=data.applicant.phone,
            email=data.applicant.email,
        )
    payload = services.DossierInput(
        procedure_code=data.procedure.strip(),
        channel=data.channel,
        receiving_agency=receiving,
        handling_agency=_agency(data.handling_agency, "handling_agency"),
        applicant=applicant,
        case_id=data.case,
        representative_name=data.representative.name if data.representative else "",
        representative_id_number=data.representative.national_id if data.representative else "",
        components=[
            services.ComponentData(
                name=c.name, requirement_id=c.requirement, originals=c.originals, copies=c.copies, note=c.note
            )
            for c in data.components
        ],
        processing_time=(data.processing_time.amount, data.processing_time.unit)
        if data.processing_time
        else None,
        note=data.note,
        notify_email=data.notify_email,
        notify_sms=data.notify_sms,
    )
    if data.channel != Channel.ONLINE and data.draft:
        raise DomainError(
            "draft_online_only",
            "Chỉ hồ sơ nộp trực tuyến mới lưu nháp.",
            fields={"draft": ["Không áp dụng."]},
        )
    dossier = services.dossier_create(data=payload, actor=user, draft=data.draft, children=True)
    return Status(201, dossier_payload(dossier, applicant=is_applicant_of(user, dossier)))


class InboxParams(Schema):
    status: str | None = Field(None, description="Một hoặc nhiều trạng thái, cách nhau bởi dấu phẩy")
    agency: str | None = Field(None, description="Mã định danh cơ quan tiếp nhận hoặc giải quyết")
    procedure: str | None = None
    overdue: bool | None = None
    q: str | None = Field(None, max_length=100, description="Mã hồ sơ, họ tên hoặc số định danh")


class DossierItemOut(Schema):
    code: str | None
    reference: str
    status: str
    status_label: str
    procedure: str
    procedure_name: str
    applicant_name: str
    receiving_agency: str
    handling_agency: str
    received_at: datetime | None
    due_at: datetime | None
    appointment_at: datetime | None
    classification: str | None


@router.get(
    "/dossiers", response=Page[DossierItemOut], summary="Danh sách hồ sơ (hộp thư công việc, tìm kiếm)"
)
def dossier_list(
    request: HttpRequest, params: Query[InboxParams], paging: Query[PageParams]
) -> dict[str, Any]:
    statuses = [s.strip() for s in params.status.split(",") if s.strip()] if params.status else None
    unknown = [s for s in statuses or [] if s not in DossierStatus.__members__.values()]
    if unknown:
        raise DomainError(
            "invalid_status",
            f"Trạng thái không hợp lệ: {', '.join(unknown)}.",
            fields={"status": [f"Một trong: {', '.join(s.value for s in DossierStatus)}."]},
        )
    now = timezone.now()
    page = paginate(
        selectors.dossier_inbox(
            user=request.user,
            filters=InboxFilters(
                status=statuses,
                agency=params.agency,
                procedure=params.procedure,
                overdue=params.overdue,
                q=params.q,
            ),
            at=now,
        ),
        paging,
    )
    page["items"] = [
        {
            "code": d.code,
            "reference": d.reference,
            "status": d.status,
            "status_label": d.status_label,
            "procedure": d.procedure.code,
            "procedure_name": d.version.name,
            "applicant_name": d.applicant_name,
            "receiving_agency": d.receiving_agency.code,
            "handling_agency": d.handling_agency.code,
            "received_at": d.received_at,
            "due_at": d.due_at,
            "appointment_at": d.appointment_at,
            "classification": d.resolution_timing or (p.value if (p := progress_at(d, now)) else None),
        }
        for d in page["items"]
    ]
    return page


@router.get("/dossiers/{code}", response={200: DossierOut, **errors(404)}, summary="Chi tiết hồ sơ")
def dossier_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    dossier = selectors.dossier_get(user=user, reference=code, children=True)
    record_access(actor=user, kind=Kind.DOSSIER_VIEW, request=request, dossier=dossier)
    return dossier_payload(dossier, applicant=is_applicant_of(user, dossier))


class ConsultIn(Schema):
    agency: str
    task: str = Field(..., max_length=2000)
    working_days: Decimal = Field(..., gt=0, le=365)
    lead: bool = False


class ActionIn(Schema):
    reason: str = Field("", max_length=4000)
    note: str = Field("", max_length=4000)
    items: list[str] = Field(default_factory=list, description="Nội dung cần bổ sung (một lần, đầy đủ)")
    supply_by: date | None = Field(
        None,
        description="Hạn người nộp bổ sung (ngày làm việc, không trước hôm nay; mặc định 10 ngày làm việc)",
    )
    new_appointment: datetime | None = None
    outcome: Literal["approved", "refused"] | None = None
    step: int | None = Field(None, ge=1)
    assignee: str | None = Field(None, description="Tên đăng nhập người nhận bước tiếp theo")
    method: Literal["counter", "postal", "online"] | None = None
    agencies: list[ConsultIn] = Field(default_factory=list)
    agency: str | None = Field(None, description="Cơ quan trả lời liên thông")
    answer: str = Field("", max_length=4000)


@router.post(
    "/dossiers/{code}/actions/{action}",
    response={200: DossierOut, **errors(403, 404, 409)},
    summary="Thao tác trên hồ sơ",
)
def dossier_action(request: HttpRequest, code: str, action: Action, data: ActionIn) -> dict[str, Any]:
    actor = request.user
    assert isinstance(actor, User)
    # Through the registry (dossiers/actions/registry.py). Not visible answers like not found, read
    # with the row lock in the action's transaction (one statement); visible but not allowed is refused
    # by the action (403). The answer is built from the row the action wrote (its agencies, procedure
    # and applicant joined) and the steps it read, not read again: the actor who acted still sees it.
    ctx = registry.attempt(
        action,
        load=lambda: selectors.dossier_get(user=actor, reference=code, lock=True, children=True),
        actor=actor,
        fields=data.model_dump(),
    )
    dossier = ctx.dossier
    return dossier_payload(dossier, applicant=is_applicant_of(actor, dossier), steps=ctx.steps_as_written())


class PublicDossierOut(Schema):
    code: str
    procedure: str
    procedure_name: str
    status: str
    status_label: str
    received_at: datetime | None
    appointment_at: datetime | None
    resolved: bool


@public_router.get(
    "/public/dossiers/{code}",
    auth=None,
    response={200: PublicDossierOut, **errors(404, 429)},
    summary="Tra cứu hồ sơ theo mã (không cần đăng nhập, không có thông tin cá nhân)",
)
def public_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    ratelimit.throttle_address(
        ratelimit.PUBLIC_LOOKUP,
        request,
        message="Tra cứu quá nhiều lần trong thời gian ngắn từ địa chỉ mạng này. Vui lòng thử lại sau.",
    )
    dossier = selectors.public_lookup(code)
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "procedure_name": dossier.version.name,
        "status": dossier.status,
        "status_label": dossier.status_label,
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "resolved": dossier.status in (DossierStatus.RESOLVED, DossierStatus.DELIVERED),
    }
