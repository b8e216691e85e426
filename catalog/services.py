"""Every write to the catalog: versions, publication decisions, workflows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from catalog import search
from catalog.models import (
    ComponentRequirement,
    FeeItem,
    LegalBasis,
    OnlineLevel,
    Procedure,
    ProcedureCase,
    ProcedureField,
    ProcedureResult,
    ProcedureSource,
    ProcedureVersion,
    ProcessingOption,
    PublicationDecision,
    PublicationItem,
    TimeUnit,
    Workflow,
    WorkflowStep,
)
from catalog.selectors import workflows_changed
from catalog.workflow_rules import StepSpec, workflow_problems
from kernel.errors import DomainError, Forbidden
from kernel.text import fold, nfc, slugify_vi
from organization.models import Agency, Role
from organization.selectors import CAPABILITIES, user_scope
from worktime.calendar import DEFAULT_WINDOWS

MINUTES_PER_DAY = sum(
    (w.end.hour * 60 + w.end.minute) - (w.start.hour * 60 + w.start.minute) for w in DEFAULT_WINDOWS
)


def field_for(name: str) -> ProcedureField | None:
    name = nfc(name)
    if not name:
        return None
    code = slugify_vi(name)[:200] or "khac"
    obj, _ = ProcedureField.objects.get_or_create(code=code, defaults={"name": name})
    return obj


@dataclass
class OptionData:
    channel: str
    time_amount: Decimal | None
    time_unit: str
    time_assumed: bool
    time_text: str
    free: bool | None
    fee_text: str
    description: str
    fees: list[tuple[str, int | None, str]] = field(default_factory=list)
    case: str = ""


@dataclass
class ComponentData:
    section: str
    name: str
    form_names: list[str] = field(default_factory=list)
    originals: int | None = None
    copies: int | None = None
    quantity_text: str = ""
    mandatory: bool = True
    from_national_data: bool = False
    exempt_when_reused: bool = False
    case: str = ""


@dataclass
class VersionData:
    """Everything a version holds, independent of where it came from (importer, admin, tests)."""

    name: str
    field_name: str = ""
    levels: frozenset[str] = frozenset()
    issuing_body: str = ""
    procedure_type: str = ""
    subjects: str = ""
    national_decision: str = ""
    competent_agency_text: str = ""
    implementing_agency_text: str = ""
    authorized_agency_text: str = ""
    coordinating_agency_text: str = ""
    reception_address: str = ""
    related_text: str = ""
    steps_text: str = ""
    requirements_text: str = ""
    component_notes: str = ""
    online_level: str | None = None
    boundary_free: bool | None = None
    after_15h_next_day: bool | None = None
    options: list[OptionData] = field(default_factory=list)
    components: list[ComponentData] = field(default_factory=list)
    results: list[tuple[str, str, str]] = field(default_factory=list)
    legal_basis: list[tuple[str, str]] = field(default_factory=list)
    source: str = ProcedureVersion.Source.MANUAL
    source_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    parse_issues: list[dict[str, str]] = field(default_factory=list)
    content_hash: str = ""
    change_note: str = ""


@transaction.atomic
def procedure_set_test(*, actor: User, procedure: Procedure, is_test: bool) -> Procedure:
    """Put a procedure in test mode or out of it (INTEGRATIONS.md "Test mode"): the dossiers filed
    under it from then on are test dossiers — synced to the portal as tests, counted in no report,
    index or target. Dossiers filed before keep what they were. Province administrators and
    superusers."""
    scope = user_scope(actor, CAPABILITIES["catalog.manage"])
    if not scope.everything and not scope.province_ids:
        raise Forbidden("Chỉ quản trị tỉnh được đặt chế độ chạy thử cho thủ tục.")
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.is_test != is_test:
        locked.is_test = is_test
        locked.save(update_fields=["is_test", "updated_at"])
    procedure.is_test = locked.is_test
    return locked


def procedure_refresh_search(procedure: Procedure) -> None:
    """The search's keys of the version the procedure shows (catalog/search.py)."""
    version = procedure.current_version or procedure.latest_version
    parts = [procedure.code]
    if version is not None:
        parts += [version.name, version.field.name if version.field else ""]
    procedure.search_text = search.key(search.words(" ".join(parts)))
    procedure.name_key = search.name_key(version.name) if version is not None else ""
    procedure.save(update_fields=["search_text", "name_key", "updated_at"])


