"""Every write to a dossier: one typed service function per action (docs/domain.md §4).

Each function runs in one transaction with the dossier row locked, checks the action against the
transition table (``dossiers/transitions.py``) and the actor's role, changes the stored deadline
columns when the rules say so, appends the event (and the hand-over rows of the process-control
sheet), and writes outbox rows — the notification to the applicant and the sync to the national
portal — in the same transaction. Nothing is sent from inside a transaction.

``actor=None`` is the system itself (the history importer): role checks are skipped, never the rules.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import Applicant, User
from catalog.models import (
    Channel,
    ComponentRequirement,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessingOption,
    Workflow,
)
from catalog.services import to_minutes
from dossiers import chain
from dossiers.models import (
    Consultation,
    DeliveryMethod,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierSequence,
    DossierStep,
    Extension,
    Handover,
    HistoryAnchor,
    Outcome,
    SupplementRequest,
    Timing,
)
from dossiers.selectors import HEAVY_VERSION_FIELDS
from dossiers.transitions import (
    PORTAL_STATUS,
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Status,
    target_status,
    vietnamese,
)
from kernel.errors import DomainError, Forbidden, NotFound
from kernel.text import fold, nfc
from organization.models import Agency, Membership, Role
from organization.selectors import agency_subtree
from outbox.models import OutboxMessage
from outbox.services import enqueue
from reports import facts
from worktime.calendar import VN_TZ, WorkCalendar
from worktime.services import work_calendar

SUPPLEMENT_REQUEST_WINDOW_DAYS = 3  # NĐ 61/2018: supplement requested within 3 working days of reception


# ---------------------------------------------------------------------------------------------
# Pure helpers


def local_date(instant: datetime) -> date:
    """The date in Asia/Ho_Chi_Minh of an aware instant (the one helper for local dates)."""
    return instant.astimezone(VN_TZ).date()


def classify_resolution(resolved_at: datetime, due_at: datetime) -> Timing:
    """docs/domain.md §4: early if resolved on a local date before the due date; on time if not after the
    due instant; late otherwise."""
    if local_date(resolved_at) < local_date(due_at):
        return Timing.EARLY
    return Timing.ON_TIME if resolved_at <= due_at else Timing.LATE


def format_code(agency_code: str, day: date, number: int) -> str:
    """``<agency e-ID>-<YYMMDD>-<NNNN>``: at least four digits (docs/domain.md §4 rule 2)."""
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


# ---------------------------------------------------------------------------------------------
# Who acts

ROLES_FOR: dict[Action, tuple[str, frozenset[Role]]] = {
    # action: (whose agency: "receiving" | "handling" | "either", roles)
    Action.RECEIVE: ("receiving", frozenset({Role.ONE_STOP_OFFICER})),
    Action.RETURN_FOR_COMPLETION: ("receiving", frozenset({Role.ONE_STOP_OFFICER})),
    Action.REFUSE: ("receiving", frozenset({Role.ONE_STOP_OFFICER})),
    Action.WITHDRAW: ("receiving", frozenset({Role.ONE_STOP_OFFICER})),
    Action.REQUEST_SUPPLEMENT: ("either", frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER})),
    Action.RECEIVE_SUPPLEMENT: ("either", frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST})),
    Action.PAUSE: ("handling", frozenset({Role.SPECIALIST, Role.LEADER})),
    Action.RESUME: ("handling", frozenset({Role.SPECIALIST, Role.LEADER})),
    Action.EXTEND: ("handling", frozenset({Role.LEADER})),
    Action.CONSULT: ("handling", frozenset({Role.SPECIALIST, Role.LEADER})),
    Action.RESOLVE: ("handling", frozenset({Role.LEADER, Role.CLERK})),
    Action.DELIVER: ("receiving", frozenset({Role.ONE_STOP_OFFICER})),
    Action.STOP: ("either", frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER})),
}


def acting_membership(user: User, agency: Agency, roles: Iterable[Role]) -> Membership | None:
    """A membership through which ``user`` acts for ``agency`` in one of ``roles``: at the agency
    itself or at a unit inside it (a division of a department, the service centre of a commune)."""
    inside = agency_subtree([agency.pk])
    return (
        Membership.objects.filter(user=user, is_active=True, role__in=list(roles), agency_id__in=inside)
        .select_related("agency")
        .order_by("agency__level")
        .first()
    )


def _is_applicant(user: User | None, dossier: Dossier) -> bool:
    return user is not None and dossier.applicant.user_id == user.pk


def _check_actor(actor: User | None, dossier: Dossier, action: Action) -> Agency | None:
    """The agency the actor acts for; refuses (403) an actor without the needed role."""
    if actor is None:
        return None
    if actor.is_superuser:
        return dossier.handling_agency
    whose, roles = ROLES_FOR[action]
    places = {
        "receiving": [dossier.receiving_agency],
        "handling": [dossier.handling_agency],
        "either": [dossier.handling_agency, dossier.receiving_agency],
    }[whose]
    for place in places:
        membership = acting_membership(actor, place, roles)
        if membership is not None:
            return membership.agency
    names = ", ".join(sorted(vietnamese(r.label) for r in roles))
    raise Forbidden(
        f"Thao tác «{vietnamese(TRANSITIONS[action].label)}» cần vai trò {names} của {places[0].name}."
    )


# ---------------------------------------------------------------------------------------------
# Recording


def _lock(dossier: Dossier) -> Dossier:
    # Lock the dossier row only (not the agencies joined in): actions on one dossier are serialised,
    # actions on different dossiers of one agency are not.
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("applicant", "receiving_agency", "handling_agency", "procedure", "version")
        .defer(*HEAVY_VERSION_FIELDS)
        .get(pk=dossier.pk)
    )


def _check_transition(dossier: Dossier, action: Action) -> Status:
    status = Status(dossier.status)
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        allowed = ", ".join(
            vietnamese(STATUS_LABELS[s]) for s in sorted(transition.sources, key=list(Status).index)
        )
        raise DomainError(
            "action_not_allowed",
            f"Không thể «{vietnamese(transition.label)}» khi hồ sơ đang ở trạng thái «{dossier.status_label}» "
            f"(chỉ được khi: {allowed}).",
            status=409,
        )
    return target_status(action, status)


def _check_time(dossier: Dossier, at: datetime) -> None:
    if timezone.is_naive(at):
        raise DomainError("naive_datetime", "Thời điểm phải có múi giờ.")
    last = dossier.events.aggregate(last=Max("at"))["last"]
    if last is not None and at < last:
        raise DomainError(
            "time_before_last_event",
            f"Thời điểm {timezone.localtime(at):%d/%m/%Y %H:%M} trước sự kiện gần nhất "
            f"({timezone.localtime(last):%d/%m/%Y %H:%M}) của hồ sơ.",
        )


def _record(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    agency: Agency | None,
    at: datetime,
    from_status: str,
    reason: str = "",
    due_before: datetime | None = None,
    appointment_before: datetime | None = None,
    data: dict[str, Any] | None = None,
    announce: bool = True,
) -> DossierEvent:
    # The one place a dossier event is written (ADR 0009). The dossier's row lock (held already by
    # every caller's transaction; taken again here, a no-op then) orders concurrent events of one
    # dossier, so each links to the hash of the one really before it.
    Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk").first()
    last = dossier.events.order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        action=action,
        at=at,
        recorded_at=timezone.now(),
        actor=actor,
        actor_name=actor.display_name if actor else "Hệ thống",
        actor_agency=agency,
        from_status=from_status,
        to_status=dossier.status,
        reason=reason,
        due_before=due_before,
        due_after=dossier.due_at,
        appointment_before=appointment_before,
        appointment_after=dossier.appointment_at,
        data=data or {},
        prev_hash=prev_hash,
    )
    event.hash = chain.event_hash(prev_hash, {name: getattr(event, name) for name in chain.FIELDS})
    event.save(force_insert=True)
    facts.apply_event(dossier, action=action, at=at, from_status=from_status, due_before=due_before)
    if announce:
        _announce(dossier, event)
    return event


def dossier_note_event(
    *,
    dossier: Dossier,
    action: str,
    actor: User | None,
    agency: Agency | None,
    at: datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Append an event that leaves the state as it is (e.g. ``issue_result`` from documents/results.py).
    The caller holds the dossier's row lock inside its transaction."""
    return _record(
        dossier,
        action,
        actor=actor,
        agency=agency,
        at=at,
        from_status=dossier.status,
        reason=reason,
        data=data,
        announce=False,
    )


