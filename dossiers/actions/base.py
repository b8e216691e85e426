"""The parts every dossier action is made of: who may take it (``Who``), what refuses it
(``Refusal``), what one attempt knows (``ActionContext``) and the declaration that ties them to the
transition table (``ActionEntry``). The registry (``dossiers/actions/registry.py``) holds one entry per
``Action`` and runs them; the families (reception, processing, ...) declare them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from django.db.models import Max

from accounts.models import User
from dossiers.models import Consultation, Dossier, DossierStep
from dossiers.transitions import (
    STATUS_LABELS,
    TRANSITIONS,
    Action,
    Status,
    Transition,
    target_status,
    vietnamese,
)
from kernel.errors import DomainError, Forbidden
from kernel.jsonrows import adopted
from organization.models import Agency, Membership, Role
from organization.selectors import active_memberships, agency_subtree

Whose = Literal["receiving", "handling", "either", "applicant", "step", "consulted"]


@dataclass(frozen=True)
class Who:
    """Who may take an action. ``whose``: the agency whose members act — the receiving centre, the
    handling agency, either (handling first), or: the applicant alone, the holder of the active step
    (its role there, or a leader), the consulted agency named in the input. ``roles``: the roles
    needed there. ``applicant``: the applicant may take it as well (a withdrawal)."""

    whose: Whose
    roles: frozenset[Role] = frozenset()
    applicant: bool = False
    refused: str = "Chỉ người nộp hồ sơ được thực hiện thao tác này."  # whose == "applicant": the 403


@dataclass(frozen=True)
class Refusal:
    """Why an action is not allowed now: the message and HTTP status the service answers with."""

    code: str
    message: str
    status: int = 409
    fields: dict[str, list[str]] = field(default_factory=dict)

    def error(self) -> DomainError:
        if self.status == 403 and self.code == "forbidden":
            return Forbidden(self.message)
        return DomainError(self.code, self.message, status=self.status, fields=self.fields or None)

    @classmethod
    def of(cls, error: DomainError) -> Refusal:
        return cls(error.code, error.message, error.status, dict(error.fields))


def forbidden(message: str) -> Refusal:
    return Refusal("forbidden", message, 403)


def acting_membership(user: User, agency: Agency, roles: Iterable[Role]) -> Membership | None:
    """A membership through which ``user`` acts for ``agency`` in one of ``roles``: at the agency
    itself or at a unit inside it (a division of a department, the service centre of a commune)."""
    inside = agency_subtree([agency.pk])
    wanted = set(roles)
    found = sorted(
        (m for m in active_memberships(user) if m.role in wanted and m.agency_id in inside),
        key=lambda m: m.agency.level,
    )
    return found[0] if found else None


I = TypeVar("I")  # noqa: E741 - the input dataclass of an action


class ActionContext:
    """What one attempt at an action knows: the dossier, the actor, the instant, and — read once and
    kept — the actor's memberships, the agency trees they reach into, the dossier's steps and open
    consultations. A page builds one per dossier to decide what to offer; the service builds one on
    the locked row before writing. Checks may note what they found (the acting agency, the step)."""

    def __init__(self, dossier: Dossier, actor: User | None, at: datetime) -> None:
        self.action: Action | None = None  # the action being checked or written
        self.dossier = dossier
        self.actor = actor
        self.at = at
        self.agency: Agency | None = None  # whom the actor acts for, set by the check
        self.step: DossierStep | None = None  # the step acted on (step actions), set by the check
        self.previous = dossier.status
        self.due_before = dossier.due_at
        self.appointment_before = dossier.appointment_at
        self._memberships: list[Membership] | None = None
        self._subtrees: dict[int, set[int]] = {}
        self._steps: list[DossierStep] | None = None
        self._open: list[Consultation] | None = None
        self._returned: bool | None = None
        # (seq, hash) of the dossier's last event as ``perform`` read it on the locked row, for the
        # first event the action records (``commit``); None: read it then.
        self.previous_event: tuple[int, str] | None = None

    # --- who the actor is

    @property
    def superuser(self) -> bool:
        return self.actor is not None and self.actor.is_superuser

    def is_applicant(self) -> bool:
        return self.actor is not None and self.dossier.applicant.user_id == self.actor.pk

    def membership(self, agency: Agency, roles: Iterable[Role]) -> Membership | None:
        """``acting_membership`` from the actor's memberships read once for the whole attempt."""
        if self.actor is None:
            return None
        if self._memberships is None:
            self._memberships = list(active_memberships(self.actor))
        wanted = set(roles)
        candidates = [m for m in self._memberships if m.role in wanted]
        if not candidates:
            return None
        if agency.pk not in self._subtrees:
            self._subtrees[agency.pk] = agency_subtree([agency.pk])
        inside = self._subtrees[agency.pk]
        found = sorted((m for m in candidates if m.agency_id in inside), key=lambda m: m.agency.level)
        return found[0] if found else None

    def may_hold(self, step: DossierStep) -> bool:
        """The step's own role there (who may be handed the step)."""
        return self.actor is not None and self.membership(step.agency, {Role(step.role)}) is not None

    # --- what the dossier holds (read once)

    @property
    def steps(self) -> list[DossierStep]:
        if self._steps is None:
            # Read with the row when the caller asked for its children (dossiers.selectors.with_children).
            held = adopted(self.dossier, "steps")
            self._steps = (
                held
                if held is not None
                else list(
                    self.dossier.steps.select_related("agency", "assignee", "finished_by").order_by(
                        "position"
                    )
                )
            )
        return self._steps

    def steps_as_written(self) -> list[DossierStep] | None:
        """The steps as the action left them, if it read them (None: read them again). The action
        saves every change to a step it holds; an action that makes steps (reception) says so by
        forgetting them (``forget_steps``)."""
        return self._steps

    def forget_steps(self) -> None:
        self._steps = None

    def use_steps(self, steps: list[DossierStep]) -> None:
        """The steps as the action made them (in order, saved): the answer reads them from here."""
        self._steps = steps

    def groups(self) -> list[list[DossierStep]]:
        """The steps in order, consecutive steps of one parallel group together."""
        groups: list[list[DossierStep]] = []
        for step in self.steps:
            if groups and step.parallel_group and groups[-1][0].parallel_group == step.parallel_group:
                groups[-1].append(step)
            else:
                groups.append([step])
        return groups

    def active_steps(self) -> list[DossierStep]:
        return [s for s in self.steps if s.state == DossierStep.State.ACTIVE]

    def group_index(self, step: DossierStep) -> int:
        return next(i for i, group in enumerate(self.groups()) if any(s.pk == step.pk for s in group))

    def open_consultations(self) -> list[Consultation]:
        if self._open is None:
            held = adopted(self.dossier, "consultations")
            self._open = (
                [c for c in held if c.answered_at is None]
                if held is not None
                else list(
                    self.dossier.consultations.filter(answered_at__isnull=True).select_related("agency")
                )
            )
        return self._open

    def already_returned(self) -> bool:
        if self._returned is None:
            held = adopted(self.dossier, "events")
            self._returned = (
                any(e.action == Action.RETURN_FOR_COMPLETION for e in held)
                if held is not None
                else self.dossier.events.filter(action=Action.RETURN_FOR_COMPLETION).exists()
            )
        return self._returned

    def last_event_at(self) -> datetime | None:
        held = adopted(self.dossier, "events")
        if held is not None:
            return max((e.at for e in held), default=None)
        last: datetime | None = self.dossier.events.aggregate(last=Max("at"))["last"]
        return last


