"""Reception (docs/domain.md §4; NĐ 61/2018 Art. 15): the applicant submits (an online dossier's code
is issued at its first submission, ADR 0021), a one-stop officer receives (the clock started; a counter
or postal dossier's code issued), returns the dossier once with the complete list of what is missing,
or refuses it with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection

from accounts.models import User
from catalog.models import Workflow
from catalog.selectors import active_workflow
from catalog.services import to_minutes
from dossiers.actions.base import ActionContext, ActionEntry, Refusal, Who, commit
from dossiers.actions.clock import CLOCK_FIELDS, move_running_spell, start_clock
from dossiers.actions.inputs import plain
from dossiers.actions.processing import activate
from dossiers.actions.recording import handover, local_date, record, save
from dossiers.models import Dossier, DossierSequence, DossierStep
from dossiers.transitions import Action, Status
from kernel.errors import DomainError
from kernel.jsonrows import adopt, adopted
from kernel.text import fold, nfc
from organization.models import Agency, Role
from worktime.calendar import WorkCalendar
from worktime.services import work_calendar

ONE_STOP = frozenset({Role.ONE_STOP_OFFICER})


def format_code(agency_code: str, day: date, number: int) -> str:
    """``<agency e-ID>-<YYMMDD>-<NNNN>``: at least four digits (docs/domain.md §4 rule 2)."""
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def next_code(agency: Agency, day: date) -> str:
    """Issue the next code of ``agency`` for local date ``day``. The sequence row is locked for the
    rest of the transaction, so concurrent issuers (submissions, receptions) wait for each other: no
    duplicate, no gap. A number whose code a dossier holds already is passed over: a dossier pushed by
    the national portal keeps the portal's code (ADR 0019), which may have our shape; that number is
    taken, so the day still has no gap, and the next issuer does not fail on it for the rest of the day."""
    # One statement (PostgreSQL and SQLite ≥ 3.35): the upsert takes the row lock as an UPDATE does.
    table = connection.ops.quote_name(DossierSequence._meta.db_table)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
                f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [agency.pk, connection.ops.adapt_datefield_value(day)],
            )
            (last,) = cursor.fetchone()
        code = format_code(agency.code, day, last)
        if not Dossier.objects.filter(code=code).exists():
            return code


def search_text_of(dossier: Dossier) -> str:
    return fold(f"{dossier.code or ''} {dossier.applicant_name} {dossier.applicant_id_number}")[:500]


def clean_items(items: Sequence[str], field_name: str = "items") -> list[str]:
    cleaned = [nfc(item) for item in items if nfc(item)]
    if not cleaned:
        raise DomainError(
            "items_required",
            "Cần liệt kê đầy đủ các nội dung phải bổ sung, hoàn thiện.",
            fields={field_name: ["Bắt buộc nhập ít nhất một nội dung."]},
        )
    return cleaned


def require_reason(reason: str) -> str:
    reason = nfc(reason)
    if not reason:
        raise DomainError("reason_required", "Cần nêu rõ lý do.", fields={"reason": ["Bắt buộc nhập."]})
    return reason


# ---------------------------------------------------------------------------------------------
# Reception proper: also the second half of filing at the counter (dossiers/creation.py)


def receive_now(
    dossier: Dossier,
    *,
    actor: User | None,
    agency: Agency | None,
    at: datetime,
    code: str | None = None,
    last_event: tuple[int, str] | None = None,
) -> list[DossierStep]:
    """Receive ``dossier``, whose row the caller holds (``perform`` locked it; ``last_event``: its last
    event as read then). Returns the steps it made. (Filing at the counter receives the dossier before
    its row is first written: ``take_in``, dossiers/creation.py.)"""
    calendar = work_calendar()
    previous = dossier.status
    # Imported history has no workflow steps: the old system kept its own.
    workflow = None if dossier.imported else workflow_for(dossier)
    running_before = take_in(dossier, actor=actor, at=at, code=code, calendar=calendar, workflow=workflow)
    fields = ["code", "status", "received_at", "received_by", *CLOCK_FIELDS, "workflow", "search_text"]
    try:
        save(dossier, [*fields, "clock_running_since"])
    except IntegrityError as exc:
        raise duplicate_code(dossier) from exc
    steps = instantiate_steps(dossier, actor, calendar)
    record(
        dossier,
        Action.RECEIVE,
        actor=actor,
        agency=agency,
        at=at,
        from_status=previous,
        data={"code": dossier.code},
        locked=True,
        previous=last_event,
        running_since_before=running_before,
    )
    reception_handover(dossier, actor=actor, at=at)
    return steps


def take_in(
    dossier: Dossier,
    *,
    actor: User | None,
    at: datetime,
    code: str | None,
    calendar: WorkCalendar,
    workflow: Workflow | None,
) -> datetime | None:
    """What reception makes of ``dossier``, on the instance (the caller writes the row): its code
    (``code``; else the one it has, an online dossier's from its submission; else the agency's next: a
    counter or postal dossier, or one submitted before codes were issued at submission, ADR 0021),
    received, its clock started, ``workflow`` as its workflow, the search text, the clock's running
    spell. Returns ``clock_running_since`` as it was before."""
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
    start_clock(dossier, at, calendar)
    dossier.workflow = workflow
    dossier.search_text = search_text_of(dossier)  # the code is part of what staff search by
    # The clock starts running: its spell is saved with the row (dossiers.actions.clock).
    return move_running_spell(dossier, from_status=previous, due_before=None, at=at)


def duplicate_code(dossier: Dossier) -> DomainError:
    """The answer when the row's code is taken (the unique constraint said so)."""
    return DomainError("duplicate_code", f"Mã hồ sơ {dossier.code} đã tồn tại.", status=409)


