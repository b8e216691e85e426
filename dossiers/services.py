"""Every write to a dossier, by name (docs/domain.md §4; docs/adr/0013).

The actions themselves are declared once each in the registry (``dossiers/actions/``): who may take
them, from which states, on which legal basis, the check that refuses them and the write. Each
``dossier_<action>(*, dossier, actor, ..., at)`` below is the keyword-only, typed door to one of them:
one transaction with the dossier row locked, the action checked against the transition table and the
actor's role, the event and the outbox rows written in the same transaction. Filing and draft edits are
in ``dossiers/creation.py``, the daily history anchors in ``dossiers/anchors.py``.

``actor=None`` is the system (the history importer): role checks are skipped, never the rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from accounts.models import User
from dossiers.actions.base import acting_membership
from dossiers.actions.processing import ConsultationInput
from dossiers.actions.reception import format_code, next_code
from dossiers.actions.recording import classify_resolution, dossier_note_event, local_date
from dossiers.actions.registry import ENTRIES, perform
from dossiers.actions.supplement import SUPPLEMENT_REQUEST_WINDOW_DAYS
from dossiers.anchors import history_anchor, history_anchor_closed_days, history_signer
from dossiers.creation import (
    ApplicantData,
    ComponentData,
    DossierInput,
    DraftChange,
    _applicant_for,
    case_requirements,
    dossier_choose_notices,
    dossier_create,
    dossier_update_draft,
)
from dossiers.models import Dossier, Timing
from dossiers.transitions import Action
from kernel.errors import NotFound
from organization.models import Agency

__all__ = [
    "SUPPLEMENT_REQUEST_WINDOW_DAYS",
    "ApplicantData",
    "ComponentData",
    "ConsultationInput",
    "DossierInput",
    "DraftChange",
    "Timing",
    "_applicant_for",
    "acting_membership",
    "case_requirements",
    "classify_resolution",
    "dossier_choose_notices",
    "dossier_create",
    "dossier_note_event",
    "dossier_update_draft",
    "format_code",
    "history_anchor",
    "history_anchor_closed_days",
    "history_signer",
    "local_date",
    "next_code",
]


def _input(action: Action, **values: object) -> object:
    return ENTRIES[action].input(**values)


def dossier_submit(*, dossier: Dossier, actor: User | None, at: datetime | None = None) -> Dossier:
    """The applicant submits a draft (its code issued: docs/domain.md §4 rule 2), or resubmits after it
    was returned for completion (the code kept)."""
    return perform(Action.SUBMIT, dossier=dossier, actor=actor, at=at)


def dossier_receive(
    *, dossier: Dossier, actor: User | None, at: datetime | None = None, code: str | None = None
) -> Dossier:
    """A one-stop officer accepts an online dossier as complete: the clock started, the code kept (issued
    at submission; issued now for one submitted before that rule, ADR 0021)."""
    return perform(Action.RECEIVE, dossier=dossier, actor=actor, at=at, inp=_input(Action.RECEIVE, code=code))


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
    inp = _input(Action.RETURN_FOR_COMPLETION, items=items, reason=reason)
    return perform(Action.RETURN_FOR_COMPLETION, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_refuse(
    *, dossier: Dossier, actor: User | None, reason: str, at: datetime | None = None
) -> Dossier:
    """Refuse an online dossier at reception, always with a reason (form 03)."""
    return perform(
        Action.REFUSE, dossier=dossier, actor=actor, at=at, inp=_input(Action.REFUSE, reason=reason)
    )


def dossier_withdraw(
    *, dossier: Dossier, actor: User | None, reason: str = "", at: datetime | None = None
) -> Dossier:
    """The applicant withdraws a dossier not yet received."""
    inp = _input(Action.WITHDRAW, reason=reason)
    return perform(Action.WITHDRAW, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_forward(
    *,
    dossier: Dossier,
    actor: User | None,
    step: int | None = None,
    assignee: User | None = None,
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """Finish the actor's step and hand the dossier to the next step."""
    inp = _input(Action.FORWARD, step=step, assignee=assignee, note=note)
    return perform(Action.FORWARD, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_send_back(
    *, dossier: Dossier, actor: User | None, reason: str, step: int | None = None, at: datetime | None = None
) -> Dossier:
    """Return the dossier from the actor's step to the previous step, with a reason."""
    inp = _input(Action.SEND_BACK, reason=reason, step=step)
    return perform(Action.SEND_BACK, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_consult(
    *, dossier: Dossier, actor: User | None, requests: Sequence[ConsultationInput], at: datetime | None = None
) -> Dossier:
    """Send the dossier to other agencies in parallel (docs/domain.md §4 rule 6)."""
    inp = _input(Action.CONSULT, requests=requests)
    return perform(Action.CONSULT, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_consult_reply(
    *, dossier: Dossier, actor: User | None, agency: Agency, answer: str, at: datetime | None = None
) -> Dossier:
    """A consulted agency answers; the hand-over back is logged against its deadline."""
    inp = _input(Action.CONSULT_REPLY, agency=agency, answer=answer)
    return perform(Action.CONSULT_REPLY, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User | None,
    items: Sequence[str],
    reason: str = "",
    supply_by: date | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Ask the applicant for everything still missing, in one list, to be supplied by ``supply_by``
    (default: ``SUPPLY_WORKING_DAYS`` working days); the clock stops (NĐ 61/2018 Art. 19.4). A request
    later than 3 working days after reception is recorded as a violation."""
    inp = _input(Action.REQUEST_SUPPLEMENT, items=items, reason=reason, supply_by=supply_by)
    return perform(Action.REQUEST_SUPPLEMENT, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_applicant_supplement(
    *, dossier: Dossier, actor: User | None, note: str = "", at: datetime | None = None
) -> Dossier:
    """The applicant sends the papers asked for (uploaded before) with a note."""
    inp = _input(Action.APPLICANT_SUPPLEMENT, note=note)
    return perform(Action.APPLICANT_SUPPLEMENT, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_receive_supplement(
    *, dossier: Dossier, actor: User | None, note: str = "", at: datetime | None = None
) -> Dossier:
    """The completed dossier is received again: the statutory time restarts from zero (Art. 19.4)."""
    inp = _input(Action.RECEIVE_SUPPLEMENT, note=note)
    return perform(Action.RECEIVE_SUPPLEMENT, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_pause(
    *, dossier: Dossier, actor: User | None, reason: str, at: datetime | None = None
) -> Dossier:
    """Stop the clock; it resumes with the remaining working time."""
    return perform(Action.PAUSE, dossier=dossier, actor=actor, at=at, inp=_input(Action.PAUSE, reason=reason))


def dossier_resume(
    *, dossier: Dossier, actor: User | None, note: str = "", at: datetime | None = None
) -> Dossier:
    """Restart the clock with the working time that remained when it was paused."""
    return perform(Action.RESUME, dossier=dossier, actor=actor, at=at, inp=_input(Action.RESUME, note=note))


def dossier_extend(
    *,
    dossier: Dossier,
    actor: User | None,
    reason: str,
    new_appointment: datetime,
    at: datetime | None = None,
) -> Dossier:
    """Apologise and give a new appointment: once, at least 1 working day before the due instant
    (NĐ 61/2018 Art. 19.9)."""
    inp = _input(Action.EXTEND, reason=reason, new_appointment=new_appointment)
    return perform(Action.EXTEND, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_resolve(
    *,
    dossier: Dossier,
    actor: User | None,
    outcome: str,
    note: str = "",
    at: datetime | None = None,
    enforce_workflow: bool = True,
) -> Dossier:
    """Issue the result (or refuse after appraisal, with a reason) at the workflow's last step."""
    inp = _input(Action.RESOLVE, outcome=outcome, note=note, enforce_workflow=enforce_workflow)
    return perform(Action.RESOLVE, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_deliver(
    *, dossier: Dossier, actor: User | None, method: str, note: str = "", at: datetime | None = None
) -> Dossier:
    """Hand the result to the applicant: at the counter, by post or online."""
    inp = _input(Action.DELIVER, method=method, note=note)
    return perform(Action.DELIVER, dossier=dossier, actor=actor, at=at, inp=inp)


def dossier_stop(*, dossier: Dossier, actor: User | None, reason: str, at: datetime | None = None) -> Dossier:
    """Stop processing at the applicant's request (form 05: Thông báo dừng giải quyết hồ sơ)."""
    return perform(Action.STOP, dossier=dossier, actor=actor, at=at, inp=_input(Action.STOP, reason=reason))


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