def _announce(dossier: Dossier, event: DossierEvent) -> None:
    """Outbox rows for the applicant and the national portal (docs/domain.md §4 rule 7), in this transaction."""
    if dossier.status == Status.DRAFT or dossier.imported:
        # Replayed history is not news: the applicant and the portal heard of it from the old system.
        return
    ref = dossier.reference
    common = {
        "dossier": ref,
        "procedure": dossier.procedure.code,
        "status": dossier.status,
        "portal_status": PORTAL_STATUS[Status(dossier.status)],
        "action": event.action,
        "at": event.at.isoformat(),
        "agency": event.actor_agency.code if event.actor_agency else dossier.handling_agency.code,
        "actor": event.actor_name,
        "appointment": dossier.appointment_at.isoformat() if dossier.appointment_at else None,
    }
    enqueue(
        topic=OutboxMessage.Topic.NOTIFY_APPLICANT,
        key=f"{dossier.uuid}:{event.seq}:notify",
        dossier_code=dossier.code or "",
        payload={**common, "message": f"Hồ sơ {ref}: {dossier.status_label}."},
    )
    enqueue(
        topic=OutboxMessage.Topic.PORTAL_SYNC,
        key=f"{dossier.uuid}:{event.seq}:sync",
        dossier_code=dossier.code or "",
        payload=common,
    )


def _handover(
    dossier: Dossier,
    *,
    at: datetime,
    kind: str,
    from_user: User | None,
    from_agency: Agency | None,
    to_agency: Agency | None,
    to_role: str = "",
    to_user: User | None = None,
    step: DossierStep | None = None,
    note: str = "",
) -> Handover:
    seq = (dossier.handovers.aggregate(n=Max("seq"))["n"] or 0) + 1
    return Handover.objects.create(
        dossier=dossier,
        seq=seq,
        at=at,
        kind=kind,
        from_user=from_user,
        from_name=from_user.display_name if from_user else "Hệ thống",
        from_agency=from_agency,
        to_agency=to_agency,
        to_role=to_role,
        to_user=to_user,
        to_name=to_user.display_name if to_user else "",
        step_due=step.due_at if step else None,
        timing=classify_resolution(at, step.due_at) if step and step.due_at else "",
        note=note,
    )


def _save(dossier: Dossier, fields: Sequence[str]) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


# ---------------------------------------------------------------------------------------------
# Creation and reception


@dataclass
class ApplicantData:
    name: str
    kind: str = Applicant.Kind.INDIVIDUAL
    national_id: str = ""
    tax_code: str = ""
    date_of_birth: date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class ComponentData:
    name: str = ""
    requirement_id: int | None = None
    originals: int = 0
    copies: int = 0
    note: str = ""


@dataclass
class DossierInput:
    procedure_code: str
    channel: str
    receiving_agency: Agency
    handling_agency: Agency | None = None
    applicant: ApplicantData | None = None
    case_id: int | None = None
    representative_name: str = ""
    representative_id_number: str = ""
    components: list[ComponentData] = field(default_factory=list)
    processing_time: tuple[Decimal, str] | None = None
    note: str = ""
    code: str | None = None  # history import keeps the old system's code
    imported: bool = False  # history import: the old system's processing time wins, no workflow steps


def _applicant_for(data: ApplicantData) -> Applicant:
    """The applicant with this ID number or tax code, created if new (a counter applicant need not
    have a login)."""
    name = nfc(data.name)
    if not name:
        raise DomainError(
            "invalid_applicant",
            "Thiếu họ tên người nộp hồ sơ.",
            fields={"applicant.name": ["Bắt buộc nhập."]},
        )
    if data.kind == Applicant.Kind.ORGANIZATION:
        if not data.tax_code or not data.tax_code.replace("-", "").isdigit():
            raise DomainError(
                "invalid_applicant",
                "Tổ chức cần mã số thuế hợp lệ.",
                fields={"applicant.tax_code": ["Mã số thuế gồm 10 chữ số (hoặc 10-3)."]},
            )
        lookup = {"tax_code": data.tax_code}
    else:
        if len(data.national_id) != 12 or not data.national_id.isdigit():
            raise DomainError(
                "invalid_applicant",
                "Số định danh cá nhân phải gồm đúng 12 chữ số.",
                fields={"applicant.national_id": ["Gồm đúng 12 chữ số."]},
            )
        lookup = {"national_id": data.national_id}
    applicant = Applicant.objects.filter(**lookup).first()
    if applicant is None:
        applicant = Applicant.objects.create(
            kind=data.kind,
            name=name,
            national_id=data.national_id if data.kind == Applicant.Kind.INDIVIDUAL else "",
            tax_code=data.tax_code if data.kind == Applicant.Kind.ORGANIZATION else "",
            date_of_birth=data.date_of_birth,
            address=nfc(data.address),
            phone=data.phone.strip(),
            email=data.email.strip(),
        )
    return applicant


def _competent_handling_agency(
    version: ProcedureVersion, receiving: Agency, handling: Agency | None
) -> Agency:
    """The agency that settles the dossier: given, or derived from the receiving centre."""
    if handling is None:
        if version.at_commune and receiving.level == Agency.Level.COMMUNE:
            handling = (
                receiving.parent
                if receiving.kind == Agency.Kind.SERVICE_CENTRE and receiving.parent
                else receiving
            )
        else:
            linked = list(version.agencies.filter(is_active=True))
            if len(linked) == 1:
                handling = linked[0]
            else:
                raise DomainError(
                    "handling_agency_required",
                    "Cần chọn cơ quan giải quyết hồ sơ.",
                    fields={"handling_agency": ["Bắt buộc nhập với thủ tục này."]},
                )
    competent = version.agencies.filter(pk=handling.pk).exists() or (
        version.at_commune
        and handling.level == Agency.Level.COMMUNE
        and handling.kind == Agency.Kind.PEOPLES_COMMITTEE
    )
    if not competent or not handling.is_active:
        raise DomainError(
            "agency_not_competent",
            f"{handling.name} không giải quyết thủ tục {version.procedure.code}.",
            fields={"handling_agency": ["Không có thẩm quyền."]},
        )
    if handling.province_id != receiving.province_id:
        raise DomainError("agency_not_competent", "Nơi tiếp nhận và cơ quan giải quyết phải cùng tỉnh.")
    if not version.boundary_free:
        # Without the boundary-free flag, a commune's dossiers are received by that commune's centre
        # and provincial dossiers by the provincial centre or the department itself.
        same_place = (
            receiving.unit_id == handling.unit_id
            if handling.level == Agency.Level.COMMUNE
            else receiving.level == Agency.Level.PROVINCE
        )
        if not same_place:
            raise DomainError(
                "not_receivable_here",
                f"Thủ tục {version.procedure.code} không thuộc diện tiếp nhận không phụ thuộc địa giới hành "
                f"chính: {receiving.name} không tiếp nhận hồ sơ của {handling.name}.",
            )
    return handling


