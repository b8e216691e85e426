"""The loop that delivers the outbox (docs/adr/0016): claim a batch of due messages, hand each to its
topic's handler outside any transaction, record the outcome, again until nothing is due.

A partner found down (``PartnerDown``) is not hammered: the message waits for it
(``waiting_for_partner``), the rest of the batch's messages of that topic are given back untried, and
the claim leaves the topic alone for a rest (outbox/services.py ``due_messages``). The first delivery of
the topic that reaches the partner again releases every message waiting for it in one UPDATE
(``services.release_waiting``), so the backlog drains as soon as the partner is back rather than each
message after its own back-off.

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
from outbox.delivery import DeliveryError, PartnerDown, Refused
from outbox.models import OutboxMessage

logger = logging.getLogger("motcua.outbox")

BATCH = 20


@dataclass
class Tally:
    """What a pass did: messages delivered, to be tried again, gone to the dead letters."""

    delivered: int = 0
    retried: int = 0  # the waiting ones included
    dead: int = 0
    claimed: int = 0
    waiting: int = 0  # failed with the partner down: waiting for it
    given_back: int = 0  # not tried: their partner was found down in the same batch

    def add(self, other: Tally) -> None:
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead
        self.claimed += other.claimed
        self.waiting += other.waiting
        self.given_back += other.given_back


def worker_name() -> str:
    """Unique per worker object: host, process and a random part (two workers in one process, as in
    the tests, hold different claims)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    def __init__(self, name: str | None = None, batch: int = BATCH) -> None:
        self.name = name or worker_name()
        self.batch = batch
        self._stop = threading.Event()
        # Topics whose partner may have messages waiting for it: this worker found it down, or took a
        # message waiting for it. The next delivery that reaches the partner releases them — and so
        # does this worker's first one of each topic (another process may have left messages
        # waiting): one UPDATE per outage and per worker's start, not a statement per message.
        self.suspect: set[str] = set()
        self.reached: set[str] = set()
        self._down: set[str] = set()  # topics whose partner was found down in the batch in hand

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
        self._down = set()
        untried: list[OutboxMessage] = []
        for index, message in enumerate(claimed):
            if self.stopping:
                untried.extend(claimed[index:])
                break
            if message.topic in self._down:
                untried.append(message)  # not another call to a partner just found down
                tally.given_back += 1
                continue
            outcome = self.deliver_one(message)
            if outcome == "delivered":
                tally.delivered += 1
            elif outcome in ("retried", "waiting"):
                tally.retried += 1
            elif outcome == "dead":
                tally.dead += 1
            if outcome == "waiting":
                tally.waiting += 1
        if untried:
            services.release(messages=untried, worker=self.name)
        return tally

    def _reached_partner(self, topic: str) -> None:
        """A delivery of ``topic`` got the partner's answer (accepted or refused): if messages may be
        waiting for that partner, they are due now."""
        if topic in self.suspect or topic not in self.reached:
            released = services.release_waiting(topic=topic)
            if released:
                logger.info("outbox %s: partner back, %s waiting message(s) due now", topic, released)
        self.suspect.discard(topic)
        self.reached.add(topic)

    def deliver_one(self, message: OutboxMessage) -> str | None:
        handler = delivery.handler_for(message.topic)
        if handler is None:  # unregistered since the claim
            services.release(messages=[message], worker=self.name)
            return None
        if message.waiting_for_partner:
            self.suspect.add(message.topic)  # waiting for its partner: the others too, if it answers
        if not services.start_attempt(message=message, worker=self.name):
            return None
        try:
            handler(message)
        except DeliveryError as exc:
            down = isinstance(exc, PartnerDown)
            if down:
                self.suspect.add(message.topic)
                self._down.add(message.topic)
            outcome = services.record_failure(
                message=message,
                worker=self.name,
                error=exc.reason,
                permanent=isinstance(exc, Refused),
                partner_down=down,
            )
            if isinstance(exc, Refused):
                self._reached_partner(message.topic)  # it answered: whatever waits for it can go
        except Exception as exc:  # a bug in a handler must not stop the worker: a temporary failure
            logger.exception("outbox %s: handler failed", message.key)
            outcome = services.record_failure(
                message=message, worker=self.name, error=f"{type(exc).__name__}: {exc}", permanent=False
            )
        else:
            outcome = "delivered" if services.record_delivered(message=message, worker=self.name) else None
            self._reached_partner(message.topic)
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
