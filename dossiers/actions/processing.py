"""Processing (docs/domain.md §4 rule 6): the dossier moves through the steps of its workflow — forward,
send back — and may be sent to other agencies for their opinion (consult, consult_reply). Every
hand-over is a row of the process-control sheet, classified early / on time / late."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.models import User
from dossiers.actions.base import ActionContext, ActionEntry, Refusal, Who, commit, forbidden
from dossiers.actions.inputs import agency_coded, required, step_number, user_named
from dossiers.actions.recording import classify_resolution, handover
from dossiers.models import Consultation, DossierStep
from dossiers.transitions import Action, vietnamese
from kernel.errors import DomainError
from kernel.jsonrows import append
from kernel.text import nfc
from organization.models import Agency, Membership, Role
from organization.selectors import agency_subtree
from worktime.calendar import WorkCalendar
from worktime.services import work_calendar

HANDLERS = frozenset({Role.SPECIALIST, Role.LEADER})


def activate(
    step: DossierStep, at: datetime, calendar: WorkCalendar, assignee: User | None, *, save: bool = True
) -> None:
    """Start ``step`` (``save`` False: a step not written yet, which its creator inserts)."""
    step.state = DossierStep.State.ACTIVE
    step.started_at = at
    step.due_at = calendar.add_working_minutes(at, step.duration_minutes)
    step.finished_at = None
    step.finished_by = None
    step.timing = ""
    step.assignee = assignee
    step.rounds += 1
    if save:
        step.save()


def finish(step: DossierStep, at: datetime, actor: User | None, *, save: bool = True) -> None:
    """Close ``step`` (``save`` False: the caller saves it with others, ``save_steps``)."""
    step.state = DossierStep.State.DONE
    step.finished_at = at
    step.finished_by = actor
    step.timing = classify_resolution(at, step.due_at) if step.due_at else ""
    if save:
        step.save(update_fields=["state", "finished_at", "finished_by", "timing"])


# What finishing, starting and parking a step change.
STEP_COLUMNS = ["state", "started_at", "due_at", "finished_at", "finished_by", "timing", "assignee", "rounds"]


def save_steps(steps: Sequence[DossierStep]) -> None:
    """The steps an action changed, in one UPDATE."""
    DossierStep.objects.bulk_update(steps, STEP_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Which step, held by whom


def _chosen_step(ctx: ActionContext, position: int | None) -> DossierStep | Refusal:
    active = ctx.active_steps()
    if not active:
        return Refusal("no_active_step", "Hồ sơ không có bước nào đang xử lý.")
    if position is not None:
        chosen = [s for s in active if s.position == position]
        if not chosen:
            return Refusal(
                "invalid_step",
                f"Bước {position} không phải bước đang xử lý.",
                400,
                {"step": [f"Các bước đang xử lý: {', '.join(str(s.position) for s in active)}."]},
            )
        return chosen[0]
    if len(active) == 1:
        return active[0]
    mine = [s for s in active if ctx.actor is None or ctx.superuser or ctx.may_hold(s)]
    if len(mine) == 1:
        return mine[0]
    return Refusal(
        "step_required",
        "Có nhiều bước đang xử lý song song; cần chọn bước (step).",
        400,
        {"step": ["Bắt buộc nhập."]},
    )


def step_holder_refusal(ctx: ActionContext, step: DossierStep) -> Refusal | None:
    """The step's role there (or a leader), and the named assignee if any; notes the acting agency."""
    actor = ctx.actor
    if actor is None:
        ctx.agency = None
        return None
    if actor.is_superuser:
        ctx.agency = step.agency
        return None
    membership = ctx.membership(step.agency, {Role(step.role), Role.LEADER})
    if membership is None or (
        step.assignee_id and step.assignee_id != actor.pk and membership.role != Role.LEADER
    ):
        holder = (
            step.assignee.display_name
            if step.assignee
            else f"{vietnamese(Role(step.role).label)} của {step.agency.name}"
        )
        return forbidden(f"Bước {step.position} «{step.name}» do {holder} xử lý.")
    ctx.agency = membership.agency
    return None


def _others_active(ctx: ActionContext, step: DossierStep) -> list[DossierStep]:
    group = ctx.groups()[ctx.group_index(step)]
    return [s for s in group if s.pk != step.pk and s.state == DossierStep.State.ACTIVE]


