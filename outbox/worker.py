"""The loop that delivers the outbox (docs/adr/0016): claim a batch of due messages, hand each to its
topic's handler outside any transaction, record the outcome, again until nothing is due.

Run by ``manage.py deliver_outbox`` (what is due now, then exit: cron, tests) and ``manage.py
run_worker`` (a long-running process; SIGTERM or SIGINT let it finish the message in hand). Any number
of workers may run at once against PostgreSQL; against SQLite, one.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection

from outbox import delivery, services
from outbox.delivery import DeliveryError, Refused
from outbox.models import OutboxMessage

logger = logging.getLogger("motcua.outbox")

BATCH = 20


@dataclass
class Tally:
    """What a pass did: messages delivered, to be tried again, gone to the dead letters."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0
    claimed: int = 0

    def add(self, other: Tally) -> None:
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead
        self.claimed += other.claimed


def worker_name() -> str:
    """Unique per worker object: host, process and a random part (two workers in one process, as in
    the tests, hold different claims)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, name: str | None = None, batch: int = BATCH) -> None:
        self.name = name or worker_name()
        self.batch = batch
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish the message in hand, give back the rest of the batch, and return."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def deliver_batch(self) -> Tally:
        """Claim one batch and deliver it; ``claimed`` 0 when nothing was due."""
        tally = Tally()
        claimed = services.claim(worker=self.name, topics=delivery.registered_topics(), limit=self.batch)
        tally.claimed = len(claimed)
        for index, message in enumerate(claimed):
            if self.stopping:
                services.release(messages=claimed[index:], worker=self.name)
                break
            outcome = self.deliver_one(message)
            if outcome == "delivered":
                tally.delivered += 1
            elif outcome == "retried":
                tally.retried += 1
            elif outcome == "dead":
                tally.dead += 1
        return tally

    def deliver_one(self, message: OutboxMessage) -> str | None:
        handler = delivery.handler_for(message.topic)
        if handler is None:  # unregistered since the claim
            services.release(messages=[message], worker=self.name)
            return None
        if not services.start_attempt(message=message, worker=self.name):
            return None
        try:
            handler(message)
        except DeliveryError as exc:
            outcome = services.record_failure(
                message=message, worker=self.name, error=exc.reason, permanent=isinstance(exc, Refused)
            )
        except Exception as exc:  # a bug in a handler must not stop the worker: a temporary failure
            logger.exception("outbox %s: handler failed", message.key)
            outcome = services.record_failure(
                message=message, worker=self.name, error=f"{type(exc).__name__}: {exc}", permanent=False
            )
        else:
            outcome = "delivered" if services.record_delivered(message=message, worker=self.name) else None
        logger.info(
            "outbox %s topic=%s attempt=%s outcome=%s", message.key, message.topic, message.attempts, outcome
        )
        return outcome

    def deliver_due(self) -> Tally:
        """Deliver batches until nothing is due (a message put back for later is not due) or told to
        stop."""
        total = Tally()
        while not self.stopping:
            tally = self.deliver_batch()
            total.add(tally)
            if tally.claimed == 0:
                break
        return total

    def run(self, *, idle_seconds: float = 5.0, once: bool = False) -> Tally:
        """Deliver what is due, wait ``idle_seconds`` when nothing was, until stopped (``once``: one
        pass)."""
        total = Tally()
        while not self.stopping:
            # No request here ends a connection's life: drop one past CONN_MAX_AGE or broken, as
            # Django does between requests (not inside a transaction: a test's).
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                tally = self.deliver_due()
            except DatabaseError:
                if once:
                    raise
                # The database gone for a moment (a restart, a fail-over): wait and claim again; what
                # this worker held comes back to the workers when its lease runs out.
                logger.exception("outbox worker %s: database error, waiting", self.name)
                connection.close()
                self._stop.wait(idle_seconds)
                continue
            total.add(tally)
            if once:
                break
            if tally.claimed == 0:
                self._stop.wait(idle_seconds)
        return total