def reception_handover(dossier: Dossier, *, actor: User | None, at: datetime) -> None:
    """The first row of the process-control sheet: received by the one-stop officer."""
    handover(
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


def workflow_level(handling: Agency) -> str:
    return "commune" if handling.level == Agency.Level.COMMUNE else "province"


def workflow_for(dossier: Dossier) -> Workflow | None:
    """The handling agency's own active workflow, else the province's general one, with its steps:
    kept across requests (catalog.selectors.active_workflow, kernel.generations)."""
    return active_workflow(
        dossier.procedure_id, workflow_level(dossier.handling_agency), dossier.handling_agency_id
    )


def instantiate_steps(dossier: Dossier, actor: User | None, calendar: WorkCalendar) -> list[DossierStep]:
    """The dossier's steps from its workflow, the first group started, written in one INSERT."""
    if dossier.workflow is None:
        return []
    steps = []
    workflow_steps = adopted(dossier.workflow, "steps")
    if workflow_steps is None:
        workflow_steps = list(dossier.workflow.steps.select_related("agency").order_by("position"))
    for step in workflow_steps:
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
    if not steps:
        return []
    ctx = ActionContext(dossier, actor, dossier.received_at or dossier.created_at)
    ctx.use_steps(steps)
    assert dossier.clock_start is not None
    for first_step in ctx.groups()[0]:
        activate(
            first_step,
            dossier.clock_start,
            calendar,
            assignee=actor if ctx.may_hold(first_step) else None,
            save=False,
        )
    made = DossierStep.objects.bulk_create(steps)
    adopt(dossier, "steps", made, back="dossier")  # the dossier's steps as made (kernel.jsonrows)
    return made


# ---------------------------------------------------------------------------------------------
# The actions


@dataclass
class SubmitInput:
    pass


def _submit(ctx: ActionContext, inp: SubmitInput) -> None:
    dossier = ctx.dossier
    changes: dict[str, Any] = {"submitted_at": ctx.at}
    if not dossier.code:
        # docs/domain.md §4 rule 2 (ADR 0021): an online dossier's code is issued when it is first
        # submitted, on the local date of the submission; a re-submission after a return keeps it.
        dossier.code = next_code(dossier.receiving_agency, local_date(ctx.at))
        changes.update(code=dossier.code, search_text=search_text_of(dossier))
    try:
        commit(ctx, changes, data={"code": dossier.code} if "code" in changes else None)
    except IntegrityError as exc:
        raise duplicate_code(dossier) from exc


@dataclass
class ReceiveInput:
    code: str | None = None  # the history importer keeps the old system's code


def _receive(ctx: ActionContext, inp: ReceiveInput) -> None:
    steps = receive_now(
        ctx.dossier,
        actor=ctx.actor,
        agency=ctx.agency,
        at=ctx.at,
        code=inp.code,
        last_event=ctx.previous_event,
    )
    if all(step.pk is not None for step in steps):
        ctx.use_steps(steps)  # reception made the steps: the answer shows them as made
    else:
        ctx.forget_steps()  # a database that does not return the new keys: read them again


@dataclass
class ReturnInput:
    items: Sequence[str] = ()
    reason: str = ""


def _once(ctx: ActionContext, inp: ReturnInput | None) -> Refusal | None:
    if ctx.already_returned():
        return Refusal(
            "already_returned",
            "Hồ sơ đã được hướng dẫn bổ sung một lần; không yêu cầu bổ sung thêm (NĐ 61/2018 Điều 15.3). "
            "Hãy tiếp nhận hoặc từ chối tiếp nhận có lý do.",
        )
    return None


def _return(ctx: ActionContext, inp: ReturnInput) -> None:
    cleaned = clean_items(inp.items)
    commit(ctx, reason=nfc(inp.reason), data={"items": cleaned})


@dataclass
class ReasonInput:
    reason: str = ""


def _refuse(ctx: ActionContext, inp: ReasonInput) -> None:
    reason = require_reason(inp.reason)
    commit(ctx, {"closed_at": ctx.at, "resolution_note": reason}, reason=reason)


ENTRIES: list[ActionEntry[Any]] = [
    ActionEntry(
        Action.SUBMIT,
        "reception",
        Who("applicant", refused="Chỉ người nộp hồ sơ được nộp lại hồ sơ."),
        SubmitInput,
        _submit,
        plain(SubmitInput),
    ),
    ActionEntry(
        Action.RECEIVE, "reception", Who("receiving", ONE_STOP), ReceiveInput, _receive, plain(ReceiveInput)
    ),
    ActionEntry(
        Action.RETURN_FOR_COMPLETION,
        "reception",
        Who("receiving", ONE_STOP),
        ReturnInput,
        _return,
        plain(ReturnInput),
        rule=_once,
    ),
    ActionEntry(
        Action.REFUSE, "reception", Who("receiving", ONE_STOP), ReasonInput, _refuse, plain(ReasonInput)
    ),
]