def _statutory(
    version: ProcedureVersion, channel: str, case: ProcedureCase | None, override: tuple[Decimal, str] | None
) -> tuple[Decimal, str]:
    options: list[ProcessingOption] = list(version.options.all())
    candidates = [
        o for o in options if o.channel == channel and (case is None or o.case_id in (None, case.pk))
    ]
    candidates.sort(key=lambda o: (case is not None and o.case_id != case.pk, o.position))
    chosen = next((o for o in candidates if o.time_amount is not None and o.time_unit), None)
    if chosen is None and not candidates:
        available = sorted({vietnamese(Channel(o.channel).label) for o in options})
        if options:
            raise DomainError(
                "channel_not_offered",
                f"Thủ tục không nhận hồ sơ qua hình thức «{vietnamese(Channel(channel).label)}» "
                f"(chỉ: {', '.join(str(a) for a in available)}).",
                fields={"channel": ["Không hỗ trợ."]},
            )
    if chosen is not None:
        return Decimal(chosen.time_amount), chosen.time_unit  # type: ignore[arg-type]
    if override is not None:
        return override
    raise DomainError(
        "no_processing_time",
        "Danh mục chưa có thời hạn giải quyết của thủ tục này; cần nhập thời hạn (processing_time) "
        "hoặc cập nhật danh mục.",
        fields={"processing_time": ["Bắt buộc nhập với thủ tục này."]},
    )


@transaction.atomic
def dossier_create(
    *, data: DossierInput, actor: User | None, at: datetime | None = None, draft: bool = False
) -> Dossier:
    """File a dossier. Online: submitted by the applicant (or kept as a draft), then checked by a
    one-stop officer. Counter and postal: recorded by the officer and received at once."""
    at = at or timezone.now()
    procedure = Procedure.objects.select_related("current_version").filter(code=data.procedure_code).first()
    if procedure is None:
        raise DomainError(
            "unknown_procedure",
            f"Không có thủ tục mã {data.procedure_code}.",
            fields={"procedure": ["Không tồn tại."]},
        )
    version = procedure.current_version
    if version is None:
        raise DomainError(
            "procedure_not_in_force",
            f"Thủ tục {procedure.code} chưa có hiệu lực (hoặc đã bãi bỏ) tại tỉnh.",
            fields={"procedure": ["Không có hiệu lực."]},
        )
    if data.channel not in Channel.values:
        raise DomainError(
            "invalid_channel",
            "Hình thức nộp không hợp lệ.",
            fields={"channel": ["online, counter hoặc postal."]},
        )
    receiving = data.receiving_agency
    _check_reception_point(version, receiving)
    handling = _competent_handling_agency(version, receiving, data.handling_agency)
    case = _case_of(version, data.case_id)
    if data.imported and data.processing_time is not None:
        amount, unit = data.processing_time
    else:
        amount, unit = _statutory(version, data.channel, case, data.processing_time)
    applicant_data = data.applicant
    officer_channel = data.channel in (Channel.COUNTER, Channel.POSTAL)
    if actor is not None and not officer_channel:
        # Online: the applicant files for themselves.
        own = getattr(actor, "applicant", None)
        if own is None:
            raise Forbidden("Chỉ công dân, tổ chức có tài khoản mới nộp hồ sơ trực tuyến.")
        applicant = own
    else:
        if applicant_data is None:
            raise DomainError(
                "invalid_applicant",
                "Thiếu thông tin người nộp hồ sơ.",
                fields={"applicant": ["Bắt buộc nhập."]},
            )
        applicant = _applicant_for(applicant_data)
    if (
        actor is not None
        and officer_channel
        and not actor.is_superuser
        and (acting_membership(actor, receiving, {Role.ONE_STOP_OFFICER}) is None)
    ):
        raise Forbidden(f"Chỉ cán bộ một cửa của {receiving.name} được tiếp nhận hồ sơ tại đây.")
    contact = applicant_data or ApplicantData(name=applicant.name)
    dossier = Dossier.objects.create(
        status=Status.DRAFT,
        channel=data.channel,
        procedure=procedure,
        version=version,
        case=case,
        receiving_agency=receiving,
        province_id=receiving.province_id,
        handling_agency=handling,
        applicant=applicant,
        applicant_name=applicant.name,
        applicant_id_number=applicant.national_id or applicant.tax_code,
        applicant_address=nfc(contact.address) or applicant.address,
        applicant_phone=(contact.phone or applicant.phone).strip(),
        applicant_email=(contact.email or applicant.email).strip(),
        representative_name=nfc(data.representative_name),
        representative_id_number=data.representative_id_number,
        note=nfc(data.note),
        statutory_amount=amount,
        statutory_unit=unit,
        after_15h_next_day=version.after_15h_next_day,
        created_by=actor,
        imported=data.imported,
    )
    _set_components(dossier, version, data.components)
    _refresh_search(dossier)
    if draft and not officer_channel:
        _record(
            dossier, "create", actor=actor, agency=None, at=at, from_status="", data={"channel": data.channel}
        )
        return dossier
    dossier.status = Status.SUBMITTED
    dossier.submitted_at = at
    if data.code and not officer_channel:
        if Dossier.objects.filter(code=data.code).exists():
            raise DomainError("duplicate_code", f"Mã hồ sơ {data.code} đã tồn tại.", status=409)
        dossier.code = data.code
    _save(dossier, ["status", "submitted_at", "code"])
    # A counter or postal dossier is received in the same transaction: only the reception is announced.
    _record(
        dossier,
        Action.SUBMIT,
        actor=actor,
        agency=receiving if officer_channel else None,
        at=at,
        from_status="",
        data={"channel": data.channel},
        announce=not officer_channel,
    )
    if officer_channel:
        _receive(dossier, actor=actor, agency=receiving, at=at, code=data.code)
    return dossier


def _check_reception_point(version: ProcedureVersion, receiving: Agency) -> None:
    if receiving.kind != Agency.Kind.SERVICE_CENTRE and not version.agencies.filter(pk=receiving.pk).exists():
        raise DomainError(
            "not_a_reception_point",
            f"{receiving.name} không phải nơi tiếp nhận hồ sơ.",
            fields={"receiving_agency": ["Chọn Trung tâm Phục vụ hành chính công."]},
        )


def _case_of(version: ProcedureVersion, case_id: int | None) -> ProcedureCase | None:
    if case_id is None:
        return None
    case = version.cases.filter(pk=case_id).first()
    if case is None:
        raise DomainError(
            "invalid_case", "Trường hợp không thuộc thủ tục này.", fields={"case": ["Không hợp lệ."]}
        )
    return case


def case_requirements(
    version: ProcedureVersion, case: ProcedureCase | None
) -> QuerySet[ComponentRequirement]:
    """The papers of ``version`` for ``case``: those of every case plus the case's own, in order."""
    return version.components.filter(Q(case__isnull=True) | Q(case=case)).order_by("position")


@dataclass
class DraftChange:
    """What the applicant may change on a draft before submitting it: the case, the place of filing and
    the contact details (name and ID number come from the account)."""

    receiving_agency: Agency
    handling_agency: Agency | None = None
    case_id: int | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    representative_name: str = ""
    representative_id_number: str = ""
    note: str = ""


