"""Recompute every fact from the recorded history (``manage.py rebuild_facts``): after a migration
from a system without facts, or to repair. Replays each dossier's events, in order, through the same
``event_deltas`` the services use.

The history is read in ranges of dossier ids (the dossiers of a range, then their events, by index), so
memory stays bounded whatever its size: the increments are summed per (key, local day) and, every
``STAGE_ROWS`` entries, written with their month and year sums to a temporary staging table. At the end
the day, month and year rows are summed from it and swapped for the old facts in one transaction:
reports read the old facts until the commit. Increments the services write while a rebuild runs are
lost with the old rows, so rebuild when no dossier is being handled (10 million dossiers: minutes,
``bench/report_facts.py``).
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import Max, Min, QuerySet

from dossiers.actions.clock import running_since_restore
from dossiers.models import Dossier, DossierEvent
from reports.facts import UNCHANGED, EventFacts, FactKey, Flags, event_deltas
from reports.models import COUNTERS, Fact

RANGE = 20_000  # dossier ids per read
STAGE_ROWS = 200_000  # (key, day) entries held in memory before they are staged
STAGE = "reports_fact_stage"
KEY_COLUMNS = ("grain", "period", "agency_id", "procedure_id", "field_ref", "channel")
DOSSIER_FIELDS = (
    "pk",
    "handling_agency_id",
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
    "clock_running_since",
    "is_test",
)
EVENT_FIELDS = ("dossier_id", "action", "at", "from_status", "to_status", "due_before", "due_after")

DayRows = dict[tuple[FactKey, date], dict[str, int]]


def _replay(
    dossiers: Iterable[tuple[Any, ...]], events: Iterable[tuple[Any, ...]], days: DayRows
) -> tuple[int, list[tuple[int, datetime | None]]]:
    """Add the increments of ``dossiers`` (``DOSSIER_FIELDS`` rows in pk order) from their ``events``
    (``EVENT_FIELDS`` rows in (dossier, seq) order) to ``days``; returns the number of dossiers and the
    (dossier, clock running since) that differ from the stored value."""
    stream = iter(events)
    event = next(stream, None)
    count = 0
    changed: list[tuple[int, datetime | None]] = []
    for (
        pk,
        agency,
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
        stored_since,
        is_test,
    ) in dossiers:
        count += 1
        key = FactKey(agency_id=agency, procedure_id=procedure, field_ref=field or 0, channel=channel)
        flags = Flags(digitized=dig, reused=reu, paid_online=paid, e_result=e_res, rating=rating)
        since: datetime | None = None
        while event is not None and event[0] < pk:
            event = next(stream, None)
        while event is not None and event[0] == pk:
            _pk, action, at, from_status, to_status, due_before, due_after = event
            outcome = event_deltas(
                EventFacts(
                    action=action,
                    at=at,
                    from_status=from_status,
                    to_status=to_status,
                    due_before=due_before,
                    due_after=due_after,
                    running_since=since,
                    received_at=received,
                    resolved_at=resolved,
                    closed_at=closed,
                    timing=timing,
                    flags=flags,
                )
            )
            if outcome.running_since is not UNCHANGED:
                since = outcome.running_since  # type: ignore[assignment]
            if is_test:  # its clock is replayed, its facts are not written (reports/facts.py)
                event = next(stream, None)
                continue
            for day, counters in outcome.deltas.days.items():
                row = days.get((key, day))
                if row is None:
                    row = days[(key, day)] = defaultdict(int)
                for name, n in counters.items():
                    row[name] += n
            event = next(stream, None)
        if since != stored_since:
            changed.append((pk, since))
    return count, changed


def _rows(queryset: QuerySet) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset. On PostgreSQL, instants are parsed by psycopg's C loader:
    Django registers a pure-Python one (it fixes the time zone), 8× slower, and a rebuild reads tens of
    millions of instants (the session time zone is UTC, so the values are the same)."""
    if connection.vendor != "postgresql":
        return list(queryset)
    from psycopg import postgres
    from psycopg.pq import Format

    statement, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.adapters.register_loader(
            "timestamptz", postgres.adapters.get_loader(postgres.types["timestamptz"].oid, Format.TEXT)
        )
        raw.execute(statement, params)
        return raw.fetchall()


