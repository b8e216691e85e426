"""Enqueue messages inside the business transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage


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
