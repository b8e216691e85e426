"""Every write to the outbox: enqueueing inside the business transaction, the worker's claims and
outcomes, an administrator's retry or cancel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from kernel.errors import DomainError, Forbidden, NotFound
from outbox.delivery import backoff, partner_rest
from outbox.models import OutboxMessage

logger = logging.getLogger("motcua.outbox")


def enqueue(
    *,
    topic: str,
    key: str,
    payload: dict[str, Any],
    dossier_code: str = "",
    available_at: datetime | None = None,
) -> OutboxMessage:
    """Write a message to deliver after the current transaction commits. Must be called inside the
    transaction that makes the change, so that the change and its announcement commit together; the
    same ``key`` twice is stored once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the business transaction")
    message, _created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "topic": topic,
            "payload": payload,
            "dossier_code": dossier_code,
            "available_at": available_at or timezone.now(),
        },
    )
    return message


def enqueue_many(messages: list[OutboxMessage]) -> None:
    """Write several messages (unsaved ``OutboxMessage`` rows) in one INSERT, inside the business
    transaction like ``enqueue``; a ``key`` stored already is skipped (ON CONFLICT DO NOTHING), so
    enqueueing stays idempotent without a read and a savepoint per message."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.enqueue must run inside the business transaction")
    now = timezone.now()
    for message in messages:
        if message.available_at is None:
            message.available_at = now
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)


# ---------------------------------------------------------------------------------------------------
# The worker's writes (outbox/worker.py, docs/adr/0016). Each is one short statement or transaction:
# nothing is held locked while a handler talks to a partner.

Status = OutboxMessage.Status
ERROR_LENGTH = 2000


def lease() -> timedelta:
    return timedelta(seconds=settings.MOTCUA_OUTBOX_LEASE_SECONDS)


def due_messages(*, topics: Sequence[str], now: datetime) -> QuerySet[OutboxMessage]:
    """Pending messages of ``topics`` due at ``now``, not held by a live claim, first in line — no
    earlier message of the same dossier and topic still pending or dead (a message without a dossier
    code waits for nothing) — and of a topic that is not resting: no message of it found its partner
    down less than ``partner_rest()`` ago (``waiting_for_partner``; the partial index holds only
    those). One failed call per rest and worker, rather than one per message, while a partner is
    down."""
    earlier = OutboxMessage.objects.filter(
        dossier_code=OuterRef("dossier_code"),
        topic=OuterRef("topic"),
        pk__lt=OuterRef("pk"),
        status__in=(Status.PENDING, Status.DEAD),
    )
    resting = OutboxMessage.objects.filter(
        topic=OuterRef("topic"), waiting_for_partner=True, last_attempt_at__gt=now - partner_rest()
    )
    return (
        OutboxMessage.objects.filter(status=Status.PENDING, topic__in=list(topics), available_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .filter(Q(dossier_code="") | ~Exists(earlier))
        .filter(~Exists(resting))
        .order_by("pk")
    )


def claim(
    *, worker: str, topics: Sequence[str], limit: int, now: datetime | None = None
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for ``worker`` until the lease runs out, in one short
    transaction. On PostgreSQL the rows are read FOR UPDATE SKIP LOCKED: two workers claiming at once
    get different rows, neither waits for the other; a row claimed and committed by one no longer
    matches the other's conditions when re-checked. On SQLite (one worker) the lock clause is left out
    and the database lock serialises the writers.

    A message found due again with its attempts used up was being delivered by a worker that stopped
    before recording the outcome, as many times as allowed: it goes to the dead letters instead."""
    if not topics or limit <= 0:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(due_messages(topics=topics, now=now).select_for_update(skip_locked=True)[:limit])
        spent = [m for m in rows if m.attempts >= settings.MOTCUA_OUTBOX_MAX_ATTEMPTS]
        claimed = [m for m in rows if m.attempts < settings.MOTCUA_OUTBOX_MAX_ATTEMPTS]
        if spent:
            OutboxMessage.objects.filter(pk__in=[m.pk for m in spent]).update(
                status=Status.DEAD,
                waiting_for_partner=False,
                claimed_by="",
                claimed_until=None,
                last_error="Tiến trình gửi dừng giữa chừng quá số lần cho phép.",
            )
        until = now + lease()
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            claimed_by=worker, claimed_until=until
        )
    for message in claimed:
        message.claimed_by, message.claimed_until = worker, until
    return claimed


def _held(message: OutboxMessage, worker: str) -> QuerySet[OutboxMessage]:
    # Written only while the claim is still this worker's: after a lease ran out and another worker
    # took the message over, or an administrator cancelled it, this worker's outcome is dropped.
    return OutboxMessage.objects.filter(pk=message.pk, claimed_by=worker, status=Status.PENDING)