def _step_rule(ctx: ActionContext, position: int | None, probe: bool, after: Any) -> Refusal | None:
    """A step action's check: ``probe`` (a page, no input) — is there any active step the actor may
    take it on; else the step of the input (or the only one that fits), its holder, then ``after``."""
    candidates: list[DossierStep | Refusal]
    candidates = list(ctx.active_steps()) if probe and ctx.active_steps() else [_chosen_step(ctx, position)]
    first: Refusal | None = None
    for step in candidates:
        found = step if isinstance(step, Refusal) else step_holder_refusal(ctx, step) or after(ctx, step)
        if found is None:
            assert isinstance(step, DossierStep)
            ctx.step = step
            return None
        first = first or found
    return first


def open_steps(ctx: ActionContext, action: Action) -> list[DossierStep]:
    """The active steps on which the actor may take ``action`` (forward or send_back) now."""
    after = {Action.FORWARD: _not_last, Action.SEND_BACK: _not_first}[action]
    return [s for s in ctx.active_steps() if step_holder_refusal(ctx, s) is None and after(ctx, s) is None]


def holders(step: DossierStep) -> list[Membership]:
    """The memberships through which someone may be handed ``step``: its role at its agency or a unit
    inside it (``ActionContext.may_hold``), of active people, by name."""
    return list(
        Membership.objects.filter(
            is_active=True,
            role=step.role,
            agency_id__in=agency_subtree([step.agency_id]),
            user__is_active=True,
        )
        .select_related("user", "agency")
        .order_by("user__full_name", "user__username")
    )


def following(ctx: ActionContext, step: DossierStep) -> list[DossierStep]:
    """The steps a forward from ``step`` would start (none while a parallel branch still runs)."""
    index = ctx.group_index(step)
    groups = ctx.groups()
    if _others_active(ctx, step) or index + 1 >= len(groups):
        return []
    return groups[index + 1]


# ---------------------------------------------------------------------------------------------
# A leader's approval (Phê duyệt / Không phê duyệt)

# A step of the internal workflow held by the leader's role is his approval: forwarding it along the
# workflow approves what the steps before proposed (Phê duyệt), sending it back to the step before does
# not (Không phê duyệt, with the reason, like any send-back). No article of NĐ 61/2018 names it: the
# procedure's published internal process (quy trình nội bộ, seed 000 item 1; docs/domain.md §3, the
# standard process's 20 % "approval" step) gives the leader his step. The event records the decision
# (``APPROVED`` / ``NOT_APPROVED``); the transitions are forward and send_back, unchanged.
APPROVAL_ROLE = Role.LEADER
APPROVED = "approved"
NOT_APPROVED = "not_approved"


def is_approval(step: DossierStep) -> bool:
    return step.role == APPROVAL_ROLE


def approval_steps(ctx: ActionContext, action: Action) -> list[DossierStep]:
    """The approval steps on which the actor may take ``action`` (forward: approve, send_back: not
    approve) now; empty when the steps he may act on are not approvals (then the page says "forward")."""
    steps = open_steps(ctx, action)
    return steps if steps and all(is_approval(s) for s in steps) else []


def decision(action: Action, step: DossierStep) -> dict[str, str]:
    """What the event of ``action`` on ``step`` records of an approval (nothing on other steps)."""
    if not is_approval(step):
        return {}
    return {"decision": APPROVED if action == Action.FORWARD else NOT_APPROVED}


# ---------------------------------------------------------------------------------------------
# forward


@dataclass
class ForwardInput:
    step: int | None = None
    assignee: User | None = None
    note: str = ""


def _parse_forward(values: Mapping[str, Any]) -> ForwardInput:
    return ForwardInput(
        step=step_number(values.get("step")),
        assignee=user_named(values.get("assignee")),
        note=values.get("note") or "",
    )


def _not_last(ctx: ActionContext, step: DossierStep) -> Refusal | None:
    if not _others_active(ctx, step) and ctx.group_index(step) + 1 >= len(ctx.groups()):
        return Refusal("last_step", "Đây là bước cuối của quy trình: hãy ban hành kết quả (resolve).")
    return None


def _forward_rule(ctx: ActionContext, inp: ForwardInput | None) -> Refusal | None:
    return _step_rule(ctx, inp.step if inp else None, inp is None, _not_last)


def _check_assignee(ctx: ActionContext, assignee: User, step: DossierStep) -> None:
    holder = ActionContext(ctx.dossier, assignee, ctx.at)
    if not holder.may_hold(step):
        raise DomainError(
            "invalid_assignee",
            f"{assignee.display_name} không có vai trò {vietnamese(Role(step.role).label)} tại {step.agency.name}.",
            fields={"assignee": ["Không đúng vai trò hoặc cơ quan."]},
        )


