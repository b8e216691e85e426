"""Filing a dossier (online, by the applicant, or at the counter and received at once) and the
applicant's changes to a draft. The actions that follow are the registry's (``dossiers/actions/``)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Applicant, User
from catalog.models import (
    Channel,
    ComponentRequirement,
    ProcedureCase,
    ProcedureVersion,
    ProcessingOption,
)
from dossiers.actions.base import acting_membership
from dossiers.actions.reception import (
    duplicate_code,
    instantiate_steps,
    next_code,
    reception_handover,
    search_text_of,
    take_in,
    workflow_for,
)
from dossiers.actions.recording import Happened, local_date, lock, record, record_together, save
from dossiers.filing_read import FilingRead, read_for_filing
from dossiers.models import Dossier, DossierComponent
from dossiers.notice_choice import notice_contact
from dossiers.selectors import CHILDREN
from dossiers.transitions import Action, Status, vietnamese
from kernel.errors import DomainError, Forbidden
from kernel.jsonrows import adopt, drop
from kernel.text import nfc
from organization.models import Agency, Role
from worktime.services import work_calendar


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
    # Notices by e-mail, by SMS (dossiers/notice_choice.py); None: the applicant's saved preference.
    notify_email: bool | None = None
    notify_sms: bool | None = None


def _applicant_lookup(data: ApplicantData) -> dict[str, str]:
    """How the applicant named by ``data`` is found: by ID number or tax code (or why neither)."""
    if not nfc(data.name):
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
        return {"tax_code": data.tax_code}
    if len(data.national_id) != 12 or not data.national_id.isdigit():
        raise DomainError(
            "invalid_applicant",
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
            fields={"applicant.national_id": ["Gồm đúng 12 chữ số."]},
        )
    return {"national_id": data.national_id}


def _applicant_for(data: ApplicantData, read: list[Applicant] | None = None) -> Applicant:
    """The applicant with this ID number or tax code, created if new (a counter applicant need not
    have a login). ``read``: the one found (or none) by the filing's read; None: looked up here."""
    lookup = _applicant_lookup(data)
    found = read if read is not None else list(Applicant.objects.filter(**lookup).order_by("pk")[:1])
    applicant = found[0] if found else None
    if applicant is None:
        applicant = Applicant.objects.create(
            kind=data.kind,
            name=nfc(data.name),
            national_id=data.national_id if data.kind == Applicant.Kind.INDIVIDUAL else "",
            tax_code=data.tax_code if data.kind == Applicant.Kind.ORGANIZATION else "",
            date_of_birth=data.date_of_birth,
            address=nfc(data.address),
            phone=data.phone.strip(),
            email=data.email.strip(),
        )
    return applicant


def _competent_handling_agency(
    version: ProcedureVersion, receiving: Agency, handling: Agency | None, linked: Sequence[Agency]
) -> Agency:
    """The agency that settles the dossier: given, or derived from the receiving centre. ``linked``:
    the agencies linked to ``version`` (``_linked``)."""
    if handling is None:
        if version.at_commune and receiving.level == Agency.Level.COMMUNE:
            handling = (
                receiving.parent
                if receiving.kind == Agency.Kind.SERVICE_CENTRE and receiving.parent
                else receiving
            )
        else:
            active = [agency for agency in linked if agency.is_active]
            if len(active) == 1:
                handling = active[0]
            else:
                raise DomainError(
                    "handling_agency_required",
                    "Cần chọn cơ quan giải quyết hồ sơ.",
                    fields={"handling_agency": ["Bắt buộc nhập với thủ tục này."]},
                )
    competent = any(agency.pk == handling.pk for agency in linked) or (
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
    *,
    data: DossierInput,
    actor: User | None,
    at: datetime | None = None,
    draft: bool = False,
    children: bool = False,
) -> Dossier:
    """File a dossier. Online: submitted by the applicant (or kept as a draft), then checked by a
    one-stop officer. Counter and postal: recorded by the officer and received at once.
    ``children``: the dossier returned keeps its steps, papers, consultations and events as filing wrote
    them (kernel.jsonrows), for an answer built at once; else they are read again when asked for."""
    dossier = _file(data, actor, at or timezone.now(), draft)
    if not children:
        for relation in CHILDREN:
            drop(dossier, relation)
    return dossier