def state_refusal(dossier: Dossier, action: Action) -> Refusal | None:
    """The transition table's answer (409 from any other state)."""
    transition = TRANSITIONS[action]
    if Status(dossier.status) in transition.sources:
        return None
    allowed = ", ".join(
        vietnamese(STATUS_LABELS[s]) for s in sorted(transition.sources, key=list(Status).index)
    )
    return Refusal(
        "action_not_allowed",
        f"Không thể «{vietnamese(transition.label)}» khi hồ sơ đang ở trạng thái «{dossier.status_label}» "
        f"(chỉ được khi: {allowed}).",
        409,
    )


def who_refusal(ctx: ActionContext, action: Action, who: Who) -> Refusal | None:
    """The role check of ``who`` for the receiving / handling agency; notes the acting agency.
    ``actor=None`` is the system (the history importer): the rules apply, not the roles."""
    ctx.agency = None
    if ctx.actor is None or who.whose in ("step", "consulted"):
        return None
    if who.whose == "applicant":
        return None if ctx.is_applicant() else forbidden(who.refused)
    if who.applicant and ctx.is_applicant():
        return None
    dossier = ctx.dossier
    if ctx.superuser:
        ctx.agency = dossier.handling_agency
        return None
    places = {
        "receiving": [dossier.receiving_agency],
        "handling": [dossier.handling_agency],
        "either": [dossier.handling_agency, dossier.receiving_agency],
    }[who.whose]
    for place in places:
        membership = ctx.membership(place, who.roles)
        if membership is not None:
            ctx.agency = membership.agency
            return None
    names = ", ".join(sorted(vietnamese(r.label) for r in who.roles))
    return forbidden(
        f"Thao tác «{vietnamese(TRANSITIONS[action].label)}» cần vai trò {names} của {places[0].name}."
    )