def _forward(ctx: ActionContext, inp: ForwardInput) -> None:
    """Finish the actor's step and hand the dossier to the next step (its role, agency and optionally a
    named person). Steps of a parallel group all start together; the next step starts when the whole
    group is done."""
    current = ctx.step
    assert current is not None
    groups = ctx.groups()
    index = ctx.group_index(current)
    group = groups[index]
    others_active = _others_active(ctx, current)
    following = groups[index + 1] if index + 1 < len(groups) else None
    assignee, note = inp.assignee, nfc(inp.note)
    if assignee is not None and following is not None and not others_active:
        if len(following) != 1:
            raise DomainError(
                "assignee_ambiguous",
                "Bước tiếp theo có nhiều nhánh song song; không chỉ định một người.",
                fields={"assignee": ["Bỏ trống với bước song song."]},
            )
        _check_assignee(ctx, assignee, following[0])
    calendar = work_calendar()
    dossier, actor, at = ctx.dossier, ctx.actor, ctx.at
    finish(current, at, actor, save=False)
    changed = [current]
    if others_active:
        lead = next((s for s in group if s.is_lead), group[0])
        handover(
            dossier,
            at=at,
            kind="branch_done",
            from_user=actor,
            from_agency=current.agency,
            to_agency=lead.agency,
            to_role=lead.role,
            step=current,
            note=note,
        )
    else:
        assert following is not None
        for nxt in following:
            activate(nxt, at, calendar, assignee=assignee if len(following) == 1 else None, save=False)
            changed.append(nxt)
            handover(
                dossier,
                at=at,
                kind="forward",
                from_user=actor,
                from_agency=current.agency,
                to_agency=nxt.agency,
                to_role=nxt.role,
                to_user=nxt.assignee,
                step=current,
                note=note,
            )
    save_steps(changed)
    commit(
        ctx,
        reason=note,
        data={
            "step": current.position,
            "timing": current.timing,
            "to": [s.position for s in (following or []) if not others_active],
            **decision(Action.FORWARD, current),
        },
    )


# ---------------------------------------------------------------------------------------------
# send_back


@dataclass
class SendBackInput:
    reason: str = ""
    step: int | None = None


def _parse_send_back(values: Mapping[str, Any]) -> SendBackInput:
    return SendBackInput(reason=values.get("reason") or "", step=step_number(values.get("step")))


def _not_first(ctx: ActionContext, step: DossierStep) -> Refusal | None:
    if ctx.group_index(step) == 0:
        return Refusal("first_step", "Đây là bước đầu tiên, không có bước trước để trả lại.")
    return None


def _send_back_rule(ctx: ActionContext, inp: SendBackInput | None) -> Refusal | None:
    return _step_rule(ctx, inp.step if inp else None, inp is None, _not_first)


def _send_back(ctx: ActionContext, inp: SendBackInput) -> None:
    from dossiers.actions.reception import require_reason

    current = ctx.step
    assert current is not None
    reason = require_reason(inp.reason)
    groups = ctx.groups()
    index = ctx.group_index(current)
    calendar = work_calendar()
    changed = [s for s in groups[index] if s.state == DossierStep.State.ACTIVE]
    for s in changed:
        s.state = DossierStep.State.WAITING
    for previous_step in groups[index - 1]:
        activate(previous_step, ctx.at, calendar, assignee=previous_step.finished_by, save=False)
        changed.append(previous_step)
        handover(
            ctx.dossier,
            at=ctx.at,
            kind="send_back",
            from_user=ctx.actor,
            from_agency=current.agency,
            to_agency=previous_step.agency,
            to_role=previous_step.role,
            to_user=previous_step.assignee,
            step=current,
            note=reason,
        )
    save_steps(changed)
    commit(ctx, reason=reason, data={"step": current.position, **decision(Action.SEND_BACK, current)})


# ---------------------------------------------------------------------------------------------
# consult, consult_reply


@dataclass
class ConsultationInput:
    agency: Agency
    task: str
    working_days: Decimal
    is_lead: bool = False


@dataclass
class ConsultInput:
    requests: Sequence[ConsultationInput] = field(default_factory=list)


def _parse_consult(values: Mapping[str, Any]) -> ConsultInput:
    rows = required(values.get("agencies"), "agencies")
    return ConsultInput(
        requests=[
            ConsultationInput(
                agency=agency_coded(row["agency"], f"agencies.{i}.agency"),
                task=row.get("task") or "",
                working_days=Decimal(row["working_days"]),
                is_lead=bool(row.get("lead")),
            )
            for i, row in enumerate(rows)
        ]
    )


