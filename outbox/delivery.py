"""Who delivers each topic, and how long to wait before trying a message again (docs/adr/0016).

A handler takes an ``OutboxMessage`` and either returns (delivered) or raises ``Retry`` (a temporary
failure), ``PartnerDown`` (the kind of ``Retry`` that says the partner itself cannot be reached: the
connection refused, a time-out, an HTTP 5xx) or ``Refused`` (the partner said no; trying again would
not help). Anything else it raises counts as a temporary failure. A message that failed with
``PartnerDown`` waits for the partner: its topic rests, and the first delivery that reaches the partner
again makes every message waiting for it due at once (outbox/worker.py, docs/adr/0016). The adapters of the partners register
their handlers when they come (issue 13); until then a topic without a handler is left alone: its
messages are neither attempted nor failed.

Handlers must be idempotent: a worker that stops after the partner accepted a message but before the
delivery was recorded leaves the message to be sent again (INTEGRATIONS: at-least-once on the wire,
exactly-once in effect through the message's ``key`` or the partner's own identifiers).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from outbox.models import OutboxMessage

Handler = Callable[["OutboxMessage"], None]

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
JITTER = 0.2  # ± this share of the delay, so that messages failed together do not return together


class DeliveryError(Exception):
    """A failed delivery; ``reason`` is kept as the message's last error."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Retry(DeliveryError):
    """Temporary: try again later (time-out, partner unavailable, expired session)."""


class PartnerDown(Retry):
    """Temporary, and not the message's fault: the partner could not be reached at all (the connection
    refused or closed unanswered, a time-out, an HTTP 5xx). The message waits for the partner
    (``OutboxMessage.waiting_for_partner``) instead of every message of the topic hammering it; a
    partner that answered — even to refuse — is never ``PartnerDown``."""


class Refused(DeliveryError):
    """Permanent: the partner refused the message; it goes to the dead letters."""


_handlers: dict[str, Handler] = {}


def register(topic: str, handler: Handler) -> None:
    """Make ``handler`` the one delivering ``topic`` (replacing any before it)."""
    _handlers[topic] = handler


def unregister(topic: str) -> None:
    _handlers.pop(topic, None)


def handler_for(topic: str) -> Handler | None:
    return _handlers.get(topic)


def registered_topics() -> list[str]:
    return sorted(_handlers)


def handlers() -> dict[str, Handler]:
    """A copy of the registry (tests save and restore it)."""
    return dict(_handlers)


def replace_handlers(table: dict[str, Handler]) -> None:
    _handlers.clear()
    _handlers.update(table)


def partner_rest() -> timedelta:
    """How long a topic rests after a delivery found its partner down: no message of it is claimed
    until then unless the partner came back (the first back-off, on the back-off's scale)."""
    return BACKOFF_BASE * settings.MOTCUA_OUTBOX_BACKOFF_SCALE


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min… doubling up to 1 h, each
    stretched or shrunk by up to 20 % at random."""
    steps = max(attempts - 1, 0)
    # 2**7 × 30 s already passes the cap: no need to compute huge powers for a large count.
    delay = BACKOFF_CAP if steps >= 7 else min(BACKOFF_CAP, BACKOFF_BASE * (2**steps))
    spread = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    return delay * spread
