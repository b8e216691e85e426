"""How every dossier action records itself: the row lock, the time check, the event (with its hash
link, ADR 0009), the outbox rows and the hand-over rows of the process-control sheet. Written once here
for all the actions of the registry (and the few writes outside it: creation, draft edits, notes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from dossiers import chain, events
from dossiers.actions import clock
from dossiers.models import Dossier, DossierEvent, DossierStep, Handover, Timing
from dossiers.selectors import HEAVY_VERSION_FIELDS
from dossiers.transitions import PORTAL_STATUS, Action, Status, emc_status
from kernel.errors import DomainError
from kernel.jsonrows import adopted, append
from organization.models import Agency
from outbox.models import OutboxMessage
from outbox.services import enqueue_many
from worktime.calendar import VN_TZ


def local_date(instant: datetime) -> date:
    """The date in Asia/Ho_Chi_Minh of an aware instant (the one helper for local dates)."""
    return instant.astimezone(VN_TZ).date()


def classify_resolution(resolved_at: datetime, due_at: datetime) -> Timing:
    """docs/domain.md §4: early if resolved on a local date before the due date; on time if not after the
    due instant; late otherwise."""
    if local_date(resolved_at) < local_date(due_at):
        return Timing.EARLY
    return Timing.ON_TIME if resolved_at <= due_at else Timing.LATE


def lock(dossier: Dossier) -> Dossier:
    # Lock the dossier row only (not the agencies joined in): actions on one dossier are serialised,
    # actions on different dossiers of one agency are not.
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("applicant", "receiving_agency", "handling_agency", "procedure", "version")
        .defer(*HEAVY_VERSION_FIELDS)
        .get(pk=dossier.pk)
    )


def last_event(dossier: Dossier) -> tuple[int, str, datetime | None]:
    """(seq, hash) of the dossier's last event — the link the next one hangs on (GENESIS: none) — and
    the latest instant of its events, in one statement (none when they were read with the row)."""
    held: list[DossierEvent] | None = adopted(dossier, "events")
    if held is not None:
        if not held:
            return (0, chain.GENESIS, None)
        return (held[-1].seq, held[-1].hash, max(e.at for e in held))
    latest = (
        DossierEvent.objects.filter(dossier_id=OuterRef("dossier_id"))
        .order_by()
        .values("dossier_id")
        .annotate(latest=Max("at"))
        .values("latest")
    )
    row = (
        dossier.events.order_by("-seq")
        .annotate(latest=Subquery(latest))
        .values_list("seq", "hash", "latest")
        .first()
    )
    return (0, chain.GENESIS, None) if row is None else row


def check_time(dossier: Dossier, at: datetime, last: datetime | Literal["read"] | None = "read") -> None:
    """``at`` is aware and not before the dossier's latest event (``last``: that instant, read already)."""
    if timezone.is_naive(at):
        raise DomainError("naive_datetime", "Thời điểm phải có múi giờ.")
    last = dossier.events.aggregate(last=Max("at"))["last"] if last == "read" else last
    if last is not None and at < last:
        raise DomainError(
            "time_before_last_event",
            f"Thời điểm {timezone.localtime(at):%d/%m/%Y %H:%M} trước sự kiện gần nhất "
            f"({timezone.localtime(last):%d/%m/%Y %H:%M}) của hồ sơ.",
        )


def save(dossier: Dossier, fields: Sequence[str]) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


UNSET = object()


def record(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    agency: Agency | None,
    at: datetime,
    from_status: str,
    reason: str = "",
    due_before: datetime | None = None,
    appointment_before: datetime | None = None,
    data: dict[str, Any] | None = None,
    announce: bool = True,
    locked: bool = False,
    previous: tuple[int, str] | None = None,
    running_since_before: datetime | object | None = UNSET,
) -> DossierEvent:
    # The one place a dossier event is written (ADR 0009). The dossier's row lock orders concurrent
    # events of one dossier, so each links to the hash of the one really before it: taken here unless
    # the caller says it holds it already (``locked``: the registry's ``perform`` locked the row).
    if not locked:
        Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk").first()
    event = _event(
        dossier,
        dossier,
        action,
        actor=actor,
        agency=agency,
        at=at,
        from_status=from_status,
        reason=reason,
        due_before=due_before,
        appointment_before=appointment_before,
        data=data,
        last=_link(dossier, previous),
    )
    event.save(force_insert=True)
    # The clock's running spell (dossiers.actions.clock): moved and saved by the caller with the
    # dossier when it says so (``running_since_before``: the value it had before), else here.
    if running_since_before is UNSET:
        running_before = clock.move_running_spell(
            dossier, from_status=from_status, due_before=due_before, at=at
        )
        if dossier.clock_running_since != running_before:
            Dossier.objects.filter(pk=dossier.pk).update(clock_running_since=dossier.clock_running_since)
    else:
        assert running_since_before is None or isinstance(running_since_before, datetime)
        running_before = running_since_before
    _published(dossier, dossier, event, due_before, running_before, announce)
    return event