def procedure_filed_counts_set(*, counts: Mapping[int, int]) -> int:
    """Each procedure's number of dossiers filed in the province lately (``counts`` by procedure id,
    missing ones 0), which orders procedures that match a search equally well. Writes only the rows
    whose number changed; answers how many. Nightly (jobs/schedule.py) and after the demo's history."""
    changed = 0
    with transaction.atomic():
        for pk, old in Procedure.objects.values_list("pk", "filed_count"):
            new = max(0, counts.get(pk, 0))
            if new != old:
                # One UPDATE of one column: no save(), so the procedure's updated_at stays its content's.
                Procedure.objects.filter(pk=pk).update(filed_count=new)
                changed += 1
    return changed


@transaction.atomic
def version_create(*, procedure: Procedure, data: VersionData, actor: User | None = None) -> ProcedureVersion:
    """A new draft version of ``procedure`` with ``data``. Province-specific settings (online level,
    boundary-free, 15:00 rule, agencies in the province) carry over from the previous version unless
    ``data`` sets them."""
    previous = procedure.latest_version
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    has_online = any(o.channel == "online" for o in data.options)
    online_level = data.online_level or (
        previous.online_level
        if previous and (previous.online_level != OnlineLevel.NONE) == has_online
        else (OnlineLevel.PARTIAL if has_online else OnlineLevel.NONE)
    )
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        status=ProcedureVersion.Status.DRAFT,
        name=nfc(data.name),
        field=field_for(data.field_name),
        at_ministry="ministry" in data.levels,
        at_province="province" in data.levels,
        at_commune="commune" in data.levels,
        at_other="other" in data.levels,
        issuing_body=nfc(data.issuing_body)[:300],
        procedure_type=nfc(data.procedure_type)[:300],
        subjects=data.subjects,
        national_decision=nfc(data.national_decision)[:200],
        competent_agency_text=data.competent_agency_text,
        implementing_agency_text=data.implementing_agency_text,
        authorized_agency_text=data.authorized_agency_text,
        coordinating_agency_text=data.coordinating_agency_text,
        reception_address=data.reception_address,
        related_text=data.related_text,
        steps_text=data.steps_text,
        requirements_text=data.requirements_text,
        component_notes=data.component_notes,
        online_level=online_level,
        boundary_free=data.boundary_free
        if data.boundary_free is not None
        else bool(previous and previous.boundary_free),
        after_15h_next_day=data.after_15h_next_day
        if data.after_15h_next_day is not None
        else bool(previous and previous.after_15h_next_day),
        source=data.source,
        source_url=data.source_url[:500],
        parse_issues=data.parse_issues,
        content_hash=data.content_hash,
        change_note=data.change_note[:500],
        created_by=actor,
    )
    if data.raw:
        ProcedureSource.objects.create(version=version, raw=data.raw)
    if previous is not None:
        version.agencies.set(previous.agencies.all())
    _create_children(version, data)
    procedure.latest_version = version
    procedure.save(update_fields=["latest_version", "updated_at"])
    procedure_refresh_search(procedure)
    return version


def _create_children(version: ProcedureVersion, data: VersionData) -> None:
    case_names = [
        c for c in dict.fromkeys([o.case for o in data.options] + [c.case for c in data.components]) if c
    ]
    cases = {
        name: ProcedureCase.objects.create(version=version, name=name, position=i)
        for i, name in enumerate(case_names)
    }
    for i, opt in enumerate(data.options):
        option = ProcessingOption.objects.create(
            version=version,
            case=cases.get(opt.case),
            channel=opt.channel,
            time_amount=opt.time_amount,
            time_unit=opt.time_unit or "",
            time_assumed=opt.time_assumed,
            time_text=opt.time_text[:500],
            free=opt.free,
            fee_text=opt.fee_text,
            description=opt.description,
            position=i,
        )
        FeeItem.objects.bulk_create(
            FeeItem(option=option, name=name[:500], amount=amount, text=text, position=j)
            for j, (name, amount, text) in enumerate(opt.fees)
        )
    ComponentRequirement.objects.bulk_create(
        ComponentRequirement(
            version=version,
            case=cases.get(c.case),
            section=c.section[:300],
            name=c.name,
            form_names=[nfc(name) for name in c.form_names],
            originals=c.originals,
            copies=c.copies,
            quantity_text=c.quantity_text[:200],
            mandatory=c.mandatory,
            from_national_data=c.from_national_data,
            exempt_when_reused=c.exempt_when_reused,
            position=i,
        )
        for i, c in enumerate(data.components)
    )
    ProcedureResult.objects.bulk_create(
        ProcedureResult(version=version, name=name, code=code[:60], description=desc, position=i)
        for i, (name, code, desc) in enumerate(data.results)
    )
    LegalBasis.objects.bulk_create(
        LegalBasis(version=version, title=title, number=number[:100], position=i)
        for i, (title, number) in enumerate(data.legal_basis)
    )


