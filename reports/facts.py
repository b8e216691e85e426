"""Incremental maintenance of the report facts (``reports.models.Fact``).

Every dossier event is turned into counter increments on local days by ``event_deltas`` (pure), then
written to the day, month and year rows of the dossier's key by one upsert in the event's transaction
(``apply``). ``manage.py rebuild_facts`` replays the history through the same function.

What a day's counters mean, for the period semantics of the reports (a local day X is the half-open
interval [00:00 of X, 00:00 of X+1); "at the end of X" means after every event before 00:00 of X+1):

* ``received``: reception instant on X; ``resolved_*``: resolution on X, by timing; ``stopped``: stop
  on X; ``pending_delta``: +1 on the reception day, −1 on the day it was resolved or stopped, so the
  dossiers pending at the end of X are the sum of the deltas up to X.
* ``overdue_delta``: a dossier counts as overdue at the end of X when its clock is running then and
  its due instant is before the end of X (``dossiers.selectors.progress_at``). Each spell of running
  clock [C, S) with due D counts on the days from local(max(C, D)) to the day before local(S): +1 on
  the first day when the spell opens, −1 on max(first day, local(S)) when it closes.
* ``digitized``, ``reused``, ``paid_online`` count the dossier's flags on its reception day;
  ``e_results`` the electronic result, ``rated`` / ``satisfied`` the applicant's rating on its
  resolution day. A flag that changes later moves the count
  (``apply_flags``), so the counts always equal the current flags of the dossiers.

Test dossiers (``Dossier.is_test``: filed with an agency or a procedure in test mode) write no fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection

from dossiers import events
from dossiers.actions.clock import clock_move
from dossiers.transitions import BEFORE_RECEPTION, PENDING, Status
from kernel.time import local_date
from reports.models import COUNTERS, SATISFIED_RATING, Fact

if TYPE_CHECKING:
    from dossiers.models import Dossier

FLAG_COUNTERS = ("digitized", "reused", "paid_online")
TIMING_COUNTER = {"early": "resolved_early", "on_time": "resolved_on_time", "late": "resolved_late"}


@dataclass(frozen=True, order=True)
class FactKey:
    agency_id: int
    procedure_id: int
    field_ref: int
    channel: str


@dataclass(frozen=True)
class Flags:
    digitized: bool = False
    reused: bool = False
    paid_online: bool = False
    e_result: bool = False
    rating: int | None = None

    def resolution_counters(self) -> dict[str, int]:
        """What the flags add on the resolution day."""
        return {
            "e_results": int(self.e_result),
            "rated": int(self.rating is not None),
            "satisfied": int(self.rating is not None and self.rating >= SATISFIED_RATING),
        }


@dataclass(frozen=True)
class EventFacts:
    """What ``event_deltas`` needs of one event and of the dossier right after it."""

    action: str
    at: datetime
    from_status: str
    to_status: str
    due_before: datetime | None
    due_after: datetime | None
    running_since: datetime | None  # when the clock last started running (before this event)
    received_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    timing: str
    flags: Flags


@dataclass
class Deltas:
    """Counter increments per local day."""

    days: dict[date, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, day: date, **counters: int) -> None:
        for name, n in counters.items():
            if n:
                self.days[day][name] += n

    def __bool__(self) -> bool:
        return any(any(c.values()) for c in self.days.values())


@dataclass(frozen=True)
class Outcome:
    deltas: Deltas
    # The new value of "clock running since" (None when it stops), or ``UNCHANGED``.
    running_since: datetime | object | None


UNCHANGED = object()


def event_deltas(event: EventFacts) -> Outcome:
    deltas = Deltas()
    source, target = Status(event.from_status or Status.DRAFT), Status(event.to_status)
    if source in BEFORE_RECEPTION and target in PENDING:
        assert event.received_at is not None
        deltas.add(
            local_date(event.received_at),
            received=1,
            pending_delta=1,
            **{flag: int(getattr(event.flags, flag)) for flag in FLAG_COUNTERS},
        )
    if source in PENDING and target is Status.RESOLVED:
        assert event.resolved_at is not None
        deltas.add(
            local_date(event.resolved_at),
            pending_delta=-1,
            **event.flags.resolution_counters(),
            **{TIMING_COUNTER[event.timing]: 1},
        )
    if source in PENDING and target is Status.STOPPED:
        assert event.closed_at is not None
        deltas.add(local_date(event.closed_at), stopped=1, pending_delta=-1)
    if event.action == "request_supplement":
        deltas.add(local_date(event.at), supplement_requests=1)

    move = clock_move(event.from_status, event.to_status, event.due_before, event.due_after)
    due_old = move.due_old
    since: datetime | object | None = UNCHANGED
    if move.closes and due_old is not None:
        started = max(event.running_since, due_old) if event.running_since else due_old
        first = local_date(started)
        deltas.add(max(first, local_date(event.at)), overdue_delta=-1)
        since = None
    if move.opens and event.due_after is not None:
        deltas.add(local_date(max(event.at, event.due_after)), overdue_delta=1)
        since = event.at
    return Outcome(deltas, since)


def flag_deltas(
    before: Flags, after: Flags, *, received_at: datetime | None, resolved_at: datetime | None
) -> Deltas:
    """Moves of the flag counts when a dossier's flags change after reception or resolution."""
    deltas = Deltas()
    if received_at is not None:
        for flag in FLAG_COUNTERS:
            change = int(getattr(after, flag)) - int(getattr(before, flag))
            deltas.add(local_date(received_at), **{flag: change})
    if resolved_at is not None:
        new, old = after.resolution_counters(), before.resolution_counters()
        deltas.add(local_date(resolved_at), **{name: new[name] - old[name] for name in new})
    return deltas


