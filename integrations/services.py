"""Every write of the integrations' own data: the exchange log, the dossiers the portal accepted, the
reconciliation runs with the portal."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from integrations.models import Exchange, Mismatch, PortalDossier, ReconciliationRun
from outbox.models import OutboxMessage

ANSWER_LENGTH = 2000


def exchange_record(
    *,
    partner: str,
    operation: str,
    at: datetime,
    outcome: str,
    duration_ms: int = 0,
    dossier_code: str = "",
    message: OutboxMessage | None = None,
    code: str = "",
    answer: str = "",
    summary: str = "",
) -> Exchange:
    """Log one call to a partner (after it ended; autocommitted on its own, outside any business
    transaction, so that a failure is logged even when the caller's work is rolled back)."""
    return Exchange.objects.create(
        partner=partner,
        operation=operation,
        at=at,
        outcome=outcome,
        duration_ms=duration_ms,
        dossier_code=dossier_code,
        message=message,
        attempt=message.attempts if message is not None else 0,
        code=code[:40],
        answer=answer[:ANSWER_LENGTH],
        summary=summary[:300],
    )


def exchange_log_prune(*, before: datetime, batch: int = 5000) -> int:
    """Delete the exchange log's lines written before ``before`` (the retention job, jobs/schedule.py),
    ``batch`` at a time, each batch one short statement of its own so that the clients writing the log
    meanwhile never wait long: how many were deleted."""
    deleted = 0
    while True:
        old = Exchange.objects.filter(at__lt=before).order_by("at").values_list("pk", flat=True)[:batch]
        count, _ = Exchange.objects.filter(pk__in=list(old)).delete()
        if not count:
            return deleted
        deleted += count


def portal_dossier_accepted(*, dossier_code: str, at: datetime) -> None:
    """Record that the national portal knows ``dossier_code`` (idempotent: the first time is kept). One
    INSERT that leaves a row already there alone (ON CONFLICT DO NOTHING on the unique code), rather
    than a read, a savepoint and an insert: the sync writes it once per dossier, from the worker."""
    PortalDossier.objects.bulk_create(
        [PortalDossier(dossier_code=dossier_code, accepted_at=at)], ignore_conflicts=True
    )


def reconciliation_start(
    *, kind: str, at: datetime, day: date | None = None, actor: User | None = None
) -> ReconciliationRun:
    """Open a reconciliation run (committed at once: a run that stops short stays visible)."""
    return ReconciliationRun.objects.create(kind=kind, day=day, started_at=at, started_by=actor)


@transaction.atomic
def reconciliation_finish(
    *,
    run: ReconciliationRun,
    at: datetime,
    checked: int,
    mismatches: Sequence[Mismatch],
    error: str = "",
) -> ReconciliationRun:
    """Record what a run found (``mismatches``: unsaved rows of ``run``) and close it."""
    for mismatch in mismatches:
        mismatch.run = run
    Mismatch.objects.bulk_create(mismatches)
    run.finished_at = at
    run.checked = checked
    run.mismatched = len(mismatches)
    run.error = error[:2000]
    run.save(update_fields=["finished_at", "checked", "mismatched", "error"])
    return run


class ExchangeTimer:
    """One call to a partner, timed from its creation; calling it logs the outcome (``exchange_record``)
    with the duration so far. What every client writes around its HTTP call."""

    def __init__(
        self,
        *,
        partner: str,
        operation: str,
        dossier_code: str = "",
        message: OutboxMessage | None = None,
        summary: str = "",
    ) -> None:
        self.partner, self.operation, self.summary = partner, operation, summary
        self.dossier_code, self.message = dossier_code, message
        self.at = timezone.now()
        self.started = time.monotonic()

    def __call__(self, outcome: str, code: str = "", answer: str = "") -> Exchange:
        return exchange_record(
            partner=self.partner,
            operation=self.operation,
            at=self.at,
            outcome=outcome,
            duration_ms=int((time.monotonic() - self.started) * 1000),
            dossier_code=self.dossier_code,
            message=self.message,
            code=code,
            answer=answer,
            summary=self.summary,
        )