@transaction.atomic
def dossier_update_draft(
    *, dossier: Dossier, actor: User | None, change: DraftChange, at: datetime | None = None
) -> Dossier:
    """Change a draft's case, place and contact details. A new case brings its own papers into the
    list and drops the papers only the old case needed, except those that already carry a file: they
    stay on the draft (still papers of the procedure), after the others, so nothing attached is lost."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    if dossier.status != Status.DRAFT:
        raise DomainError(
            "not_a_draft",
            f"Hồ sơ đang ở trạng thái «{dossier.status_label}»: chỉ sửa được bản nháp.",
            status=409,
        )
    if not _is_applicant(actor, dossier):
        raise Forbidden("Chỉ người nộp hồ sơ được sửa bản nháp của mình.")
    version = dossier.version
    _check_reception_point(version, change.receiving_agency)
    handling = _competent_handling_agency(version, change.receiving_agency, change.handling_agency)
    case = _case_of(version, change.case_id)
    amount, unit = _statutory(version, dossier.channel, case, None)

    changed: dict[str, Any] = {}
    if case != dossier.case:
        wanted = list(case_requirements(version, case))
        wanted_ids = {r.pk for r in wanted}
        rows = list(dossier.components.all())
        with_files = set(dossier.components.filter(files__isnull=False).values_list("pk", flat=True))
        others = [c for c in rows if c.requirement_id not in wanted_ids]
        kept_others = [c for c in others if c.pk in with_files]
        DossierComponent.objects.filter(pk__in=[c.pk for c in others if c not in kept_others]).delete()
        kept = {c.requirement_id: c for c in rows if c.requirement_id in wanted_ids}
        for position, requirement in enumerate(wanted):
            row = kept.get(requirement.pk)
            if row is None:
                DossierComponent.objects.create(
                    dossier=dossier,
                    requirement=requirement,
                    name=requirement.name,
                    originals=min(requirement.originals or 0, 99),
                    copies=min(requirement.copies or 0, 99),
                    position=position,
                )
            elif row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        for position, row in enumerate(kept_others, start=len(wanted)):
            row.position = position
            row.save(update_fields=["position"])
        changed["case"] = [dossier.case.name if dossier.case else "", case.name if case else ""]
    values = {
        "case": case,
        "receiving_agency": change.receiving_agency,
        "province_id": change.receiving_agency.province_id,
        "handling_agency": handling,
        "statutory_amount": amount,
        "statutory_unit": unit,
        "applicant_address": nfc(change.address) or dossier.applicant.address,
        "applicant_phone": change.phone.strip(),
        "applicant_email": change.email.strip(),
        "representative_name": nfc(change.representative_name),
        "representative_id_number": change.representative_id_number.strip(),
        "note": nfc(change.note),
    }
    for name, value in values.items():
        if name != "case" and getattr(dossier, name) != value:
            changed[name] = True
        setattr(dossier, name, value)
    _save(dossier, list(values))
    if changed:
        _record(
            dossier,
            "edit_draft",
            actor=actor,
            agency=None,
            at=at,
            from_status=dossier.status,
            data={"changed": sorted(changed)},
        )
    return dossier


def _set_components(dossier: Dossier, version: ProcedureVersion, components: Sequence[ComponentData]) -> None:
    requirements = {c.pk: c for c in version.components.all()}
    rows = []
    for i, item in enumerate(components):
        requirement = requirements.get(item.requirement_id) if item.requirement_id else None
        if item.requirement_id and requirement is None:
            raise DomainError(
                "invalid_component",
                f"Thành phần hồ sơ số {item.requirement_id} không thuộc thủ tục.",
                fields={f"components.{i}": ["Không thuộc thủ tục này."]},
            )
        name = nfc(item.name) or (requirement.name if requirement else "")
        if not name:
            raise DomainError(
                "invalid_component",
                "Giấy tờ cần có tên hoặc mã thành phần.",
                fields={f"components.{i}": ["Thiếu tên."]},
            )
        if requirement is None:
            # NĐ 61/2018 Art. 5: no paper the procedure does not list.
            raise DomainError(
                "component_not_listed",
                f"«{name[:80]}» không có trong thành phần hồ sơ của thủ tục.",
                fields={f"components.{i}": ["Không có trong danh mục."]},
            )
        rows.append(
            DossierComponent(
                dossier=dossier,
                requirement=requirement,
                name=name,
                originals=item.originals,
                copies=item.copies,
                note=nfc(item.note)[:500],
                position=i,
            )
        )
    DossierComponent.objects.bulk_create(rows)


def _refresh_search(dossier: Dossier) -> None:
    dossier.search_text = fold(
        f"{dossier.code or ''} {dossier.applicant_name} {dossier.applicant_id_number}"
    )[:500]
    _save(dossier, ["search_text"])


def next_code(agency: Agency, day: date) -> str:
    """Issue the next code of ``agency`` for local date ``day``. The sequence row is locked for the
    rest of the transaction, so concurrent receptions wait for each other: no duplicate, no gap."""
    DossierSequence.objects.bulk_create(
        [DossierSequence(agency=agency, day=day, last=0)], ignore_conflicts=True
    )
    sequence = DossierSequence.objects.select_for_update().get(agency=agency, day=day)
    sequence.last = F("last") + 1
    sequence.save(update_fields=["last"])
    sequence.refresh_from_db(fields=["last"])
    return format_code(agency.code, day, sequence.last)


def _approaching_at(calendar: WorkCalendar, start: datetime, due: datetime) -> datetime:
    """When only one working day remains before ``due`` (counted from ``start``)."""
    total = calendar.working_minutes_between(start, due)
    return calendar.add_working_minutes(start, max(0, total - calendar.minutes_per_day))


def _start_clock(dossier: Dossier, at: datetime, calendar: WorkCalendar) -> None:
    assert dossier.statutory_amount is not None
    deadline = calendar.deadline(
        at, dossier.statutory_amount, dossier.statutory_unit, after_15h_next_day=dossier.after_15h_next_day
    )
    dossier.clock_start = deadline.start
    dossier.due_at = deadline.due
    dossier.appointment_at = deadline.due
    dossier.approaching_at = _approaching_at(calendar, deadline.start, deadline.due)
    dossier.clock_stopped_at = None


def _receive(
    dossier: Dossier, *, actor: User | None, agency: Agency | None, at: datetime, code: str | None = None
) -> None:
    calendar = work_calendar()
    previous = dossier.status
    if code:
        if Dossier.objects.filter(code=code).exclude(pk=dossier.pk).exists():
            raise DomainError("duplicate_code", f"Mã hồ sơ {code} đã tồn tại.", status=409)
        dossier.code = code
    elif not dossier.code:
        dossier.code = next_code(dossier.receiving_agency, local_date(at))
    dossier.status = Status.RECEIVED
    dossier.received_at = at
    dossier.received_by = actor
    _start_clock(dossier, at, calendar)
    # Imported history has no workflow steps: the old system kept its own.
    dossier.workflow = None if dossier.imported else _workflow_for(dossier)
    try:
        _save(
            dossier,
            [
                "code",
                "status",
                "received_at",
                "received_by",
                "clock_start",
                "due_at",
                "appointment_at",
                "approaching_at",
                "clock_stopped_at",
                "workflow",
            ],
        )
    except IntegrityError as exc:
        raise DomainError("duplicate_code", f"Mã hồ sơ {dossier.code} đã tồn tại.", status=409) from exc
    _refresh_search(dossier)
    _instantiate_steps(dossier, actor, calendar)
    _record(
        dossier,
        Action.RECEIVE,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        data={"code": dossier.code},
    )
    _handover(
        dossier,
        at=at,
        kind="receive",
        from_user=None,
        from_agency=None,
        to_agency=dossier.receiving_agency,
        to_role=Role.ONE_STOP_OFFICER,
        to_user=actor,
        note="Tiếp nhận hồ sơ",
    )


def _workflow_for(dossier: Dossier) -> Workflow | None:
    level = "commune" if dossier.handling_agency.level == Agency.Level.COMMUNE else "province"
    workflows = Workflow.objects.filter(
        procedure=dossier.procedure, status=Workflow.Status.ACTIVE, level=level
    )
    return (
        workflows.filter(agency=dossier.handling_agency).first()
        or workflows.filter(agency__isnull=True).first()
    )


def _instantiate_steps(dossier: Dossier, actor: User | None, calendar: WorkCalendar) -> None:
    if dossier.workflow is None:
        return
    steps = []
    for step in dossier.workflow.steps.select_related("agency").order_by("position"):
        agency = step.agency or (
            dossier.receiving_agency if step.role == Role.ONE_STOP_OFFICER else dossier.handling_agency
        )
        steps.append(
            DossierStep(
                dossier=dossier,
                position=step.position,
                name=step.name,
                role=step.role,
                agency=agency,
                parallel_group=step.parallel_group,
                is_lead=step.is_lead,
                duration_minutes=to_minutes(step.duration_amount, step.duration_unit) or 0,
            )
        )
    DossierStep.objects.bulk_create(steps)
    first = _groups(dossier)[0] if steps else []
    assert dossier.clock_start is not None
    for first_step in first:
        _activate(
            first_step,
            dossier.clock_start,
            calendar,
            assignee=actor if _may_hold(actor, first_step) else None,
        )


def _groups(dossier: Dossier) -> list[list[DossierStep]]:
    """The dossier's steps in order, consecutive steps of one parallel group together."""
    groups: list[list[DossierStep]] = []
    for step in dossier.steps.order_by("position"):
        if groups and step.parallel_group and groups[-1][0].parallel_group == step.parallel_group:
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def _may_hold(user: User | None, step: DossierStep) -> bool:
    return user is not None and acting_membership(user, step.agency, {Role(step.role)}) is not None