@transaction.atomic
def version_clone_as_draft(
    *, version: ProcedureVersion, actor: User | None, change_note: str = ""
) -> ProcedureVersion:
    """A new draft copying ``version`` (with its times, fees, components, results, legal basis), for an
    administrator to edit before a decision amends the procedure."""
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    if procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).exists():
        raise DomainError("draft_exists", "Thủ tục đã có một phiên bản dự thảo; hãy sửa phiên bản đó.")
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    old_pk = version.pk
    cases = list(version.cases.all())
    options = list(version.options.prefetch_related("fees"))
    components = list(version.components.all())
    results = list(version.results.all())
    legal = list(version.legal_basis.all())
    agencies = list(version.agencies.all())
    clone = ProcedureVersion.objects.get(pk=old_pk)
    clone.pk = None
    clone.id = None
    clone._state.adding = True
    clone.number = number
    clone.status = ProcedureVersion.Status.DRAFT
    clone.effective_from = clone.effective_to = None
    clone.source = ProcedureVersion.Source.MANUAL
    clone.created_by = actor
    clone.change_note = change_note or f"Sao chép từ phiên bản {version.number}"
    clone.save()
    # The sources stay those the copied content came from: a later import compares against them.
    source = ProcedureSource.objects.filter(version_id=old_pk).first()
    if source is not None:
        ProcedureSource.objects.create(version=clone, raw=source.raw)
    clone.agencies.set(agencies)
    case_map: dict[int, ProcedureCase] = {}
    for case in cases:
        old = case.pk
        case.pk = None
        case.version = clone
        case.save()
        case_map[old] = case
    for option in options:
        fees = list(option.fees.all())
        option.pk = None
        option.version = clone
        option.case = case_map.get(option.case_id) if option.case_id else None
        option.save()
        for fee in fees:
            fee.pk = None
            fee.option = option
            fee.save()
    for row in components:
        row.pk = None
        row.version = clone
        row.case = case_map.get(row.case_id) if row.case_id else None
        row.save()
    for row2 in results:
        row2.pk = None
        row2.version = clone
        row2.save()
    for row3 in legal:
        row3.pk = None
        row3.version = clone
        row3.save()
    procedure.latest_version = clone
    procedure.save(update_fields=["latest_version", "updated_at"])
    return clone


# ---------------------------------------------------------------------------------------------
# Publication decisions


@dataclass(frozen=True)
class ItemSpec:
    procedure: Procedure
    action: str
    version: ProcedureVersion | None = None
    replaces: Procedure | None = None
    note: str = ""


@transaction.atomic
def decision_create(
    *,
    number: str,
    title: str,
    signed_on: date | None,
    effective_on: date | None,
    signer: str = "",
    issuer: str = "",
    items: Iterable[ItemSpec] = (),
    scope: str = PublicationDecision.Scope.PROVINCIAL,
) -> PublicationDecision:
    number = nfc(number)
    if not number:
        raise DomainError("invalid_decision", "Thiếu số quyết định.", fields={"number": ["Bắt buộc nhập."]})
    year = signed_on.year if signed_on else 0
    if PublicationDecision.objects.filter(scope=scope, number=number, year=year).exists():
        raise DomainError("decision_exists", f"Quyết định {number} đã có trong hệ thống.", status=409)
    decision = PublicationDecision.objects.create(
        scope=scope,
        number=number,
        year=year,
        title=nfc(title),
        signer=nfc(signer),
        issuer=nfc(issuer),
        signed_on=signed_on,
        effective_on=effective_on,
    )
    PublicationItem.objects.bulk_create(
        PublicationItem(
            decision=decision,
            procedure=s.procedure,
            action=s.action,
            version=s.version,
            replaces=s.replaces,
            note=s.note,
        )
        for s in items
    )
    return decision


