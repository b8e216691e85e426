"""The clock between reception and result: pause (e.g. awaiting the applicant's financial obligation)
and resume with the remaining working time; apologise and give a new appointment, once
(NĐ 61/2018 Art. 19.9)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from dossiers.actions.base import ActionContext, ActionEntry, Refusal, Who, commit
from dossiers.actions.clock import approaching_at
from dossiers.actions.inputs import plain, required
from dossiers.actions.reception import require_reason
from dossiers.transitions import Action
from kernel.errors import DomainError
from kernel.text import nfc
from organization.models import Role
from worktime.services import work_calendar

HANDLERS = frozenset({Role.SPECIALIST, Role.LEADER})


@dataclass
class PauseInput:
    reason: str = ""


def _pause(ctx: ActionContext, inp: PauseInput) -> None:
    """Stop the clock; it resumes with the remaining working time."""
    dossier, at = ctx.dossier, ctx.at
    reason = require_reason(inp.reason)
    assert dossier.due_at is not None
    remaining = max(0, work_calendar().remaining_minutes(dossier.due_at, at))
    commit(ctx, {"clock_stopped_at": at}, reason=reason, clock=True, data={"remaining_minutes": remaining})


@dataclass
class ResumeInput:
    note: str = ""


def _resume(ctx: ActionContext, inp: ResumeInput) -> None:
    """Restart the clock with the working time that remained when it was paused."""
    dossier, at = ctx.dossier, ctx.at
    assert dossier.due_at is not None
    assert dossier.clock_stopped_at is not None
    calendar = work_calendar()
    due_before, appointment_before = dossier.due_at, dossier.appointment_at
    paused_at = dossier.clock_stopped_at
    due = calendar.resume(due=due_before, paused_at=paused_at, resumed_at=at, unit=dossier.statutory_unit)
    appointment = appointment_before
    if appointment_before is not None:
        appointment = (
            due
            if appointment_before == due_before
            else calendar.resume(
                due=appointment_before, paused_at=paused_at, resumed_at=at, unit=dossier.statutory_unit
            )
        )
    changes = {
        "due_at": due,
        "appointment_at": appointment,
        "approaching_at": approaching_at(calendar, calendar.next_opening(at), due),
        "clock_stopped_at": None,
    }
    for step in ctx.active_steps():  # the context's own objects: the answer shows them
        if step.due_at is None:
            continue
        step.due_at = calendar.resume(
            due=step.due_at, paused_at=paused_at, resumed_at=at, unit="working_hour"
        )
        step.save(update_fields=["due_at"])
    commit(ctx, changes, reason=nfc(inp.note), clock=True)


@dataclass
class ExtendInput:
    reason: str = ""
    new_appointment: datetime | None = None


def _parse_extend(values: Mapping[str, Any]) -> ExtendInput:
    return ExtendInput(
        reason=values.get("reason") or "",
        new_appointment=required(values.get("new_appointment"), "new_appointment"),
    )


def extension_refusal(ctx: ActionContext, inp: ExtendInput | None = None) -> Refusal | None:
    """NĐ 61/2018 Art. 19.9: once per dossier, at least 1 working day before the due instant."""
    dossier, at = ctx.dossier, ctx.at
    if dossier.extension_count >= 1:
        return Refusal(
            "already_extended",
            "Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai (NĐ 61/2018 Điều 19.9).",
        )
    if dossier.due_at is None:
        return Refusal("no_due_instant", "Hồ sơ chưa có hạn giải quyết.")
    calendar = work_calendar()
    if at > dossier.due_at or calendar.remaining_minutes(dossier.due_at, at) < calendar.minutes_per_day:
        return Refusal(
            "extension_too_late",
            "Phải xin lỗi, hẹn lại chậm nhất 1 ngày làm việc trước hạn giải quyết "
            f"({timezone.localtime(dossier.due_at):%H:%M %d/%m/%Y}).",
        )
    return None


def _extend(ctx: ActionContext, inp: ExtendInput) -> None:
    """The statutory due instant does not move: a dossier resolved after it is still late."""
    from dossiers.models import Extension

    dossier, new_appointment = ctx.dossier, inp.new_appointment
    reason = require_reason(inp.reason)
    if new_appointment is None or timezone.is_naive(new_appointment):
        raise DomainError(
            "naive_datetime", "Ngày hẹn mới phải có múi giờ.", fields={"new_appointment": ["Thiếu múi giờ."]}
        )
    assert dossier.due_at is not None
    if new_appointment <= dossier.due_at:
        raise DomainError(
            "invalid_appointment",
            "Ngày hẹn mới phải sau hạn giải quyết hiện tại.",
            fields={"new_appointment": ["Phải sau hạn giải quyết."]},
        )
    Extension.objects.create(
        dossier=dossier,
        at=ctx.at,
        by=ctx.actor,
        reason=reason,
        due_at=dossier.due_at,
        previous_appointment=dossier.appointment_at,
        new_appointment=new_appointment,
    )
    commit(
        ctx,
        {"appointment_at": new_appointment, "extension_count": dossier.extension_count + 1},
        reason=reason,
        clock=True,
    )


ENTRIES: list[ActionEntry[Any]] = [
    ActionEntry(Action.PAUSE, "time", Who("handling", HANDLERS), PauseInput, _pause, plain(PauseInput)),
    ActionEntry(Action.RESUME, "time", Who("handling", HANDLERS), ResumeInput, _resume, plain(ResumeInput)),
    ActionEntry(
        Action.EXTEND,
        "time",
        Who("handling", frozenset({Role.LEADER})),
        ExtendInput,
        _extend,
        _parse_extend,
        rule=extension_refusal,
    ),
]