def _activate(step: DossierStep, at: datetime, calendar: WorkCalendar, assignee: User | None) -> None:
    step.state = DossierStep.State.ACTIVE
    step.started_at = at
    step.due_at = calendar.add_working_minutes(at, step.duration_minutes)
    step.finished_at = None
    step.finished_by = None
    step.timing = ""
    step.assignee = assignee
    step.rounds += 1
    step.save()


def _finish(step: DossierStep, at: datetime, actor: User | None) -> None:
    step.state = DossierStep.State.DONE
    step.finished_at = at
    step.finished_by = actor
    step.timing = classify_resolution(at, step.due_at) if step.due_at else ""
    step.save(update_fields=["state", "finished_at", "finished_by", "timing"])


@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor: User | None, at: datetime | None = None) -> Dossier:
    """The applicant submits a draft, or resubmits after it was returned for completion."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.SUBMIT)
    _check_time(dossier, at)
    if actor is not None and not _is_applicant(actor, dossier):
        raise Forbidden("Chỉ người nộp hồ sơ được nộp lại hồ sơ.")
    previous = dossier.status
    dossier.status = target
    dossier.submitted_at = at
    _save(dossier, ["status", "submitted_at"])
    _record(dossier, Action.SUBMIT, actor=actor, agency=None, at=at, from_status=previous)
    return dossier


@transaction.atomic
def dossier_receive(
    *, dossier: Dossier, actor: User | None, at: datetime | None = None, code: str | None = None
) -> Dossier:
    """A one-stop officer accepts an online dossier as complete: code issued, clock started."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    _check_transition(dossier, Action.RECEIVE)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.RECEIVE)
    _receive(dossier, actor=actor, agency=agency, at=at, code=code)
    return dossier


def _clean_items(items: Sequence[str], field_name: str = "items") -> list[str]:
    cleaned = [nfc(item) for item in items if nfc(item)]
    if not cleaned:
        raise DomainError(
            "items_required",
            "Cần liệt kê đầy đủ các nội dung phải bổ sung, hoàn thiện.",
            fields={field_name: ["Bắt buộc nhập ít nhất một nội dung."]},
        )
    return cleaned


def _require_reason(reason: str) -> str:
    reason = nfc(reason)
    if not reason:
        raise DomainError("reason_required", "Cần nêu rõ lý do.", fields={"reason": ["Bắt buộc nhập."]})
    return reason