def _consult(ctx: ActionContext, inp: ConsultInput) -> None:
    """Send the dossier to other agencies in parallel, naming the lead agency, each one's task and
    deadline (docs/domain.md §4 rule 6)."""
    dossier, requests = ctx.dossier, inp.requests
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
        due = calendar.add(ctx.at, request.working_days, "working_day")
        consultation = Consultation.objects.create(
            dossier=dossier,
            agency=request.agency,
            is_lead=request.is_lead,
            task=nfc(request.task),
            requested_at=ctx.at,
            requested_by=ctx.actor,
            due_at=due,
        )
        append(dossier, "consultations", consultation)  # the answer shows it (kernel.jsonrows)
        handover(
            dossier,
            at=ctx.at,
            kind="consult",
            from_user=ctx.actor,
            from_agency=ctx.agency or dossier.handling_agency,
            to_agency=request.agency,
            to_role=Role.SPECIALIST,
            note=("Chủ trì: " if request.is_lead else "Phối hợp: ") + nfc(request.task),
        )
    commit(
        ctx,
        data={
            "agencies": [
                {"agency": r.agency.code, "lead": r.is_lead, "working_days": str(r.working_days)}
                for r in requests
            ]
        },
    )


@dataclass
class ConsultReplyInput:
    agency: Agency
    answer: str = ""


def _parse_consult_reply(values: Mapping[str, Any]) -> ConsultReplyInput:
    agency = agency_coded(required(values.get("agency"), "agency"), "agency")
    return ConsultReplyInput(agency=agency, answer=values.get("answer") or values.get("note") or "")


def replying_agencies(ctx: ActionContext) -> list[Agency]:
    """The consulted agencies still to answer for which the actor may answer."""
    open_ones = [c.agency for c in ctx.open_consultations()]
    if ctx.actor is None or ctx.superuser:
        return open_ones
    return [a for a in open_ones if ctx.membership(a, HANDLERS) is not None]


def _reply_rule(ctx: ActionContext, inp: ConsultReplyInput | None) -> Refusal | None:
    if inp is None:
        if replying_agencies(ctx):
            return None
        return Refusal("no_open_consultation", "Không có yêu cầu liên thông nào đang chờ trả lời.")
    agency = inp.agency
    if not any(c.agency_id == agency.pk for c in ctx.open_consultations()):
        return Refusal(
            "no_open_consultation", f"Không có yêu cầu liên thông nào đang chờ {agency.name} trả lời."
        )
    if ctx.actor is not None and not ctx.superuser and ctx.membership(agency, HANDLERS) is None:
        return forbidden(f"Chỉ chuyên viên, lãnh đạo của {agency.name} được trả lời.")
    ctx.agency = agency
    return None


def _consult_reply(ctx: ActionContext, inp: ConsultReplyInput) -> None:
    """A consulted agency answers; the hand-over back is logged against its deadline."""
    from dossiers.actions.reception import require_reason

    agency, at, actor = inp.agency, ctx.at, ctx.actor
    consultation = next(c for c in ctx.open_consultations() if c.agency_id == agency.pk)
    answer = require_reason(inp.answer)
    consultation.answered_at = at
    consultation.answered_by = actor
    consultation.answer = answer
    consultation.timing = classify_resolution(at, consultation.due_at)
    consultation.save(update_fields=["answered_at", "answered_by", "answer", "timing"])
    handover(
        ctx.dossier,
        at=at,
        kind="consult_reply",
        from_user=actor,
        from_agency=agency,
        to_agency=ctx.dossier.handling_agency,
        to_role=Role.SPECIALIST,
        step_due=consultation.due_at,
        timing=consultation.timing,
        note=answer,
    )
    commit(ctx, reason=answer, data={"agency": agency.code, "timing": consultation.timing})


ENTRIES: list[ActionEntry[Any]] = [
    ActionEntry(
        Action.FORWARD, "processing", Who("step"), ForwardInput, _forward, _parse_forward, rule=_forward_rule
    ),
    ActionEntry(
        Action.SEND_BACK,
        "processing",
        Who("step"),
        SendBackInput,
        _send_back,
        _parse_send_back,
        rule=_send_back_rule,
    ),
    ActionEntry(
        Action.CONSULT, "processing", Who("handling", HANDLERS), ConsultInput, _consult, _parse_consult
    ),
    ActionEntry(
        Action.CONSULT_REPLY,
        "processing",
        Who("consulted", HANDLERS),
        ConsultReplyInput,
        _consult_reply,
        _parse_consult_reply,
        rule=_reply_rule,
    ),
]
