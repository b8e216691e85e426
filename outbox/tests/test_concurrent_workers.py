"""Several workers delivering one backlog at once (threads, each with its own database connection, real
commits): every message is delivered exactly once, and the messages of each dossier in the order they
were written (docs/adr/0016).

PostgreSQL only: the claim's FOR UPDATE SKIP LOCKED is what keeps two workers off one message, and
SQLite has no row locks (it runs one worker: its writers queue on the database lock, which is not the
property under test here)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from outbox import delivery
from outbox.models import OutboxMessage
from outbox.services import claim, due_messages, enqueue
from outbox.worker import Tally, Worker

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no row locks, and motcua runs a single worker against it",
)

WORKERS = 4
DOSSIERS = 12
PER_DOSSIER = 6
LOOSE = 20  # messages without a dossier code


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_workers_in_parallel_deliver_each_message_once_in_order_per_dossier() -> None:
    with transaction.atomic():
        for n in range(PER_DOSSIER):
            for d in range(DOSSIERS):
                enqueue(topic="portal.sync", key=f"D{d}-{n}", payload={}, dossier_code=f"D{d}")
        for n in range(LOOSE):
            enqueue(topic="portal.sync", key=f"L{n}", payload={})
    written = {m.key: m.pk for m in OutboxMessage.objects.all()}

    seen: list[str] = []
    lock = threading.Lock()

    def handler(message: OutboxMessage) -> None:
        with lock:
            seen.append(message.key)

    saved = delivery.handlers()
    delivery.replace_handlers({"portal.sync": handler})
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    tallies: list[Tally] = []

    def work() -> None:
        try:
            barrier.wait()
            worker = Worker(batch=3)
            total = Tally()
            # A worker may find everything claimed or held back for a moment: it passes again until
            # nothing is left pending (the others keep delivering meanwhile).
            while OutboxMessage.objects.filter(status="pending").exists():
                total.add(worker.deliver_due())
            tallies.append(total)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        delivery.replace_handlers(saved)

    assert errors == []
    assert Counter(seen) == Counter(list(written))  # each message once
    assert sum(t.delivered for t in tallies) == len(written)
    for d in range(DOSSIERS):
        mine = [key for key in seen if key.startswith(f"D{d}-")]
        assert mine == sorted(mine, key=written.__getitem__), d
    states: Any = set(OutboxMessage.objects.values_list("status", "claimed_by"))
    assert states == {("delivered", "")}


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_a_claim_skips_the_rows_another_claim_holds_locked() -> None:
    """One worker's claiming transaction holds two rows locked; a claim meanwhile takes the others at
    once instead of waiting for them or taking them too."""
    with transaction.atomic():
        for n in range(5):
            enqueue(topic="portal.sync", key=f"L{n}", payload={})
    locked = threading.Event()
    release = threading.Event()
    held: list[str] = []

    def first_worker() -> None:
        try:
            with transaction.atomic():
                query = due_messages(topics=["portal.sync"], now=timezone.now())
                held.extend(m.key for m in query.select_for_update(skip_locked=True)[:2])
                locked.set()
                release.wait(timeout=60)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        locked.wait(timeout=60)
        taken = [m.key for m in claim(worker="w2", topics=["portal.sync"], limit=10)]
    finally:
        release.set()
        thread.join()
    assert held == ["L0", "L1"]
    assert taken == ["L2", "L3", "L4"]
