"""How many dossiers reached the national portal (INTEGRATIONS.md "How the portal scores the index": the
sync rate is synced dossiers received in the period over all dossiers received), for the service
index's sync indicator (serviceindex/compute.py) and target 5 (targets/progress.py).

A dossier received in the period is *synced* when the first ``portal.sync`` outbox message bearing its
code (an online dossier's submission, a counter or postal one's reception; for a dossier submitted
before codes were issued at submission, the first message after its code was given: ADR 0021) was
delivered — acknowledged by the portal (outbox status ``delivered``). Counted from the dossiers and the outbox directly, not from
the facts: a delivery happens after the event that the facts count, in the worker's transaction.

Left out of both sides: test dossiers (they count nowhere) and dossiers imported from an older system
(their history was replayed without a sync message: the old system synced them, motcua cannot tell).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from dossiers.models import Dossier
from outbox.models import OutboxMessage
from reports.summary import ReportScope, start_of

WHOLE = ReportScope()


@dataclass(frozen=True)
class SyncCount:
    """Dossiers received in a period that the rate counts, and those of them synced."""

    synced: int = 0
    received: int = 0

    def __add__(self, other: SyncCount) -> SyncCount:
        return SyncCount(self.synced + other.synced, self.received + other.received)


def first_sync() -> Subquery:
    """For a dossier query: the outbox status of the dossier's first ``portal.sync`` message (None
    when it has none)."""
    first = OutboxMessage.objects.filter(
        topic=OutboxMessage.Topic.PORTAL_SYNC, dossier_code=OuterRef("code")
    ).order_by("pk")
    return Subquery(first.values("status")[:1])


def received_with_first_sync(start: date, end: date, scope: ReportScope = WHOLE) -> QuerySet[Dossier]:
    """The dossiers the rate counts (received in [start, end] local dates, not test, not imported),
    each annotated with ``first_sync`` (``first_sync()``)."""
    return Dossier.objects.filter(
        scope.q("handling_agency"),
        received_at__gte=start_of(start),
        received_at__lt=start_of(end + timedelta(days=1)),
        is_test=False,
        imported=False,
    ).annotate(first_sync=first_sync())


def sync_counts(start: date, end: date, scope: ReportScope = WHOLE) -> dict[int, SyncCount]:
    """Per handling agency (id), the dossiers received in [start, end] and those synced."""
    rows = (
        received_with_first_sync(start, end, scope)
        .values("handling_agency_id")
        .annotate(
            received=Count("pk"),
            synced=Count("pk", filter=Q(first_sync=OutboxMessage.Status.DELIVERED)),
        )
        .order_by()
    )
    found: dict[int, SyncCount] = defaultdict(SyncCount)
    for row in rows:
        found[row["handling_agency_id"]] = SyncCount(row["synced"], row["received"])
    return dict(found)
