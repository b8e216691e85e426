"""Reconciliation with the national portal (issue 13 §2): ask ``TraCuuHoSo`` what the portal holds for
some of our dossiers and record those it does not know or shows in another status. To confirm with the
operator's current documents (the look-up's shape is INTEGRATIONS.md's).

- ``reconcile_day(day)``: the nightly run (``manage.py reconcile_portal [--date]``) over the day's
  dossiers — those with a ``portal.sync`` message written on that local day, i.e. every dossier
  received or changed that day. Their status *now* is compared with the portal's now.
- ``reconcile_dossiers(dossiers)``: the same look-up for a chosen set (``reconcile_portal --overdue``).
- ``overdue_check_request(actor, at)``: a monitor's check of the overdue dossiers they monitor, queued as a
  background task (``overdue_check``, run by ``manage.py run_tasks``): the page answers at once and shows
  the run in progress; while one of the monitor's checks is queued or running, asking again starts none.

Dossiers imported from an older system are left out (motcua never synced them). A mismatch of a
dossier whose sync messages are not all delivered is marked ``waiting``: the portal lags behind the
worker, which is expected until the queue drains, and tells apart from a real divergence.

The codes are asked in batches per handling agency (``madonvi``); a batch the portal refuses is named
in the run's error and the others go on; the portal unreachable stops the run with what was found so
far.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from dossiers.models import Dossier
from dossiers.selectors import overdue_q
from integrations.dvcqg.client import (
    PORTAL_OFF,
    PortalClient,
    PortalRefused,
    PortalUnavailable,
    portal_client,
)
from integrations.dvcqg.payloads import portal_status
from integrations.dvcqg.sync import lookup_many
from integrations.models import Mismatch, ReconciliationRun
from integrations.selectors import monitored_dossiers
from integrations.services import reconciliation_finish, reconciliation_start
from outbox.models import OutboxMessage
from worktime.calendar import VN_TZ

BATCH = 50  # codes per TraCuuHoSo call
OVERDUE_LIMIT = 2000  # dossiers a monitor's check looks up at most (the most overdue first)
# A check not finished after this long was interrupted (its worker stopped) or never ran (no worker): it is
# closed with that reason when the monitor asks again.
OVERDUE_STALE = timedelta(minutes=30)
INTERRUPTED = (
    "Lượt đối chiếu không xong sau 30 phút (tiến trình chạy nền dừng giữa chừng hoặc không chạy); "
    "đã đóng để đối chiếu lại."
)


@dataclass(frozen=True)
class Ours:
    """What we hold for a dossier looked up: its portal status, its handling agency, and whether some
    of its sync messages are not delivered yet."""

    status: int
    agency_id: int
    madonvi: str
    waiting: bool


def compare(ours: Mapping[str, Ours], theirs: Mapping[str, int | None]) -> list[Mismatch]:
    """The mismatches (unsaved) between our statuses and the portal's, by code: a code missing from
    ``theirs`` or None there is unknown to the portal. Pure: no database, no network."""
    found = []
    for code in sorted(ours):
        mine, portal = ours[code], theirs.get(code)
        if portal is not None and portal == mine.status:
            continue
        found.append(
            Mismatch(
                dossier_code=code,
                handling_agency_id=mine.agency_id,
                kind=Mismatch.Kind.UNKNOWN if portal is None else Mismatch.Kind.STATUS,
                ours=mine.status,
                theirs=portal,
                waiting=mine.waiting,
            )
        )
    return found


def _status_of(item: dict[str, Any]) -> int | None:
    try:
        return int(str(item.get("TrangThaiHoSo")).strip())
    except ValueError:
        return None


def look_up(
    client: PortalClient, ours: Mapping[str, Ours]
) -> tuple[dict[str, int | None], set[str], list[str]]:
    """Ask the portal for every code of ``ours``: (status per code it knows, codes of the batches it
    answered, errors). A refused batch is skipped; ``PortalUnavailable`` stops the look-up."""
    by_agency: dict[str, list[str]] = defaultdict(list)
    for code, mine in sorted(ours.items()):
        by_agency[mine.madonvi].append(code)
    theirs: dict[str, int | None] = {}
    answered: set[str] = set()
    errors: list[str] = []
    for madonvi, codes in sorted(by_agency.items()):
        for start in range(0, len(codes), BATCH):
            batch = codes[start : start + BATCH]
            try:
                found = lookup_many(
                    client, madonvi=madonvi, codes=batch, dossier_code=batch[0] if len(batch) == 1 else ""
                )
            except PortalUnavailable as exc:
                errors.append(f"Cổng DVCQG không trả lời: {exc}")
                return theirs, answered, errors
            except PortalRefused as exc:
                errors.append(
                    f"Cổng DVCQG từ chối tra cứu {len(batch)} hồ sơ của {madonvi} (mã {exc.code}): {exc.message}"
                )
                continue
            answered.update(batch)
            theirs.update({code: _status_of(item) for code, item in found.items()})
    return theirs, answered, errors


def ours_of(dossiers: QuerySet[Dossier]) -> dict[str, Ours]:
    """What we hold for ``dossiers`` (coded, not imported), read in two statements."""
    rows = list(
        dossiers.exclude(code=None)
        .filter(imported=False)
        .values_list("code", "status", "handling_agency_id", "handling_agency__code")
    )
    codes = [str(row[0]) for row in rows]
    waiting = set(
        OutboxMessage.objects.filter(
            topic=OutboxMessage.Topic.PORTAL_SYNC,
            dossier_code__in=codes,
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.DEAD],
        ).values_list("dossier_code", flat=True)
    )
    return {
        str(code): Ours(portal_status(status), agency_id, madonvi, code in waiting)
        for code, status, agency_id, madonvi in rows
    }


def _run(
    kind: str,
    dossiers: QuerySet[Dossier],
    *,
    day: date | None,
    actor: User | None,
    client: PortalClient | None,
) -> ReconciliationRun:
    run = reconciliation_start(kind=kind, at=timezone.now(), day=day, actor=actor)
    return _look_up_for(run, dossiers, client)


def _look_up_for(
    run: ReconciliationRun, dossiers: QuerySet[Dossier], client: PortalClient | None
) -> ReconciliationRun:
    client = client or portal_client()
    if client is None:
        return reconciliation_finish(run=run, at=timezone.now(), checked=0, mismatches=[], error=PORTAL_OFF)
    ours = ours_of(dossiers)
    theirs, answered, errors = look_up(client, ours)
    # Only the codes of answered batches prove anything: an unanswered one is in the run's error.
    looked = {code: mine for code, mine in ours.items() if code in answered}
    return reconciliation_finish(
        run=run,
        at=timezone.now(),
        checked=len(looked),
        mismatches=compare(looked, theirs),
        error="\n".join(errors),
    )


def day_dossiers(day: date) -> QuerySet[Dossier]:
    """The dossiers with a ``portal.sync`` message written on ``day`` (local date)."""
    start = datetime.combine(day, time.min, tzinfo=VN_TZ)
    codes = OutboxMessage.objects.filter(
        topic=OutboxMessage.Topic.PORTAL_SYNC,
        created_at__gte=start,
        created_at__lt=start + timedelta(days=1),
    ).exclude(dossier_code="")
    return Dossier.objects.filter(code__in=codes.values("dossier_code"))


def reconcile_day(
    day: date, *, actor: User | None = None, client: PortalClient | None = None
) -> ReconciliationRun:
    """The nightly run over ``day``'s dossiers (see the module's docstring)."""
    return _run(ReconciliationRun.Kind.DAILY, day_dossiers(day), day=day, actor=actor, client=client)


def reconcile_dossiers(
    dossiers: QuerySet[Dossier],
    *,
    kind: str = ReconciliationRun.Kind.OVERDUE,
    actor: User | None = None,
    client: PortalClient | None = None,
) -> ReconciliationRun:
    """The same look-up for ``dossiers`` (at most ``OVERDUE_LIMIT`` of them, the earliest due first)."""
    return _run(kind, _most_overdue(dossiers), day=timezone.localdate(), actor=actor, client=client)


def _most_overdue(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return Dossier.objects.filter(pk__in=dossiers.order_by("due_at", "pk").values("pk")[:OVERDUE_LIMIT])


def overdue_check_request(*, actor: User, at: datetime) -> tuple[ReconciliationRun, bool]:
    """Queue a check of the overdue dossiers ``actor`` monitors — its run and its task, one transaction —
    unless one of their checks is queued or running: (that run, True when queued now). A check left
    unfinished for ``OVERDUE_STALE`` is closed as interrupted first. A unique constraint on the open
    runs keeps two requests at once (a double click) from queueing two."""
    open_runs = ReconciliationRun.objects.filter(
        kind=ReconciliationRun.Kind.OVERDUE, started_by=actor, finished_at__isnull=True
    )
    open_runs.filter(started_at__lt=at - OVERDUE_STALE).update(finished_at=at, error=INTERRUPTED)
    running = open_runs.order_by("-started_at").first()
    if running is not None:
        return running, False
    try:
        with transaction.atomic():
            run = reconciliation_start(
                kind=ReconciliationRun.Kind.OVERDUE, at=at, day=timezone.localdate(at), actor=actor
            )
            overdue_check.enqueue(run.pk)
    except IntegrityError:
        # Another request of the monitor's queued one in between (the constraint): that one answers.
        mine = ReconciliationRun.objects.filter(kind=ReconciliationRun.Kind.OVERDUE, started_by=actor)
        return mine.latest("started_at", "pk"), False
    return run, True


@task()
def overdue_check(run_id: int) -> int:
    """The background task of a monitor's check: the overdue dossiers they monitor now, looked up into the
    queued run (a run closed meanwhile is left alone). Anything unexpected closes the run with the reason."""
    run = ReconciliationRun.objects.select_related("started_by").get(pk=run_id)
    if run.finished_at is not None or run.started_by is None:
        return run.pk
    overdue = monitored_dossiers(run.started_by).filter(overdue_q(timezone.now()))
    try:
        return _look_up_for(run, _most_overdue(overdue), None).pk
    except Exception as exc:
        reconciliation_finish(
            run=run, at=timezone.now(), checked=0, mismatches=[], error=f"Lỗi khi đối chiếu: {exc}"
        )
        raise