def _item_problems(item: PublicationItem) -> list[str]:
    code = item.procedure.code
    Action = PublicationItem.Action
    current = item.procedure.current_version
    problems = []
    if item.action != Action.ABOLISHED:
        if item.version is None:
            problems.append(f"{code}: chưa chọn phiên bản để công bố.")
        elif item.version.procedure_id != item.procedure_id:
            problems.append(f"{code}: phiên bản không thuộc thủ tục này.")
        elif item.version.status != ProcedureVersion.Status.DRAFT:
            problems.append(f"{code}: phiên bản {item.version.number} không còn là dự thảo.")
    if item.action == Action.NEW and current is not None:
        problems.append(f"{code}: đang có hiệu lực tại tỉnh; dùng hình thức sửa đổi, bổ sung hoặc thay thế.")
    if item.action == Action.AMENDED and current is None:
        problems.append(f"{code}: chưa có hiệu lực tại tỉnh nên không thể sửa đổi; dùng ban hành mới.")
    if item.action == Action.ABOLISHED and current is None:
        problems.append(f"{code}: không có phiên bản đang hiệu lực để bãi bỏ.")
    if item.action == Action.REPLACED and item.replaces is not None and item.replaces.current_version is None:
        problems.append(f"{code}: thủ tục bị thay thế {item.replaces.code} không đang có hiệu lực.")
    return problems


@transaction.atomic
def decision_apply(*, decision: PublicationDecision, actor: User | None) -> PublicationDecision:
    """Put the decision's versions in force, retire what they amend, replace or abolish — all of it or,
    if any item is wrong, none of it (the refusal lists every problem)."""
    decision = PublicationDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == PublicationDecision.Status.APPLIED:
        raise DomainError("decision_applied", f"Quyết định {decision.number} đã được áp dụng.", status=409)
    if decision.scope != PublicationDecision.Scope.PROVINCIAL:
        raise DomainError(
            "not_provincial",
            "Chỉ quyết định công bố của Chủ tịch UBND tỉnh làm thủ tục có hiệu lực tại tỉnh.",
        )
    effective = decision.effective_on or timezone.localdate()
    items = list(
        decision.items.select_related("procedure__current_version", "version", "replaces__current_version")
    )
    if not items:
        raise DomainError("decision_empty", "Quyết định chưa có thủ tục nào.")
    problems = [p for item in items for p in _item_problems(item)]
    if problems:
        raise DomainError(
            "decision_invalid",
            "Không áp dụng được quyết định: " + " ".join(problems[:20]),
            fields={"items": problems},
        )
    Status = ProcedureVersion.Status
    touched: list[Procedure] = []
    for item in items:
        procedure = item.procedure
        retired = [procedure.current_version] if procedure.current_version else []
        if item.action == PublicationItem.Action.REPLACED and item.replaces and item.replaces.current_version:
            retired.append(item.replaces.current_version)
        for old in retired:
            old.status = (
                Status.ABOLISHED if item.action == PublicationItem.Action.ABOLISHED else Status.SUPERSEDED
            )
            if old.procedure_id != procedure.pk:
                old.status = Status.ABOLISHED
            old.effective_to = effective
            old.save(update_fields=["status", "effective_to"])
        if item.action == PublicationItem.Action.ABOLISHED:
            procedure.current_version = None
        else:
            assert item.version is not None
            item.version.status = Status.IN_FORCE
            item.version.effective_from = effective
            item.version.save(update_fields=["status", "effective_from"])
            procedure.current_version = item.version
        procedure.save(update_fields=["current_version", "updated_at"])
        touched.append(procedure)
        if item.replaces and item.replaces.current_version is not None:
            item.replaces.current_version = None
            item.replaces.save(update_fields=["current_version", "updated_at"])
            touched.append(item.replaces)
    for procedure in touched:
        procedure_refresh_search(procedure)
    decision.status = PublicationDecision.Status.APPLIED
    decision.applied_at = timezone.now()
    decision.applied_by = actor
    decision.save(update_fields=["status", "applied_at", "applied_by"])
    return decision


def version_link_agencies(*, version: ProcedureVersion, agencies: Sequence[Agency]) -> list[Agency]:
    """Link the provincial agencies whose names appear in the version's agency texts (e.g. "Sở Tư pháp")."""
    haystack = fold(
        " ".join(
            [version.implementing_agency_text, version.competent_agency_text, version.authorized_agency_text]
        )
    )
    matched = [a for a in agencies if a.name_folded and a.name_folded in haystack]
    if matched:
        version.agencies.add(*matched)
    return matched


# ---------------------------------------------------------------------------------------------
# Workflows