@dataclass(frozen=True)
class Happened:
    """One of the events ``record_together`` writes: what ``record`` takes, and ``state``, the dossier
    as this event left it (the dossier itself for the last; a copy for those before)."""

    state: Dossier
    action: str
    actor: User | None
    agency: Agency | None
    at: datetime
    from_status: str
    running_since_before: datetime | None  # the state's clock_running_since before the event
    data: dict[str, Any] = field(default_factory=dict)
    announce: bool = True


def record_together(dossier: Dossier, happened: Sequence[Happened]) -> list[DossierEvent]:
    """Several events of ``dossier`` in a row (filing at the counter: submitted, then received), chained
    as ``record`` chains them one by one, written in one INSERT, then published in order, each with
    the dossier as it left it. The caller holds the row (made in this transaction, or locked) and saved
    it as the last event left it, running spell included."""
    last = _link(dossier, None)
    made = []
    for item in happened:
        event = _event(
            dossier,
            item.state,
            item.action,
            actor=item.actor,
            agency=item.agency,
            at=item.at,
            from_status=item.from_status,
            reason="",
            due_before=None,
            appointment_before=None,
            data=item.data,
            last=last,
        )
        last = (event.seq, event.hash)
        made.append(event)
    DossierEvent.objects.bulk_create(made)
    for item, event in zip(happened, made, strict=True):
        _published(dossier, item.state, event, None, item.running_since_before, item.announce)
    return made


def _link(dossier: Dossier, previous: tuple[int, str] | None) -> tuple[int, str] | None:
    """(seq, hash) of the dossier's last event, the next one's link: ``previous`` when the caller read
    it under the same lock, else from the history read with the row and what this request added, else
    read now (None: no event yet)."""
    if previous is not None:
        return previous
    held = adopted(dossier, "events")
    if held is not None:
        return (held[-1].seq, held[-1].hash) if held else None
    found: tuple[int, str] | None = dossier.events.order_by("-seq").values_list("seq", "hash").first()
    return found


def _event(
    dossier: Dossier,
    state: Dossier,
    action: str,
    *,
    actor: User | None,
    agency: Agency | None,
    at: datetime,
    from_status: str,
    reason: str,
    due_before: datetime | None,
    appointment_before: datetime | None,
    data: dict[str, Any] | None,
    last: tuple[int, str] | None,
) -> DossierEvent:
    """The event, hashed onto ``last`` (not written); ``state``: the dossier as the event left it."""
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        action=action,
        at=at,
        recorded_at=timezone.now(),
        actor=actor,
        actor_name=actor.display_name if actor else "Hệ thống",
        actor_agency=agency,
        from_status=from_status,
        to_status=state.status,
        reason=reason,
        due_before=due_before,
        due_after=state.due_at,
        appointment_before=appointment_before,
        appointment_after=state.appointment_at,
        data=data or {},
        prev_hash=prev_hash,
    )
    event.hash = chain.event_hash(prev_hash, {name: getattr(event, name) for name in chain.FIELDS})
    return event


def _published(
    dossier: Dossier,
    state: Dossier,
    event: DossierEvent,
    due_before: datetime | None,
    running_since_before: datetime | None,
    announce: bool,
) -> None:
    """A written event: kept with the history read with the row (the answer shows it), its subscribers
    told (the report facts, in this transaction: dossiers/events.py), its outbox rows written."""
    append(dossier, "events", event)
    events.event_recorded.send(
        sender=Dossier,
        dossier=state,
        event=event,
        due_before=due_before,
        running_since_before=running_since_before,
    )
    if announce:
        _announce(state, event)