def _stage_create() -> None:
    counters = ", ".join(f"{name} integer NOT NULL" for name in COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (grain varchar(1) NOT NULL, period date NOT NULL, "
            f"agency_id bigint NOT NULL, procedure_id bigint NOT NULL, field_ref integer NOT NULL, "
            f"channel varchar(10) NOT NULL, {counters})"
        )


def _stage(days: DayRows) -> None:
    """Write the day entries with their month and year sums to the staging table."""
    rows: dict[tuple[str, date, FactKey], dict[str, int]] = {}
    for (key, day), counters in days.items():
        rows[(Fact.Grain.DAY.value, day, key)] = counters
        for grain, period in (
            (Fact.Grain.MONTH.value, day.replace(day=1)),
            (Fact.Grain.YEAR.value, day.replace(month=1, day=1)),
        ):
            target = rows.get((grain, period, key))
            if target is None:
                target = rows[(grain, period, key)] = defaultdict(int)
            for name, n in counters.items():
                target[name] += n
    values: list[tuple[Any, ...]] = [
        (grain, period, k.agency_id, k.procedure_id, k.field_ref, k.channel, *(c.get(n, 0) for n in COUNTERS))
        for (grain, period, k), c in rows.items()
    ]
    columns = (*KEY_COLUMNS, *COUNTERS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {STAGE} ({', '.join(columns)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {STAGE} ({', '.join(columns)}) VALUES ({marks})",
                values,
            )
    days.clear()


def _swap() -> int:
    """Replace the facts by the sums of the staged rows (rows whose counters all cancel out are left
    out), in key order: the rows a report reads (a grain and a range of periods) are then on few pages.
    Returns the number of rows."""
    quote = connection.ops.quote_name
    keys = ", ".join(KEY_COLUMNS)
    sums = ", ".join(f"SUM({name})" for name in COUNTERS)
    nonzero = " OR ".join(f"SUM({name}) <> 0" for name in COUNTERS)
    Fact.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Fact._meta.db_table)} ({keys}, {', '.join(COUNTERS)}) "
            f"SELECT {keys}, {sums} FROM {STAGE} GROUP BY {keys} HAVING {nonzero} ORDER BY {keys}"
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
    return inserted


def _replay_range(bounds: tuple[int, int]) -> tuple[int, list[tuple[int, datetime | None]], list[Any]]:
    """Replay the dossiers whose id is in [start, end): (dossiers, changed spells, day entries)."""
    start, end = bounds
    days: DayRows = {}
    count, changed = _replay(
        _rows(
            Dossier.objects.filter(pk__gte=start, pk__lt=end, received_at__isnull=False)
            .order_by("pk")
            .values_list(*DOSSIER_FIELDS)
        ),
        _rows(
            DossierEvent.objects.filter(dossier_id__gte=start, dossier_id__lt=end)
            .order_by("dossier_id", "seq")
            .values_list(*EVENT_FIELDS)
        ),
        days,
    )
    return count, changed, list(days.items())


def rebuild_facts(progress: Callable[[str], None] | None = None, *, workers: int = 1) -> tuple[int, int]:
    """Rebuild all facts and the dossiers' "clock running since"; returns (dossiers, fact rows).

    ``workers`` > 1 replays the ranges in that many forked processes (PostgreSQL, outside a
    transaction: the open connections are closed first, each process opens its own)."""
    bounds = Dossier.objects.aggregate(first=Min("pk"), last=Max("pk"))
    first, last = bounds["first"] or 0, bounds["last"] or -1
    ranges = [(start, start + RANGE) for start in range(first, last + 1, RANGE)]
    pool = None
    if (
        workers > 1
        and len(ranges) > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    ):
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(workers)
        results: Iterator[Any] = pool.imap(_replay_range, ranges)
    else:
        results = map(_replay_range, ranges)
    days: DayRows = {}
    changed: list[tuple[int, datetime | None]] = []
    dossiers = 0
    failed = True
    try:
        _stage_create()
        for (_start, end), (count, spells, entries) in zip(ranges, results, strict=True):
            for entry, counters in entries:
                row = days.get(entry)
                if row is None:
                    days[entry] = counters
                else:
                    for name, n in counters.items():
                        row[name] += n
            dossiers += count
            changed += spells
            if len(days) >= STAGE_ROWS:
                _stage(days)
            if progress and count:
                progress(f"hồ sơ đến mã {min(end, last + 1) - 1:,}: {dossiers:,} hồ sơ đã tính")
        failed = False
    finally:
        if pool is not None:
            if failed:
                pool.terminate()
            else:
                pool.close()
            pool.join()
    _stage(days)
    with transaction.atomic():
        rows = _swap()
        running_since_restore(changed)
    return dossiers, rows
