"""The result: issued (or refused after appraisal, with a reason) at the workflow's last step and
classified early / on time / late against the statutory due instant; then handed to the applicant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dossiers.actions.base import ActionContext, ActionEntry, Refusal, Who, commit
from dossiers.actions.inputs import required
from dossiers.actions.processing import finish
from dossiers.actions.recording import classify_resolution, handover
from dossiers.models import DeliveryMethod, DossierStep, Outcome, Timing
from dossiers.transitions import Action, vietnamese
from kernel.errors import DomainError
from kernel.text import nfc
from organization.models import Role


@dataclass
class ResolveInput:
    outcome: str = ""
    note: str = ""
    enforce_workflow: bool = True  # False for imported history: the old system kept its own steps


def _parse_resolve(values: Mapping[str, Any]) -> ResolveInput:
    return ResolveInput(
        outcome=required(values.get("outcome"), "outcome"),
        note=values.get("note") or values.get("reason") or "",
    )


def at_last_step(ctx: ActionContext) -> bool:
    """No step still waiting at or after the furthest active one."""
    active = max((s.position for s in ctx.active_steps()), default=0)
    return not any(s.state == DossierStep.State.WAITING and s.position >= active for s in ctx.steps)


def _resolve_rule(ctx: ActionContext, inp: ResolveInput | None) -> Refusal | None:
    if inp is not None and not inp.enforce_workflow:
        return None
    open_consultations = len(ctx.open_consultations())
    if open_consultations:
        return Refusal("consultation_open", f"Còn {open_consultations} cơ quan liên thông chưa trả lời.")
    if not at_last_step(ctx):
        return Refusal(
            "workflow_not_finished", "Hồ sơ chưa đến bước cuối của quy trình; hãy chuyển các bước trước."
        )
    return None


def _resolve(ctx: ActionContext, inp: ResolveInput) -> None:
    dossier, at, actor = ctx.dossier, ctx.at, ctx.actor
    if inp.outcome not in Outcome.values:
        raise DomainError(
            "invalid_outcome", "Kết quả phải là approved hoặc refused.", fields={"outcome": ["Không hợp lệ."]}
        )
    note = nfc(inp.note)
    if inp.outcome == Outcome.REFUSED and not note:
        raise DomainError(
            "reason_required", "Từ chối giải quyết phải nêu rõ lý do.", fields={"note": ["Bắt buộc nhập."]}
        )
    assert dossier.due_at is not None
    for step in ctx.active_steps():
        finish(step, at, actor)
        handover(
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
    timing = classify_resolution(at, dossier.due_at)
    commit(
        ctx,
        {"resolved_at": at, "outcome": inp.outcome, "resolution_note": note, "resolution_timing": timing},
        reason=note,
        data={"outcome": inp.outcome, "timing": timing, "early_return": timing == Timing.EARLY},
    )


@dataclass
class DeliverInput:
    method: str = ""
    note: str = ""


def _parse_deliver(values: Mapping[str, Any]) -> DeliverInput:
    return DeliverInput(method=required(values.get("method"), "method"), note=values.get("note") or "")


def _deliver(ctx: ActionContext, inp: DeliverInput) -> None:
    """Hand the result to the applicant: at the counter, by post or online."""
    method = inp.method
    if method not in DeliveryMethod.values:
        raise DomainError(
            "invalid_method",
            "Hình thức trả kết quả phải là counter, postal hoặc online.",
            fields={"method": ["Không hợp lệ."]},
        )
    dossier = ctx.dossier
    handover(
        dossier,
        at=ctx.at,
        kind="deliver",
        from_user=ctx.actor,
        from_agency=ctx.agency or dossier.receiving_agency,
        to_agency=None,
        to_role="",
        note=f"Trả kết quả: {vietnamese(DeliveryMethod(method).label)}",
    )
    commit(
        ctx,
        {"delivered_at": ctx.at, "delivery_method": method},
        reason=nfc(inp.note),
        data={"method": method},
    )


ENTRIES: list[ActionEntry[Any]] = [
    ActionEntry(
        Action.RESOLVE,
        "results",
        Who("handling", frozenset({Role.LEADER, Role.CLERK})),
        ResolveInput,
        _resolve,
        _parse_resolve,
        rule=_resolve_rule,
    ),
    ActionEntry(
        Action.DELIVER,
        "results",
        Who("receiving", frozenset({Role.ONE_STOP_OFFICER})),
        DeliverInput,
        _deliver,
        _parse_deliver,
    ),
]