# ---------------------------------------------------------------------------------------------
# Writing


def grain_periods(day: date) -> tuple[tuple[str, date], ...]:
    return (
        (Fact.Grain.DAY.value, day),
        (Fact.Grain.MONTH.value, day.replace(day=1)),
        (Fact.Grain.YEAR.value, day.replace(month=1, day=1)),
    )


def rows_for(key: FactKey, deltas: Deltas) -> dict[tuple[str, date, FactKey], dict[str, int]]:
    rows: dict[tuple[str, date, FactKey], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, counters in deltas.days.items():
        for grain, period in grain_periods(day):
            row = rows[(grain, period, key)]
            for name, n in counters.items():
                row[name] += n
    return rows


def upsert(rows: Mapping[tuple[str, date, FactKey], Mapping[str, int]]) -> None:
    """Add the counters to their rows, creating them as needed: one statement, rows in key order so
    that concurrent transactions lock them in the same order."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Fact._meta.db_table)
    key_columns = ["grain", "period", "agency_id", "procedure_id", "field_ref", "channel"]
    columns = [*key_columns, *COUNTERS]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params: list[Any] = []
    ordered = sorted(rows.items(), key=lambda item: (item[0][0], item[0][1], item[0][2]))
    for (grain, period, key), counters in ordered:
        params += [grain, period, key.agency_id, key.procedure_id, key.field_ref, key.channel]
        params += [counters.get(name, 0) for name in COUNTERS]
    updates = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COUNTERS)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES {', '.join([placeholders] * len(ordered))} "
        f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def key_of(dossier: Dossier) -> FactKey:
    return FactKey(
        agency_id=dossier.handling_agency_id,
        procedure_id=dossier.procedure_id,
        field_ref=dossier.version.field_id or 0,
        channel=dossier.channel,
    )


def flags_of(dossier: Dossier) -> Flags:
    return Flags(**events.flags_of(dossier))


def apply_event(
    dossier: Dossier,
    *,
    action: str,
    at: datetime,
    from_status: str,
    due_before: datetime | None,
    running_since_before: datetime | None,
) -> None:
    """For every dossier event, after the dossier row is saved, inside the event's transaction (the
    dossier row is locked). The dossier keeps its own clock columns (``clock_running_since`` included,
    ``dossiers.actions.clock``); the facts only count. A test dossier counts nowhere."""
    if dossier.is_test:
        return
    outcome = event_deltas(
        EventFacts(
            action=action,
            at=at,
            from_status=from_status,
            to_status=dossier.status,
            due_before=due_before,
            due_after=dossier.due_at,
            running_since=running_since_before,
            received_at=dossier.received_at,
            resolved_at=dossier.resolved_at,
            closed_at=dossier.closed_at,
            timing=dossier.resolution_timing,
            flags=flags_of(dossier),
        )
    )
    if outcome.deltas:
        upsert(rows_for(key_of(dossier), outcome.deltas))


def apply_flags(dossier: Dossier, before: Flags) -> None:
    """Called after a dossier's flags were saved (dossier row locked)."""
    if dossier.status in BEFORE_RECEPTION or dossier.is_test:
        return
    deltas = flag_deltas(
        before, flags_of(dossier), received_at=dossier.received_at, resolved_at=dossier.resolved_at
    )
    if deltas:
        upsert(rows_for(key_of(dossier), deltas))


def on_event_recorded(
    sender: Any,
    *,
    dossier: Dossier,
    event: Any,
    due_before: datetime | None,
    running_since_before: datetime | None,
    **kwargs: Any,
) -> None:
    """Subscribed to ``dossiers.events.event_recorded`` (``reports.apps``)."""
    apply_event(
        dossier,
        action=event.action,
        at=event.at,
        from_status=event.from_status,
        due_before=due_before,
        running_since_before=running_since_before,
    )


def on_flags_changed(sender: Any, *, dossier: Dossier, before: dict[str, Any], **kwargs: Any) -> None:
    """Subscribed to ``dossiers.events.flags_changed`` (``reports.apps``)."""
    apply_flags(dossier, Flags(**before))


def merge(into: dict[tuple[str, date, FactKey], dict[str, int]], rows: Iterable) -> None:
    for row_key, counters in rows:
        target = into.setdefault(row_key, defaultdict(int))
        for name, n in counters.items():
            target[name] += n
