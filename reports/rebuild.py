"""Recompute every fact from the recorded history (``manage.py rebuild_facts``): after a migration
from a system without facts, or to repair. Replays each dossier's events through the same
``event_deltas`` the services use, one handling agency at a time (facts of different agencies never
share a row), and swaps the agency's rows in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from dossiers.models import Dossier, DossierEvent
from organization.models import Agency
from reports.facts import UNCHANGED, EventFacts, FactKey, Flags, event_deltas, merge, rows_for
from reports.models import COUNTERS, Fact

BATCH = 5000


@dataclass(frozen=True)
class _DossierRow:
    pk: int
    key: FactKey
    received_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    timing: str
    flags: Flags


def _dossiers(agency_id: int) -> Iterator[_DossierRow]:
    rows = (
        Dossier.objects.filter(handling_agency_id=agency_id, received_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "procedure_id",
            "version__field_id",
            "channel",
            "received_at",
            "resolved_at",
            "closed_at",
            "resolution_timing",
            "digitized",
            "reused",
            "paid_online",
            "e_result",
            "rating",
        )
    )
    for (
        pk,
        procedure,
        field,
        channel,
        received,
        resolved,
        closed,
        timing,
        dig,
        reu,
        paid,
        e_res,
        rating,
    ) in rows.iterator(chunk_size=BATCH):
        yield _DossierRow(
            pk=pk,
            key=FactKey(agency_id=agency_id, procedure_id=procedure, field_ref=field or 0, channel=channel),
            received_at=received,
            resolved_at=resolved,
            closed_at=closed,
            timing=timing,
            flags=Flags(digitized=dig, reused=reu, paid_online=paid, e_result=e_res, rating=rating),
        )


def _events(
    agency_id: int,
) -> Iterator[tuple[int, str, datetime, str, str, datetime | None, datetime | None]]:
    return (
        DossierEvent.objects.filter(dossier__handling_agency_id=agency_id, dossier__received_at__isnull=False)
        .order_by("dossier_id", "seq")
        .values_list("dossier_id", "action", "at", "from_status", "to_status", "due_before", "due_after")
        .iterator(chunk_size=BATCH)
    )


def rebuild_agency(agency_id: int) -> tuple[int, int, list[tuple[int, datetime | None]]]:
    """The fact rows of one agency; returns (dossiers, rows, [(dossier, running since)])."""
    rows: dict[tuple[str, date, FactKey], dict[str, int]] = {}
    running: list[tuple[int, datetime | None]] = []
    events = _events(agency_id)
    pending_event = next(events, None)
    count = 0
    for dossier in _dossiers(agency_id):
        count += 1
        since: datetime | None = None
        while pending_event is not None and pending_event[0] < dossier.pk:
            pending_event = next(events, None)
        while pending_event is not None and pending_event[0] == dossier.pk:
            _pk, action, at, from_status, to_status, due_before, due_after = pending_event
            outcome = event_deltas(
                EventFacts(
                    action=action,
                    at=at,
                    from_status=from_status,
                    to_status=to_status,
                    due_before=due_before,
                    due_after=due_after,
                    running_since=since,
                    received_at=dossier.received_at,
                    resolved_at=dossier.resolved_at,
                    closed_at=dossier.closed_at,
                    timing=dossier.timing,
                    flags=dossier.flags,
                )
            )
            if outcome.running_since is not UNCHANGED:
                since = outcome.running_since  # type: ignore[assignment]
            merge(rows, rows_for(dossier.key, outcome.deltas).items())
            pending_event = next(events, None)
        running.append((dossier.pk, since))
    with transaction.atomic():
        Fact.objects.filter(agency_id=agency_id).delete()
        Fact.objects.bulk_create(
            (
                Fact(
                    grain=grain,
                    period=period,
                    agency_id=key.agency_id,
                    procedure_id=key.procedure_id,
                    field_ref=key.field_ref,
                    channel=key.channel,
                    **{name: counters.get(name, 0) for name in COUNTERS},
                )
                for (grain, period, key), counters in rows.items()
                if any(counters.values())
            ),
            batch_size=BATCH,
        )
        Dossier.objects.filter(handling_agency_id=agency_id, clock_running_since__isnull=False).update(
            clock_running_since=None
        )
        open_spells = [
            Dossier(pk=pk, clock_running_since=since) for pk, since in running if since is not None
        ]
        Dossier.objects.bulk_update(open_spells, ["clock_running_since"], batch_size=BATCH)
    return count, len(rows), running


def rebuild_facts(progress: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Rebuild all facts; returns (dossiers, fact rows)."""
    agency_ids = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        Fact.objects.exclude(agency_id__in=agency_ids).delete()
    dossiers = rows = 0
    for n, agency_id in enumerate(agency_ids, 1):
        d, r, _running = rebuild_agency(agency_id)
        dossiers += d
        rows += r
        if progress and d:
            progress(f"{n}/{len(agency_ids)} cơ quan — {dossiers:,} hồ sơ, {rows:,} dòng số liệu")
    return dossiers, rows
