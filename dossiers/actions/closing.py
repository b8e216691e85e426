"""Closing a dossier before its result: the applicant withdraws it before reception; after reception
processing stops at the applicant's request (form 05)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dossiers.actions.base import ActionContext, ActionEntry, Who, commit
from dossiers.actions.inputs import plain
from dossiers.actions.processing import finish
from dossiers.actions.reception import require_reason
from dossiers.transitions import Action
from kernel.text import nfc
from organization.models import Role


@dataclass
class ReasonInput:
    reason: str = ""


def _withdraw(ctx: ActionContext, inp: ReasonInput) -> None:
    commit(ctx, {"closed_at": ctx.at}, reason=nfc(inp.reason))


def _stop(ctx: ActionContext, inp: ReasonInput) -> None:
    """Form 05: Thông báo dừng giải quyết hồ sơ."""
    dossier = ctx.dossier
    reason = require_reason(inp.reason)
    for step in ctx.active_steps():
        finish(step, ctx.at, ctx.actor)
    changes = {
        "closed_at": ctx.at,
        "resolution_note": reason,
        "clock_stopped_at": dossier.clock_stopped_at or ctx.at,
    }
    commit(ctx, changes, reason=reason)


ENTRIES: list[ActionEntry[Any]] = [
    ActionEntry(
        Action.WITHDRAW,
        "closing",
        Who("receiving", frozenset({Role.ONE_STOP_OFFICER}), applicant=True),
        ReasonInput,
        _withdraw,
        plain(ReasonInput),
    ),
    ActionEntry(
        Action.STOP,
        "closing",
        Who("either", frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER})),
        ReasonInput,
        _stop,
        plain(ReasonInput),
    ),
]