def to_minutes(amount: Decimal | int | None, unit: str) -> int | None:
    if amount is None:
        return None
    if unit == TimeUnit.WORKING_HOUR:
        return int(Decimal(amount) * 60)
    if unit == TimeUnit.WORKING_DAY:
        return int(Decimal(amount) * MINUTES_PER_DAY)
    return None


def statutory_option(version: ProcedureVersion, channel: str = "counter") -> ProcessingOption | None:
    """The option the statutory time is read from: the channel's, without a case first."""
    options = sorted(
        version.options.all(), key=lambda o: (o.channel != channel, o.case_id is not None, o.position)
    )
    return options[0] if options else None


def workflow_check(workflow: Workflow) -> list[str]:
    """Warnings about ``workflow`` against its procedure's statutory time (docs/domain.md §3)."""
    version = workflow.procedure.current_version or workflow.procedure.latest_version
    option = statutory_option(version) if version else None
    statutory = to_minutes(option.time_amount, option.time_unit) if option else None
    steps = [
        StepSpec(
            position=s.position,
            name=s.name,
            minutes=to_minutes(s.duration_amount, s.duration_unit) or 0,
            parallel_group=s.parallel_group,
            is_lead=s.is_lead,
        )
        for s in workflow.steps.all()
    ]
    return workflow_problems(steps, statutory, MINUTES_PER_DAY)


@transaction.atomic
def workflow_activate(*, workflow: Workflow) -> Workflow:
    """Make ``workflow`` the one applied from now on for its procedure, agency and level."""
    if not workflow.steps.exists():
        raise DomainError("workflow_empty", "Quy trình chưa có bước nào.")
    Workflow.objects.filter(
        procedure=workflow.procedure,
        agency=workflow.agency,
        level=workflow.level,
        status=Workflow.Status.ACTIVE,
    ).exclude(pk=workflow.pk).update(status=Workflow.Status.RETIRED)
    workflows_changed()  # an UPDATE of many rows sends no signal
    workflow.status = Workflow.Status.ACTIVE
    workflow.save(update_fields=["status"])
    return workflow


# The shape of a standard internal process (share of the statutory time per step). Used by the demo
# and as a starting point an administrator edits; real processes come from the Chairman's decision.
STANDARD_STEPS: tuple[tuple[str, str, Decimal], ...] = (
    ("Tiếp nhận, kiểm tra hồ sơ, chuyển xử lý", Role.ONE_STOP_OFFICER, Decimal("0.10")),
    ("Thẩm định hồ sơ, đề xuất kết quả", Role.SPECIALIST, Decimal("0.60")),
    ("Xem xét, phê duyệt, ký kết quả", Role.LEADER, Decimal("0.20")),
    ("Vào sổ, đóng dấu, phát hành kết quả", Role.CLERK, Decimal("0.10")),
)


@transaction.atomic
def workflow_create_standard(
    *, procedure: Procedure, level: str, agency: Agency | None = None, approval_decision: str = ""
) -> Workflow:
    """A four-step workflow whose durations add up exactly to the statutory time (in working hours)."""
    version = procedure.current_version or procedure.latest_version
    option = statutory_option(version) if version else None
    total = to_minutes(option.time_amount, option.time_unit) if option else None
    if not total:
        total = MINUTES_PER_DAY  # no statutory time known: one working day, flagged by workflow_check
    number = (
        Workflow.objects.filter(procedure=procedure, agency=agency, level=level).aggregate(n=Max("number"))[
            "n"
        ]
        or 0
    ) + 1
    workflow = Workflow.objects.create(
        procedure=procedure,
        agency=agency,
        level=level,
        number=number,
        name="Quy trình nội bộ",
        approval_decision=approval_decision,
    )
    # Steps in tenths of an hour (6 minutes) so that hours with 2 decimals are exact; the appraisal
    # step absorbs the rounding so that the sum equals the statutory time.
    minutes = [int(total * share) // 6 * 6 for _, _, share in STANDARD_STEPS]
    minutes[1] += total - sum(minutes)
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            workflow=workflow,
            position=i + 1,
            name=name,
            role=role,
            duration_amount=(Decimal(m) / 60).quantize(Decimal("0.01")),
            duration_unit=TimeUnit.WORKING_HOUR,
        )
        for i, ((name, role, _share), m) in enumerate(zip(STANDARD_STEPS, minutes, strict=True))
    )
    workflows_changed()  # steps made in one INSERT: no signal
    return workflow