def _file(data: DossierInput, actor: User | None, at: datetime, draft: bool) -> Dossier:
    officer_channel = data.channel in (Channel.COUNTER, Channel.POSTAL)
    read = _read(data, actor, officer_channel)
    procedure = read.procedure
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
    linked = _linked(version)
    _check_reception_point(receiving, linked)
    handling = _competent_handling_agency(version, receiving, data.handling_agency, linked)
    case = _case_of(version, data.case_id, read.cases)
    if data.imported and data.processing_time is not None:
        amount, unit = data.processing_time
    else:
        amount, unit = _statutory(version, data.channel, case, data.processing_time)
    applicant_data = data.applicant
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
        applicant = _applicant_for(applicant_data, read.applicants)
    if (
        actor is not None
        and officer_channel
        and not actor.is_superuser
        and (acting_membership(actor, receiving, {Role.ONE_STOP_OFFICER}) is None)
    ):
        raise Forbidden(f"Chỉ cán bộ một cửa của {receiving.name} được tiếp nhận hồ sơ tại đây.")
    contact = applicant_data or ApplicantData(name=applicant.name)
    email, phone = notice_contact(
        email_on=data.notify_email,
        sms_on=data.notify_sms,
        email=contact.email or applicant.email,
        phone=contact.phone or applicant.phone,
    )
    submitted = not (draft and not officer_channel)
    # Online, submitted: the code is the one given (the portal's MaHoSo of a pushed dossier, the old
    # system's of an imported one) or issued now (docs/domain.md §4 rule 2, ADR 0021). A draft has none;
    # at the counter and by post it is issued at reception (``_file_received``).
    code = data.code if submitted and data.code and not officer_channel else None
    if code and Dossier.objects.filter(code=code).exists():
        raise DomainError("duplicate_code", f"Mã hồ sơ {code} đã tồn tại.", status=409)
    # Written once, as filed: a draft, already submitted (its submit event follows), or — at the
    # counter and by post — already received.
    dossier = Dossier(
        status=Status.SUBMITTED if submitted else Status.DRAFT,
        submitted_at=at if submitted else None,
        code=code,
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
        applicant_phone=phone,
        applicant_email=email,
        notify_email=data.notify_email,
        notify_sms=data.notify_sms,
        representative_name=nfc(data.representative_name),
        representative_id_number=data.representative_id_number,
        note=nfc(data.note),
        statutory_amount=amount,
        statutory_unit=unit,
        after_15h_next_day=version.after_15h_next_day,
        created_by=actor,
        imported=data.imported,
        is_test=receiving.is_test or handling.is_test or procedure.is_test,
    )
    papers = _components(dossier, version, data.components)
    if officer_channel:
        return _file_received(dossier, papers, data, actor, at)  # reception gives the code
    if submitted and not dossier.code:
        # Issued last, once everything is checked: the sequence row stays locked until the commit.
        dossier.code = next_code(receiving, local_date(at))
    dossier.search_text = search_text_of(dossier)
    try:
        dossier.save(force_insert=True)
    except IntegrityError as exc:
        raise duplicate_code(dossier) from exc
    _adopt_new(dossier, papers)
    # The row was inserted by this transaction: nobody else can write it before the commit (locked).
    record(
        dossier,
        Action.SUBMIT if submitted else "create",
        actor=actor,
        agency=None,
        at=at,
        from_status="",
        data={"channel": data.channel, "code": dossier.code} if dossier.code else {"channel": data.channel},
        locked=True,
    )
    return dossier


def _file_received(
    dossier: Dossier,
    papers: list[DossierComponent],
    data: DossierInput,
    actor: User | None,
    at: datetime,
) -> Dossier:
    """At the counter or by post the dossier is filed and received at once: reception is made on the
    instance (code, clock, workflow) and the row written once, as received; its two events (submitted,
    then received: only the reception is announced) in one INSERT."""
    as_submitted = copy.copy(dossier)  # the dossier as its submit event leaves it
    calendar = work_calendar()
    # Imported history has no workflow steps: the old system kept its own.
    workflow = None if data.imported else workflow_for(dossier)
    running_before = take_in(
        dossier, actor=actor, at=at, code=data.code, calendar=calendar, workflow=workflow
    )
    try:
        dossier.save(force_insert=True)
    except IntegrityError as exc:
        raise duplicate_code(dossier) from exc
    as_submitted.pk = dossier.pk
    _adopt_new(dossier, papers)
    receiving = dossier.receiving_agency
    record_together(
        dossier,
        [
            Happened(
                as_submitted,
                Action.SUBMIT,
                actor,
                receiving,
                at,
                from_status="",
                running_since_before=None,
                data={"channel": data.channel},
                announce=False,
            ),
            Happened(
                dossier,
                Action.RECEIVE,
                actor,
                receiving,
                at,
                from_status=Status.SUBMITTED,
                running_since_before=running_before,
                data={"code": dossier.code},
            ),
        ],
    )
    instantiate_steps(dossier, actor, calendar)
    reception_handover(dossier, actor=actor, at=at)
    return dossier


def _adopt_new(dossier: Dossier, papers: list[DossierComponent]) -> None:
    """A new dossier's children are what this transaction writes: its papers written now, the others
    kept as they are written, for the events' chain and the answer, rather than read back
    (kernel.jsonrows)."""
    for relation in CHILDREN:
        adopt(dossier, relation, [])
    adopt(dossier, "components", DossierComponent.objects.bulk_create(papers), back="dossier")