def start_attempt(*, message: OutboxMessage, worker: str, now: datetime | None = None) -> bool:
    """Count the attempt and renew the lease just before the handler runs; False when the message is
    no longer this worker's to deliver."""
    now = now or timezone.now()
    updated = _held(message, worker).update(
        attempts=F("attempts") + 1, last_attempt_at=now, claimed_until=now + lease()
    )
    if updated:
        message.started_before = message.started_before or message.last_attempt_at is not None
        message.attempts += 1
        message.last_attempt_at = now
    return bool(updated)


def record_delivered(*, message: OutboxMessage, worker: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        _held(message, worker).update(
            status=Status.DELIVERED,
            delivered_at=now,
            claimed_by="",
            claimed_until=None,
            waiting_for_partner=False,
        )
    )


def record_failure(
    *,
    message: OutboxMessage,
    worker: str,
    error: str,
    permanent: bool,
    partner_down: bool = False,
    now: datetime | None = None,
) -> str | None:
    """Record a failed attempt: ``"dead"`` when refused for good or out of attempts, else due again
    after the back-off — ``"waiting"`` when the partner was down (the message then waits for it:
    ``waiting_for_partner``), ``"retried"`` otherwise; None when the message was no longer this
    worker's."""
    now = now or timezone.now()
    dead = permanent or message.attempts >= settings.MOTCUA_OUTBOX_MAX_ATTEMPTS
    waiting = partner_down and not dead
    changes: dict[str, Any] = {
        "claimed_by": "",
        "claimed_until": None,
        "last_error": error[:ERROR_LENGTH],
        "waiting_for_partner": waiting,
    }
    if dead:
        changes["status"] = Status.DEAD
    else:
        changes["available_at"] = now + backoff(message.attempts) * settings.MOTCUA_OUTBOX_BACKOFF_SCALE
    if not _held(message, worker).update(**changes):
        return None
    message.waiting_for_partner = waiting
    if dead:
        return "dead"
    return "waiting" if waiting else "retried"


def release_waiting(*, topic: str, now: datetime | None = None) -> int:
    """The partner of ``topic`` answered again: every message waiting for it is due now, in one UPDATE
    (instead of each after its own back-off, which an outage stretched up to an hour). Order per
    dossier holds: a waiting message is pending, so it is still the head of its queue and goes
    before the messages behind it. How many were released."""
    return OutboxMessage.objects.filter(topic=topic, waiting_for_partner=True, status=Status.PENDING).update(
        waiting_for_partner=False, available_at=now or timezone.now()
    )


def release(*, messages: Sequence[OutboxMessage], worker: str) -> None:
    """Give back claimed messages this worker did not start (it is stopping)."""
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], claimed_by=worker, status=Status.PENDING
    ).update(claimed_by="", claimed_until=None)


# ---------------------------------------------------------------------------------------------------
# An administrator's decisions on a message (the admin's actions call these).


def _for_administrator(message: OutboxMessage, actor: User, now: datetime) -> OutboxMessage:
    if not actor.is_superuser:
        raise Forbidden()
    locked = OutboxMessage.objects.select_for_update().filter(pk=message.pk).first()
    if locked is None:
        raise NotFound("Không tìm thấy tin chờ gửi này.")
    if locked.status not in (Status.PENDING, Status.DEAD):
        raise DomainError(
            "outbox_closed",
            f"Tin đã ở trạng thái “{locked.get_status_display()}”, không thay đổi được.",
            status=409,
        )
    if locked.status == Status.PENDING and locked.claimed_until is not None and locked.claimed_until > now:
        raise DomainError(
            "outbox_in_delivery", "Tin đang được gửi; hãy thử lại sau khi lần gửi này kết thúc.", status=409
        )
    return locked


@transaction.atomic
def message_retry_now(*, message: OutboxMessage, actor: User, now: datetime | None = None) -> OutboxMessage:
    """Send a pending or dead message again at the next pass of the worker, with a fresh count of
    attempts (the last error stays for reference). A dead message released this way lets the later
    messages of its dossier go after it."""
    now = now or timezone.now()
    locked = _for_administrator(message, actor, now)
    locked.status = Status.PENDING
    locked.available_at = now
    locked.attempts = 0
    locked.claimed_by, locked.claimed_until = "", None
    locked.waiting_for_partner = False
    locked.save(
        update_fields=[
            "status",
            "available_at",
            "attempts",
            "claimed_by",
            "claimed_until",
            "waiting_for_partner",
        ]
    )
    logger.info("outbox %s: retry now by %s", locked.key, actor.username)
    return locked


@transaction.atomic
def message_cancel(*, message: OutboxMessage, actor: User, now: datetime | None = None) -> OutboxMessage:
    """Never send a pending or dead message; the later messages of its dossier no longer wait for it."""
    now = now or timezone.now()
    locked = _for_administrator(message, actor, now)
    locked.status = Status.CANCELLED
    locked.claimed_by, locked.claimed_until = "", None
    locked.waiting_for_partner = False
    locked.save(update_fields=["status", "claimed_by", "claimed_until", "waiting_for_partner"])
    logger.info("outbox %s: cancelled by %s", locked.key, actor.username)
    return locked