@transaction.atomic
def dossier_return_for_completion(
    *,
    dossier: Dossier,
    actor: User | None,
    items: Sequence[str],
    reason: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Return an online dossier before reception with ONE complete list of what is missing
    (NĐ 61/2018 Art. 15.3: guidance once, all together)."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.RETURN_FOR_COMPLETION)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.RETURN_FOR_COMPLETION)
    cleaned = _clean_items(items)
    if dossier.events.filter(action=Action.RETURN_FOR_COMPLETION).exists():
        raise DomainError(
            "already_returned",
            "Hồ sơ đã được hướng dẫn bổ sung một lần; không yêu cầu bổ sung thêm (NĐ 61/2018 Điều 15.3). "
            "Hãy tiếp nhận hoặc từ chối tiếp nhận có lý do.",
            status=409,
        )
    previous = dossier.status
    dossier.status = target
    _save(dossier, ["status"])
    _record(
        dossier,
        Action.RETURN_FOR_COMPLETION,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=nfc(reason),
        data={"items": cleaned},
    )
    return dossier


@transaction.atomic
def dossier_refuse(
    *, dossier: Dossier, actor: User | None, reason: str, at: datetime | None = None
) -> Dossier:
    """Refuse an online dossier at reception, always with a reason (form 03)."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.REFUSE)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.REFUSE)
    reason = _require_reason(reason)
    previous = dossier.status
    dossier.status = target
    dossier.closed_at = at
    dossier.resolution_note = reason
    _save(dossier, ["status", "closed_at", "resolution_note"])
    _record(dossier, Action.REFUSE, actor=actor, agency=agency, at=at, from_status=previous, reason=reason)
    return dossier


@transaction.atomic
def dossier_withdraw(
    *, dossier: Dossier, actor: User | None, reason: str = "", at: datetime | None = None
) -> Dossier:
    """The applicant withdraws a dossier not yet received."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.WITHDRAW)
    _check_time(dossier, at)
    agency = None if _is_applicant(actor, dossier) else _check_actor(actor, dossier, Action.WITHDRAW)
    previous = dossier.status
    dossier.status = target
    dossier.closed_at = at
    _save(dossier, ["status", "closed_at"])
    _record(
        dossier, Action.WITHDRAW, actor=actor, agency=agency, at=at, from_status=previous, reason=nfc(reason)
    )
    return dossier


# ---------------------------------------------------------------------------------------------
# Workflow


def _active_step(dossier: Dossier, actor: User | None, position: int | None) -> DossierStep:
    active = list(
        dossier.steps.filter(state=DossierStep.State.ACTIVE).select_related("agency").order_by("position")
    )
    if not active:
        raise DomainError("no_active_step", "Hồ sơ không có bước nào đang xử lý.", status=409)
    if position is not None:
        chosen = [s for s in active if s.position == position]
        if not chosen:
            raise DomainError(
                "invalid_step",
                f"Bước {position} không phải bước đang xử lý.",
                fields={"step": [f"Các bước đang xử lý: {', '.join(str(s.position) for s in active)}."]},
            )
        return chosen[0]
    if len(active) == 1:
        return active[0]
    mine = [s for s in active if actor is None or actor.is_superuser or _may_hold(actor, s)]
    if len(mine) == 1:
        return mine[0]
    raise DomainError(
        "step_required",
        "Có nhiều bước đang xử lý song song; cần chọn bước (step).",
        fields={"step": ["Bắt buộc nhập."]},
    )


def _check_step_actor(actor: User | None, step: DossierStep) -> Agency | None:
    if actor is None:
        return None
    if actor.is_superuser:
        return step.agency
    membership = acting_membership(actor, step.agency, {Role(step.role), Role.LEADER})
    if membership is None or (
        step.assignee_id and step.assignee_id != actor.pk and membership.role != Role.LEADER
    ):
        holder = (
            step.assignee.display_name
            if step.assignee
            else f"{vietnamese(Role(step.role).label)} của {step.agency.name}"
        )
        raise Forbidden(f"Bước {step.position} «{step.name}» do {holder} xử lý.")
    return membership.agency


def _check_assignee(assignee: User | None, step: DossierStep) -> None:
    if assignee is not None and not _may_hold(assignee, step):
        raise DomainError(
            "invalid_assignee",
            f"{assignee.display_name} không có vai trò {vietnamese(Role(step.role).label)} tại {step.agency.name}.",
            fields={"assignee": ["Không đúng vai trò hoặc cơ quan."]},
        )


@transaction.atomic
def dossier_forward(
    *,
    dossier: Dossier,
    actor: User | None,
    step: int | None = None,
    assignee: User | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Finish the actor's step and hand the dossier to the next step (its role, agency and
    optionally a named person). Steps of a parallel group all start together; the next step starts
    when the whole group is done. Every hand-over is logged with early / on time / late."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.FORWARD)
    _check_time(dossier, at)
    current = _active_step(dossier, actor, step)
    agency = _check_step_actor(actor, current)
    groups = _groups(dossier)
    index = next(i for i, group in enumerate(groups) if any(s.pk == current.pk for s in group))
    group = groups[index]
    others_active = [s for s in group if s.pk != current.pk and s.state == DossierStep.State.ACTIVE]
    following = groups[index + 1] if index + 1 < len(groups) else None
    if not others_active and following is None:
        raise DomainError(
            "last_step", "Đây là bước cuối của quy trình: hãy ban hành kết quả (resolve).", status=409
        )
    if assignee is not None and following is not None and not others_active:
        if len(following) != 1:
            raise DomainError(
                "assignee_ambiguous",
                "Bước tiếp theo có nhiều nhánh song song; không chỉ định một người.",
                fields={"assignee": ["Bỏ trống với bước song song."]},
            )
        _check_assignee(assignee, following[0])
    calendar = work_calendar()
    _finish(current, at, actor)
    if others_active:
        lead = next((s for s in group if s.is_lead), group[0])
        _handover(
            dossier,
            at=at,
            kind="branch_done",
            from_user=actor,
            from_agency=current.agency,
            to_agency=lead.agency,
            to_role=lead.role,
            step=current,
            note=nfc(note),
        )
    else:
        assert following is not None
        for nxt in following:
            _activate(nxt, at, calendar, assignee=assignee if len(following) == 1 else None)
            _handover(
                dossier,
                at=at,
                kind="forward",
                from_user=actor,
                from_agency=current.agency,
                to_agency=nxt.agency,
                to_role=nxt.role,
                to_user=nxt.assignee,
                step=current,
                note=nfc(note),
            )
    previous = dossier.status
    dossier.status = target
    _save(dossier, ["status"])
    _record(
        dossier,
        Action.FORWARD,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=nfc(note),
        data={
            "step": current.position,
            "timing": current.timing,
            "to": [s.position for s in (following or []) if not others_active],
        },
    )
    return dossier


@transaction.atomic
def dossier_send_back(
    *, dossier: Dossier, actor: User | None, reason: str, step: int | None = None, at: datetime | None = None
) -> Dossier:
    """Return the dossier from the actor's step to the previous step, with a reason."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    _check_transition(dossier, Action.SEND_BACK)
    _check_time(dossier, at)
    current = _active_step(dossier, actor, step)
    agency = _check_step_actor(actor, current)
    reason = _require_reason(reason)
    groups = _groups(dossier)
    index = next(i for i, group in enumerate(groups) if any(s.pk == current.pk for s in group))
    if index == 0:
        raise DomainError("first_step", "Đây là bước đầu tiên, không có bước trước để trả lại.", status=409)
    calendar = work_calendar()
    for s in groups[index]:
        if s.state == DossierStep.State.ACTIVE:
            s.state = DossierStep.State.WAITING
            s.save(update_fields=["state"])
    for previous_step in groups[index - 1]:
        _activate(previous_step, at, calendar, assignee=previous_step.finished_by)
        _handover(
            dossier,
            at=at,
            kind="send_back",
            from_user=actor,
            from_agency=current.agency,
            to_agency=previous_step.agency,
            to_role=previous_step.role,
            to_user=previous_step.assignee,
            step=current,
            note=reason,
        )
    _record(
        dossier,
        Action.SEND_BACK,
        actor=actor,
        agency=agency,
        at=at,
        from_status=dossier.status,
        reason=reason,
        data={"step": current.position},
    )
    return dossier


@dataclass
class ConsultationInput:
    agency: Agency
    task: str
    working_days: Decimal
    is_lead: bool = False


@transaction.atomic
def dossier_consult(
    *, dossier: Dossier, actor: User | None, requests: Sequence[ConsultationInput], at: datetime | None = None
) -> Dossier:
    """Send the dossier to other agencies in parallel, naming the lead agency, each one's task and
    deadline (docs/domain.md §4 rule 6)."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.CONSULT)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.CONSULT)
    if not requests:
        raise DomainError(
            "agencies_required", "Cần chọn ít nhất một cơ quan.", fields={"agencies": ["Bắt buộc nhập."]}
        )
    if sum(1 for r in requests if r.is_lead) != 1:
        raise DomainError(
            "lead_required",
            "Cần chỉ định đúng một cơ quan chủ trì.",
            fields={"agencies": ["Một cơ quan chủ trì."]},
        )
    seen: set[int] = set()
    for i, request in enumerate(requests):
        if request.agency.pk in seen or request.agency.pk == dossier.handling_agency_id:
            raise DomainError(
                "invalid_agency",
                f"{request.agency.name} bị trùng hoặc là cơ quan đang giải quyết.",
                fields={f"agencies.{i}": ["Không hợp lệ."]},
            )
        if request.working_days <= 0 or not nfc(request.task):
            raise DomainError(
                "invalid_consultation",
                f"{request.agency.name}: cần nhiệm vụ và thời hạn (ngày làm việc) > 0.",
                fields={f"agencies.{i}": ["Thiếu nhiệm vụ hoặc thời hạn."]},
            )
        seen.add(request.agency.pk)
    calendar = work_calendar()
    for request in requests:
        due = calendar.add(at, request.working_days, "working_day")
        Consultation.objects.create(
            dossier=dossier,
            agency=request.agency,
            is_lead=request.is_lead,
            task=nfc(request.task),
            requested_at=at,
            requested_by=actor,
            due_at=due,
        )
        _handover(
            dossier,
            at=at,
            kind="consult",
            from_user=actor,
            from_agency=agency or dossier.handling_agency,
            to_agency=request.agency,
            to_role=Role.SPECIALIST,
            note=("Chủ trì: " if request.is_lead else "Phối hợp: ") + nfc(request.task),
        )
    previous = dossier.status
    dossier.status = target
    _save(dossier, ["status"])
    _record(
        dossier,
        Action.CONSULT,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        data={
            "agencies": [
                {"agency": r.agency.code, "lead": r.is_lead, "working_days": str(r.working_days)}
                for r in requests
            ]
        },
    )
    return dossier


@transaction.atomic
def dossier_consult_reply(
    *, dossier: Dossier, actor: User | None, agency: Agency, answer: str, at: datetime | None = None
) -> Dossier:
    """A consulted agency answers; the hand-over back is logged against its deadline."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    _check_transition(dossier, Action.CONSULT_REPLY)
    _check_time(dossier, at)
    consultation = dossier.consultations.filter(agency=agency, answered_at__isnull=True).first()
    if consultation is None:
        raise DomainError(
            "no_open_consultation",
            f"Không có yêu cầu liên thông nào đang chờ {agency.name} trả lời.",
            status=409,
        )
    if (
        actor is not None
        and not actor.is_superuser
        and (acting_membership(actor, agency, {Role.SPECIALIST, Role.LEADER}) is None)
    ):
        raise Forbidden(f"Chỉ chuyên viên, lãnh đạo của {agency.name} được trả lời.")
    answer = _require_reason(answer)
    consultation.answered_at = at
    consultation.answered_by = actor
    consultation.answer = answer
    consultation.timing = classify_resolution(at, consultation.due_at)
    consultation.save(update_fields=["answered_at", "answered_by", "answer", "timing"])
    seq = (dossier.handovers.aggregate(n=Max("seq"))["n"] or 0) + 1
    Handover.objects.create(
        dossier=dossier,
        seq=seq,
        at=at,
        kind="consult_reply",
        from_user=actor,
        from_name=actor.display_name if actor else "Hệ thống",
        from_agency=agency,
        to_agency=dossier.handling_agency,
        to_role=Role.SPECIALIST,
        step_due=consultation.due_at,
        timing=consultation.timing,
        note=answer,
    )
    _record(
        dossier,
        Action.CONSULT_REPLY,
        actor=actor,
        agency=agency,
        at=at,
        from_status=dossier.status,
        reason=answer,
        data={"agency": agency.code, "timing": consultation.timing},
    )
    return dossier


# ---------------------------------------------------------------------------------------------
# Clock: supplements, pauses, extension


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User | None,
    items: Sequence[str],
    reason: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Ask the applicant for everything still missing, in one list; the clock stops (NĐ 61/2018
    Art. 19.4). A request later than 3 working days after reception is recorded as a violation."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.REQUEST_SUPPLEMENT)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.REQUEST_SUPPLEMENT)
    cleaned = _clean_items(items)
    calendar = work_calendar()
    assert dossier.clock_start is not None
    request_deadline = calendar.add(dossier.clock_start, SUPPLEMENT_REQUEST_WINDOW_DAYS, "working_day")
    late = at > request_deadline
    SupplementRequest.objects.create(
        dossier=dossier,
        requested_at=at,
        requested_by=actor,
        items=cleaned,
        reason=nfc(reason),
        request_deadline=request_deadline,
        late=late,
        due_before=dossier.due_at,
    )
    previous, due_before, appointment_before = dossier.status, dossier.due_at, dossier.appointment_at
    dossier.status = target
    dossier.clock_stopped_at = at
    dossier.supplement_count += 1
    dossier.late_supplement_request = dossier.late_supplement_request or late
    _save(dossier, ["status", "clock_stopped_at", "supplement_count", "late_supplement_request"])
    _record(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=nfc(reason),
        due_before=due_before,
        appointment_before=appointment_before,
        data={"items": cleaned, "late_request": late, "request_deadline": request_deadline.isoformat()},
    )
    return dossier


@transaction.atomic
def dossier_receive_supplement(
    *, dossier: Dossier, actor: User | None, note: str = "", at: datetime | None = None
) -> Dossier:
    """The completed dossier is received again: the statutory time restarts from zero
    (NĐ 61/2018 Art. 19.4), with a new appointment."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.RECEIVE_SUPPLEMENT)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.RECEIVE_SUPPLEMENT)
    previous, due_before, appointment_before = dossier.status, dossier.due_at, dossier.appointment_at
    calendar = work_calendar()
    _start_clock(dossier, at, calendar)
    dossier.status = target
    _save(
        dossier, ["status", "clock_start", "due_at", "appointment_at", "approaching_at", "clock_stopped_at"]
    )
    SupplementRequest.objects.filter(dossier=dossier, received_at__isnull=True).update(
        received_at=at, received_by=actor, due_after=dossier.due_at
    )
    # The step that was active keeps working on the completed dossier, with a fresh step deadline.
    for step in dossier.steps.filter(state=DossierStep.State.ACTIVE):
        step.due_at = calendar.add_working_minutes(at, step.duration_minutes)
        step.save(update_fields=["due_at"])
    _record(
        dossier,
        Action.RECEIVE_SUPPLEMENT,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=nfc(note),
        due_before=due_before,
        appointment_before=appointment_before,
    )
    return dossier


@transaction.atomic
def dossier_pause(
    *, dossier: Dossier, actor: User | None, reason: str, at: datetime | None = None
) -> Dossier:
    """Stop the clock (e.g. awaiting the applicant's financial obligation); it resumes with the
    remaining working time."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.PAUSE)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.PAUSE)
    reason = _require_reason(reason)
    previous = dossier.status
    dossier.status = target
    dossier.clock_stopped_at = at
    _save(dossier, ["status", "clock_stopped_at"])
    calendar = work_calendar()
    assert dossier.due_at is not None
    _record(
        dossier,
        Action.PAUSE,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=reason,
        due_before=dossier.due_at,
        appointment_before=dossier.appointment_at,
        data={"remaining_minutes": max(0, calendar.remaining_minutes(dossier.due_at, at))},
    )
    return dossier


@transaction.atomic
def dossier_resume(
    *, dossier: Dossier, actor: User | None, note: str = "", at: datetime | None = None
) -> Dossier:
    """Restart the clock with the working time that remained when it was paused."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.RESUME)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.RESUME)
    assert dossier.due_at is not None
    assert dossier.clock_stopped_at is not None
    calendar = work_calendar()
    previous, due_before, appointment_before = dossier.status, dossier.due_at, dossier.appointment_at
    paused_at = dossier.clock_stopped_at
    dossier.due_at = calendar.resume(
        due=due_before, paused_at=paused_at, resumed_at=at, unit=dossier.statutory_unit
    )
    if appointment_before is not None:
        dossier.appointment_at = (
            dossier.due_at
            if appointment_before == due_before
            else calendar.resume(
                due=appointment_before, paused_at=paused_at, resumed_at=at, unit=dossier.statutory_unit
            )
        )
    dossier.approaching_at = _approaching_at(calendar, calendar.next_opening(at), dossier.due_at)
    dossier.clock_stopped_at = None
    dossier.status = target
    _save(dossier, ["status", "due_at", "appointment_at", "approaching_at", "clock_stopped_at"])
    for step in dossier.steps.filter(state=DossierStep.State.ACTIVE, due_at__isnull=False):
        assert step.due_at is not None
        step.due_at = calendar.resume(
            due=step.due_at, paused_at=paused_at, resumed_at=at, unit="working_hour"
        )
        step.save(update_fields=["due_at"])
    _record(
        dossier,
        Action.RESUME,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=nfc(note),
        due_before=due_before,
        appointment_before=appointment_before,
    )
    return dossier


@transaction.atomic
def dossier_extend(
    *,
    dossier: Dossier,
    actor: User | None,
    reason: str,
    new_appointment: datetime,
    at: datetime | None = None,
) -> Dossier:
    """Apologise and give a new appointment: once per dossier, at least 1 working day before the due
    instant (NĐ 61/2018 Art. 19.9). The statutory due instant does not move: a dossier resolved after
    it is still late."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    _check_transition(dossier, Action.EXTEND)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.EXTEND)
    reason = _require_reason(reason)
    if dossier.extension_count >= 1:
        raise DomainError(
            "already_extended",
            "Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai (NĐ 61/2018 Điều 19.9).",
            status=409,
        )
    if timezone.is_naive(new_appointment):
        raise DomainError(
            "naive_datetime", "Ngày hẹn mới phải có múi giờ.", fields={"new_appointment": ["Thiếu múi giờ."]}
        )
    assert dossier.due_at is not None
    calendar = work_calendar()
    remaining = calendar.remaining_minutes(dossier.due_at, at)
    if at > dossier.due_at or remaining < calendar.minutes_per_day:
        raise DomainError(
            "extension_too_late",
            "Phải xin lỗi, hẹn lại chậm nhất 1 ngày làm việc trước hạn giải quyết "
            f"({timezone.localtime(dossier.due_at):%H:%M %d/%m/%Y}).",
            status=409,
        )
    if new_appointment <= dossier.due_at:
        raise DomainError(
            "invalid_appointment",
            "Ngày hẹn mới phải sau hạn giải quyết hiện tại.",
            fields={"new_appointment": ["Phải sau hạn giải quyết."]},
        )
    appointment_before = dossier.appointment_at
    Extension.objects.create(
        dossier=dossier,
        at=at,
        by=actor,
        reason=reason,
        due_at=dossier.due_at,
        previous_appointment=appointment_before,
        new_appointment=new_appointment,
    )
    dossier.appointment_at = new_appointment
    dossier.extension_count += 1
    _save(dossier, ["appointment_at", "extension_count"])
    _record(
        dossier,
        Action.EXTEND,
        actor=actor,
        agency=agency,
        at=at,
        from_status=dossier.status,
        reason=reason,
        due_before=dossier.due_at,
        appointment_before=appointment_before,
    )
    return dossier


# ---------------------------------------------------------------------------------------------
# Ending


@transaction.atomic
def dossier_resolve(
    *,
    dossier: Dossier,
    actor: User | None,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
    enforce_workflow: bool = True,
) -> Dossier:
    """Issue the result (or refuse after appraisal, with a reason) at the workflow's last step; the
    resolution is classified early / on time / late against the statutory due instant."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.RESOLVE)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.RESOLVE)
    if outcome not in Outcome.values:
        raise DomainError(
            "invalid_outcome", "Kết quả phải là approved hoặc refused.", fields={"outcome": ["Không hợp lệ."]}
        )
    note = nfc(note)
    if outcome == Outcome.REFUSED and not note:
        raise DomainError(
            "reason_required", "Từ chối giải quyết phải nêu rõ lý do.", fields={"note": ["Bắt buộc nhập."]}
        )
    open_consultations = dossier.consultations.filter(answered_at__isnull=True).count()
    if enforce_workflow and open_consultations:
        raise DomainError(
            "consultation_open", f"Còn {open_consultations} cơ quan liên thông chưa trả lời.", status=409
        )
    waiting_after = dossier.steps.filter(state=DossierStep.State.WAITING).exclude(
        position__lt=dossier.steps.filter(state=DossierStep.State.ACTIVE).aggregate(p=Max("position"))["p"]
        or 0
    )
    if enforce_workflow and waiting_after.exists():
        raise DomainError(
            "workflow_not_finished",
            "Hồ sơ chưa đến bước cuối của quy trình; hãy chuyển các bước trước.",
            status=409,
        )
    assert dossier.due_at is not None
    for step in dossier.steps.filter(state=DossierStep.State.ACTIVE):
        _finish(step, at, actor)
        _handover(
            dossier,
            at=at,
            kind="resolve",
            from_user=actor,
            from_agency=step.agency,
            to_agency=dossier.receiving_agency,
            to_role=Role.ONE_STOP_OFFICER,
            step=step,
            note="Chuyển kết quả về bộ phận một cửa",
        )
    previous = dossier.status
    dossier.status = target
    dossier.resolved_at = at
    dossier.outcome = outcome
    dossier.resolution_note = note
    dossier.resolution_timing = classify_resolution(at, dossier.due_at)
    _save(dossier, ["status", "resolved_at", "outcome", "resolution_note", "resolution_timing"])
    _record(
        dossier,
        Action.RESOLVE,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=note,
        data={
            "outcome": outcome,
            "timing": dossier.resolution_timing,
            "early_return": dossier.resolution_timing == Timing.EARLY,
        },
    )
    return dossier


@transaction.atomic
def dossier_deliver(
    *, dossier: Dossier, actor: User | None, method: str, note: str = "", at: datetime | None = None
) -> Dossier:
    """Hand the result to the applicant: at the counter, by post or online."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.DELIVER)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.DELIVER)
    if method not in DeliveryMethod.values:
        raise DomainError(
            "invalid_method",
            "Hình thức trả kết quả phải là counter, postal hoặc online.",
            fields={"method": ["Không hợp lệ."]},
        )
    previous = dossier.status
    dossier.status = target
    dossier.delivered_at = at
    dossier.delivery_method = method
    _save(dossier, ["status", "delivered_at", "delivery_method"])
    _handover(
        dossier,
        at=at,
        kind="deliver",
        from_user=actor,
        from_agency=agency or dossier.receiving_agency,
        to_agency=None,
        to_role="",
        note=f"Trả kết quả: {vietnamese(DeliveryMethod(method).label)}",
    )
    _record(
        dossier,
        Action.DELIVER,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        reason=nfc(note),
        data={"method": method},
    )
    return dossier


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor: User | None, reason: str, at: datetime | None = None) -> Dossier:
    """Stop processing at the applicant's request (form 05: Thông báo dừng giải quyết hồ sơ)."""
    at = at or timezone.now()
    dossier = _lock(dossier)
    target = _check_transition(dossier, Action.STOP)
    _check_time(dossier, at)
    agency = _check_actor(actor, dossier, Action.STOP)
    reason = _require_reason(reason)
    for step in dossier.steps.filter(state=DossierStep.State.ACTIVE):
        _finish(step, at, actor)
    previous = dossier.status
    dossier.status = target
    dossier.closed_at = at
    dossier.resolution_note = reason
    dossier.clock_stopped_at = dossier.clock_stopped_at or at
    _save(dossier, ["status", "closed_at", "resolution_note", "clock_stopped_at"])
    _record(dossier, Action.STOP, actor=actor, agency=agency, at=at, from_status=previous, reason=reason)
    return dossier


def dossier_for_action(*, reference: str) -> Dossier:
    """The dossier named by code or uuid (no scoping: callers check visibility first)."""
    dossier = Dossier.objects.filter(code=reference).first()
    if dossier is None:
        try:
            dossier = Dossier.objects.filter(uuid=uuid.UUID(reference)).first()
        except ValueError:
            dossier = None
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    return dossier


# ---------------------------------------------------------------------------------------------
# The daily anchor of the history (ADR 0009)


def history_signer() -> Agency:
    """The agency whose certificate signs the anchors: ``MOTCUA_HISTORY_SIGNER``, else the province's
    People's Committee."""
    from django.conf import settings

    code = settings.MOTCUA_HISTORY_SIGNER
    agencies = Agency.objects.filter(is_active=True)
    if code:
        agency = agencies.filter(code=code).first()
        if agency is None:
            raise DomainError(
                "history_signer_missing", f"MOTCUA_HISTORY_SIGNER: không có cơ quan mã {code}.", status=409
            )
        return agency
    agency = (
        agencies.filter(level=Agency.Level.PROVINCE, kind=Agency.Kind.PEOPLES_COMMITTEE)
        .order_by("code")
        .first()
        or agencies.filter(level=Agency.Level.PROVINCE).order_by("code").first()
    )
    if agency is None:
        raise DomainError(
            "history_signer_missing", "Chưa có cơ quan cấp tỉnh để ký mốc nhật ký hồ sơ.", status=409
        )
    return agency


def history_anchor(*, day: date, now: datetime | None = None) -> HistoryAnchor:
    """Sign and store the anchor of ``day``: the root over the hashes of the events recorded that day.
    Only a closed day (before today, local time) is anchored, and only once."""
    from documents.signing import sign_detached
    from dossiers.history import day_root

    today = local_date(now or timezone.now())
    if day >= today:
        raise DomainError(
            "history_day_open", f"Ngày {day:%d/%m/%Y} chưa kết thúc, chưa lập mốc được.", status=409
        )
    if HistoryAnchor.objects.filter(day=day).exists():
        raise DomainError("history_day_anchored", f"Ngày {day:%d/%m/%Y} đã có mốc.", status=409)
    root, count = day_root(day)
    signature = sign_detached(chain.anchor_message(day, root, count), agency=history_signer())
    try:
        with transaction.atomic():
            return HistoryAnchor.objects.create(
                day=day,
                root_hash=root,
                event_count=count,
                signature=base64.b64encode(signature.cms).decode(),
                signer_certificate=signature.certificate_pem,
                signer=signature.subject[:500],
            )
    except IntegrityError:
        # Another run anchored it meanwhile.
        raise DomainError("history_day_anchored", f"Ngày {day:%d/%m/%Y} đã có mốc.", status=409) from None


def history_anchor_closed_days(*, now: datetime | None = None) -> list[HistoryAnchor]:
    """Anchor every closed day not anchored yet (``manage.py anchor_history``, daily from cron)."""
    from dossiers.history import unanchored_days

    now = now or timezone.now()
    return [history_anchor(day=day, now=now) for day in unanchored_days(before=local_date(now))]