def _read(data: DossierInput, actor: User | None, officer_channel: bool) -> FilingRead:
    """``read_for_filing`` for ``data``; online, the applicant found is the actor's, kept as his."""
    online_actor = actor is not None and not officer_channel
    read = read_for_filing(
        procedure_code=data.procedure_code,
        receiving=data.receiving_agency,
        handling=data.handling_agency,
        components=bool(data.components),
        case_id=data.case_id,
        applicant=_applicant_wanted(data, actor, officer_channel),
    )
    if online_actor and read.applicants is not None:
        assert actor is not None
        found = read.applicants[0] if read.applicants else None
        User._meta.get_field("applicant").set_cached_value(actor, found)
        if found is not None:
            Applicant._meta.get_field("user").set_cached_value(found, actor)
    return read


def _applicant_wanted(data: DossierInput, actor: User | None, officer_channel: bool) -> dict[str, Any] | None:
    """How the filing's applicant is found, when it is looked up: online, the actor's (unless already
    known); else the one ``data.applicant`` names (if it names one rightly: else the check answers)."""
    if actor is not None and not officer_channel:
        return None if User._meta.get_field("applicant").is_cached(actor) else {"user_id": actor.pk}
    if data.applicant is None:
        return None
    try:
        return _applicant_lookup(data.applicant)
    except DomainError:
        return None


def _linked(version: ProcedureVersion) -> list[Agency]:
    """The agencies linked to ``version`` (a few provincial ones): read with the procedure when filing
    (``_read``), else here."""
    return list(version.agencies.all())


def _check_reception_point(receiving: Agency, linked: Sequence[Agency]) -> None:
    if receiving.kind != Agency.Kind.SERVICE_CENTRE and all(a.pk != receiving.pk for a in linked):
        raise DomainError(
            "not_a_reception_point",
            f"{receiving.name} không phải nơi tiếp nhận hồ sơ.",
            fields={"receiving_agency": ["Chọn Trung tâm Phục vụ hành chính công."]},
        )


def _case_of(
    version: ProcedureVersion, case_id: int | None, read: list[ProcedureCase] | None = None
) -> ProcedureCase | None:
    """The case ``case_id`` of ``version`` (``read``: as the filing's read found it; None: read here)."""
    if case_id is None:
        return None
    found = read if read is not None else list(version.cases.filter(pk=case_id))
    case = found[0] if found else None
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


def _own_draft(dossier: Dossier, actor: User | None, *, only: str, refused: str) -> Dossier:
    """``dossier`` locked, refused unless it is a draft (409, ``only`` says what) of ``actor``'s (403)."""
    dossier = lock(dossier)
    if dossier.status != Status.DRAFT:
        raise DomainError(
            "not_a_draft", f"Hồ sơ đang ở trạng thái «{dossier.status_label}»: {only}.", status=409
        )
    if actor is None or dossier.applicant.user_id != actor.pk:
        raise Forbidden(refused)
    return dossier


@transaction.atomic
def dossier_choose_notices(
    *, dossier: Dossier, actor: User | None, email: bool, sms: bool, at: datetime | None = None
) -> Dossier:
    """The applicant says, on his draft, whether to be told of it by e-mail and by SMS, to the address
    and phone of the draft (checked: ``dossiers.notice_choice.notice_contact``)."""
    dossier = _own_draft(
        dossier,
        actor,
        only="chỉ chọn cách nhận thông báo trên bản nháp",
        refused="Chỉ người nộp hồ sơ được chọn cách nhận thông báo.",
    )
    address, phone = notice_contact(
        email_on=email,
        sms_on=sms,
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        fields=("notify_email", "notify_sms"),
    )
    values = {"notify_email": email, "notify_sms": sms, "applicant_email": address, "applicant_phone": phone}
    changed = sorted(name for name, value in values.items() if getattr(dossier, name) != value)
    if changed:
        for name in changed:
            setattr(dossier, name, values[name])
        save(dossier, changed)
        record(
            dossier,
            "edit_draft",
            actor=actor,
            agency=None,
            at=at or timezone.now(),
            from_status=dossier.status,
            data={"changed": changed},
        )
    return dossier


@transaction.atomic
def dossier_update_draft(
    *, dossier: Dossier, actor: User | None, change: DraftChange, at: datetime | None = None
) -> Dossier:
    """Change a draft's case, place and contact details. A new case brings its own papers into the
    list and drops the papers only the old case needed, except those that already carry a file: they
    stay on the draft (still papers of the procedure), after the others, so nothing attached is lost."""
    at = at or timezone.now()
    dossier = _own_draft(
        dossier,
        actor,
        only="chỉ sửa được bản nháp",
        refused="Chỉ người nộp hồ sơ được sửa bản nháp của mình.",
    )
    version = dossier.version
    linked = _linked(version)
    _check_reception_point(change.receiving_agency, linked)
    handling = _competent_handling_agency(version, change.receiving_agency, change.handling_agency, linked)
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
    save(dossier, list(values))
    if changed:
        record(
            dossier,
            "edit_draft",
            actor=actor,
            agency=None,
            at=at,
            from_status=dossier.status,
            data={"changed": sorted(changed)},
        )
    return dossier


def _components(
    dossier: Dossier, version: ProcedureVersion, components: Sequence[ComponentData]
) -> list[DossierComponent]:
    """The dossier's papers, checked against the version's list, to be written with it (``_adopt_new``)."""
    if not components:
        return []
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
    return rows
