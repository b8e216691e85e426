"""The one registry of dossier actions and the one way to run them.

Every ``Action`` of the transition table has exactly one entry (``ENTRIES``), declared in its family's
module. The API, the workspace pages, the applicant's portal and the history importer all go through
here: ``refusal()`` says whether an action is allowed (the pages call it to decide what to offer),
``perform()`` runs it — in one transaction, on the locked row, refusing with the same answer — and
``parse()`` reads its input from plain fields. ``services.dossier_<action>(...)`` are thin wrappers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dossiers.actions import closing, processing, reception, results, supplement, time
from dossiers.actions.base import ActionContext, ActionEntry, Refusal, state_refusal, who_refusal
from dossiers.actions.recording import check_time, last_event, lock
from dossiers.models import Dossier
from dossiers.transitions import Action, Status, allowed_actions
from organization.models import Agency

ENTRIES: dict[Action, ActionEntry[Any]] = {}
for _family in (reception, processing, supplement, time, results, closing):
    for _entry in _family.ENTRIES:
        if _entry.action in ENTRIES:
            raise ImproperlyConfigured(f"Two registry entries for the dossier action {_entry.action}.")
        ENTRIES[_entry.action] = _entry
if _missing := sorted(set(Action) - set(ENTRIES)):
    raise ImproperlyConfigured(f"Dossier actions without a registry entry: {_missing}.")


def entry(action: Action | str) -> ActionEntry[Any]:
    return ENTRIES[Action(action)]


def context(dossier: Dossier, actor: User | None, at: datetime | None = None) -> ActionContext:
    """One context per page and dossier: the actor's memberships and the dossier's steps read once."""
    return ActionContext(dossier, actor, at or timezone.now())


def refusal(
    action: Action | str,
    *,
    dossier: Dossier | None = None,
    actor: User | None = None,
    ctx: ActionContext | None = None,
    inp: Any = None,
) -> Refusal | None:
    """Why ``actor`` may not take ``action`` on ``dossier`` now; None when allowed."""
    if ctx is None:
        assert dossier is not None
        ctx = context(dossier, actor)
    return entry(action).refusal(ctx, inp)


def offered(ctx: ActionContext) -> list[Action]:
    """The actions ``ctx.actor`` may take on ``ctx.dossier`` now, in the table's order."""
    return [a for a in allowed_actions(Status(ctx.dossier.status)) if ENTRIES[a].check(ctx) is None]


def acting_agency(ctx: ActionContext, action: Action | str) -> Agency | None:
    """The agency the actor would act for in ``action`` by role alone (whatever the state), or None."""
    found = entry(action)
    if who_refusal(ctx, found.action, found.who) is None:
        return ctx.agency
    return None


def parse(action: Action | str, fields: Mapping[str, Any]) -> Any:
    """The action's input read from plain fields (usernames and agency codes resolved)."""
    return entry(action).parse(fields)


def perform(
    action: Action | str,
    *,
    dossier: Dossier,
    actor: User | None,
    inp: Any = None,
    at: datetime | None = None,
) -> Dossier:
    """Run ``action``: lock the row, check the state, the time, the role and the action's rule —
    refusing with the rule's message and status, and nothing written — then write. ``actor=None`` is
    the system (the history importer): the rules apply, not the roles. Returns the updated dossier."""
    return attempt(action, load=lambda: lock(dossier), actor=actor, inp=inp, at=at).dossier


@transaction.atomic
def attempt(
    action: Action | str,
    *,
    load: Callable[[], Dossier],
    actor: User | None,
    inp: Any = None,
    fields: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> ActionContext:
    """``perform`` with the row read by ``load`` inside the transaction — which must lock it (the API
    reads it once, visibility and lock together) — and the input parsed from ``fields`` after the row
    was found (not found answers before a bad input). Returns the context: the dossier as written,
    and what the checks read (its steps), for the answer."""
    found = entry(action)
    at = at or timezone.now()
    dossier = load()
    if fields is not None:
        inp = parse(action, fields)
    ctx = ActionContext(dossier, actor, at)
    refused = state_refusal(dossier, found.action)
    if refused is None:
        seq, link, latest = last_event(dossier)
        check_time(dossier, at, latest)
        # The event this action records hangs on that one (``commit``; the row is locked).
        ctx.previous_event = (seq, link) if seq else None
        refused = found.check(ctx, inp if inp is not None else found.input())
    if refused is not None:
        raise refused.error()
    found.write(ctx, inp if inp is not None else found.input())
    return ctx


def run(action: Action | str, *, dossier: Dossier, actor: User | None, fields: Mapping[str, Any]) -> Dossier:
    """The dispatcher of the API and the pages: input from plain fields, then ``perform``."""
    return perform(action, dossier=dossier, actor=actor, inp=parse(action, fields))