Rule = Callable[[ActionContext, Any], "Refusal | None"]


def field_values(fields: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: fields[name] for name in names if fields.get(name) is not None}


@dataclass(frozen=True)
class ActionEntry(Generic[I]):
    """One dossier action, declared once: the action of the transition table (its states, label and
    legal basis come from there), who may take it, its input, the rule that refuses it beyond the state
    and the role, how its input is read from plain fields (API bodies, page forms), and the write."""

    action: Action
    family: str
    who: Who
    input: type[I]
    write: Callable[[ActionContext, I], None]
    parse: Callable[[Mapping[str, Any]], I]
    rule: Callable[[ActionContext, I | None], Refusal | None] | None = None

    @property
    def transition(self) -> Transition:
        return TRANSITIONS[self.action]

    @property
    def sources(self) -> frozenset[Status]:
        return self.transition.sources

    @property
    def basis(self) -> str:
        return self.transition.basis

    @property
    def label(self) -> Any:
        return self.transition.label

    def target(self, status: str) -> Status:
        return target_status(self.action, Status(status))

    def refusal(self, ctx: ActionContext, inp: I | None = None) -> Refusal | None:
        """Why ``ctx.actor`` may not take the action on ``ctx.dossier`` now (None: allowed). Pure but
        for reads; ``inp`` None asks "with some input" (what a page offers), else "with this input"."""
        return state_refusal(ctx.dossier, self.action) or self.check(ctx, inp)

    def check(self, ctx: ActionContext, inp: I | None = None) -> Refusal | None:
        """The role and the action's own rule (the state is checked apart, before the time)."""
        ctx.action = self.action
        found = who_refusal(ctx, self.action, self.who)
        if found is None and self.rule is not None:
            found = self.rule(ctx, inp)
        return found


def commit(
    ctx: ActionContext,
    changes: Mapping[str, Any] | None = None,
    *,
    reason: str = "",
    data: dict[str, Any] | None = None,
    clock: bool = False,
    announce: bool = True,
) -> None:
    """The end every action shares: move to the transition's target state with ``changes``, save the
    changed columns, and record the event (``clock``: with the due instant and appointment as they were
    before the action)."""
    from dossiers.actions.clock import move_running_spell
    from dossiers.actions.recording import record, save

    dossier, action = ctx.dossier, ctx.action
    assert action is not None
    fields = dict(changes or {})
    if TRANSITIONS[action].target is not None:
        fields = {"status": target_status(action, Status(ctx.previous)), **fields}
    for name, value in fields.items():
        setattr(dossier, name, value)
    # The clock's running spell moves with the same save (dossiers.actions.clock).
    due_before = ctx.due_before if clock else None
    running_before = move_running_spell(dossier, from_status=ctx.previous, due_before=due_before, at=ctx.at)
    if dossier.clock_running_since != running_before:
        fields["clock_running_since"] = dossier.clock_running_since
    if fields:
        save(dossier, list(fields))
    record(
        dossier,
        action,
        actor=ctx.actor,
        agency=ctx.agency,
        at=ctx.at,
        from_status=ctx.previous,
        reason=reason,
        due_before=due_before,
        appointment_before=ctx.appointment_before if clock else None,
        data=data,
        announce=announce,
        locked=True,  # commit runs inside perform, on the row it locked
        previous=ctx.previous_event,
        running_since_before=running_before,
    )
    ctx.previous_event = None  # a second event of the same action reads its link again