def dossier_note_event(
    *,
    dossier: Dossier,
    action: str,
    actor: User | None,
    agency: Agency | None,
    at: datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """Append an event that leaves the state as it is (e.g. ``issue_result`` from documents/results.py).
    The caller holds the dossier's row lock inside its transaction."""
    return record(
        dossier,
        action,
        actor=actor,
        agency=agency,
        at=at,
        from_status=dossier.status,
        reason=reason,
        data=data,
        announce=False,
    )


def _announce(dossier: Dossier, event: DossierEvent) -> None:
    """Outbox rows for the applicant and the national portal (docs/domain.md §4 rule 7), in this transaction."""
    if dossier.status == Status.DRAFT or dossier.imported:
        # Replayed history is not news: the applicant and the portal heard of it from the old system.
        return
    if event.action == Action.WITHDRAW and event.from_status == Status.DRAFT:
        # A draft dropped by its applicant was never submitted (nothing leads back to a draft) and has no
        # code (ADR 0021): the portal never heard of it (its first sync is the submission's), and the
        # applicant is not told of what he did himself (notices.content.kind_of) — a row would be news
        # to nobody, and a portal.sync of a dossier unknown to the portal only a refusal.
        return
    ref = dossier.reference
    common = {
        "dossier": ref,
        "procedure": dossier.procedure.code,
        "status": dossier.status,
        "portal_status": PORTAL_STATUS[Status(dossier.status)],
        "action": event.action,
        "seq": event.seq,  # the event's number: the portal's sync reads the event itself
        "at": event.at.isoformat(),
        "agency": event.actor_agency.code if event.actor_agency else dossier.handling_agency.code,
        "actor": event.actor_name,
        "appointment": dossier.appointment_at.isoformat() if dossier.appointment_at else None,
    }
    rows = [
        OutboxMessage(
            topic=OutboxMessage.Topic.NOTIFY_APPLICANT,
            key=f"{dossier.uuid}:{event.seq}:notify",
            dossier_code=dossier.code or "",
            payload={**common, "message": f"Hồ sơ {ref}: {dossier.status_label}."},
        ),
        OutboxMessage(
            topic=OutboxMessage.Topic.PORTAL_SYNC,
            key=f"{dossier.uuid}:{event.seq}:sync",
            dossier_code=dossier.code or "",
            payload={**common, "test": dossier.is_test},
        ),
    ]
    # EMC (integrations/emc) hears of the actions of dossiers.transitions.EMC_STATUS, and only while it
    # is configured: an installation without EMC keeps no rows that nobody would ever deliver. A test
    # dossier (test mode) is no service to measure.
    emc = (
        emc_status(event.action, event.from_status)
        if settings.MOTCUA_EMC_URL and not dossier.is_test
        else None
    )
    if emc is not None:
        rows.append(
            OutboxMessage(
                topic=OutboxMessage.Topic.EMC_TRACKING,
                key=f"{dossier.uuid}:{event.seq}:emc",
                dossier_code=dossier.code or "",
                payload={
                    **common,
                    "uuid": str(dossier.uuid),
                    "emc_status": emc,
                    # What may change later in the dossier's life, as it was at this action.
                    "channel": dossier.channel,
                    "delivery_method": dossier.delivery_method,
                    "paid_online": dossier.paid_online,
                },
            )
        )
    # All in one INSERT: their keys hold the event's seq, new with each event (ADR 0009).
    enqueue_many(rows)


def handover(
    dossier: Dossier,
    *,
    at: datetime,
    kind: str,
    from_user: User | None,
    from_agency: Agency | None,
    to_agency: Agency | None,
    to_role: str = "",
    to_user: User | None = None,
    step: DossierStep | None = None,
    note: str = "",
    step_due: datetime | None = None,
    timing: str | None = None,
) -> Handover:
    """A row of the process-control sheet: who handed the dossier to whom, against which deadline."""
    # The next number computed by the INSERT itself (no read first): the caller holds the row lock.
    last = (
        Handover.objects.filter(dossier_id=dossier.pk).order_by().values("dossier_id").annotate(n=Max("seq"))
    )
    seq = Coalesce(Subquery(last.values("n")), Value(0)) + Value(1)
    if step is not None:
        step_due = step.due_at
        timing = classify_resolution(at, step.due_at) if step.due_at else ""
    return Handover.objects.create(
        dossier=dossier,
        seq=seq,
        at=at,
        kind=kind,
        from_user=from_user,
        from_name=from_user.display_name if from_user else "Hệ thống",
        from_agency=from_agency,
        to_agency=to_agency,
        to_role=to_role,
        to_user=to_user,
        to_name=to_user.display_name if to_user else "",
        step_due=step_due,
        timing=timing or "",
        note=note,
    )
