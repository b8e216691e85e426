"""A partner found down (``PartnerDown``): the message waits for it, the batch's other messages of the
topic are given back untried, the topic rests; the first delivery that reaches the partner again
releases every message waiting for it in one UPDATE, and the backlog goes out in its order per dossier,
none twice (docs/adr/0016). The last test runs several workers at once on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from outbox import delivery, services
from outbox.delivery import PartnerDown, Retry, partner_rest
from outbox.models import OutboxMessage
from outbox.services import enqueue
from outbox.worker import Tally, Worker

NOTIFY = OutboxMessage.Topic.NOTIFY_APPLICANT


def row(key: str) -> OutboxMessage:
    return OutboxMessage.objects.get(key=key)


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Back-offs exactly 30 s, 1 min, 2 min…: the instants below are computed, not ranges."""
    monkeypatch.setattr(delivery, "JITTER", 0.0)


def test_partner_down_parks_the_message_and_gives_the_rest_of_the_topic_back(
    recorder, handlers, message, clock, t0
):
    clock(t0)
    for key, dossier in (("a1", "A"), ("b1", "B"), ("c1", "C")):
        message(key, dossier)
    message("n1", "A", topic=NOTIFY)  # another topic, another partner
    notices: list[str] = []
    handlers.register(NOTIFY, lambda m: notices.append(m.key))
    recorder.fail["a1"] = [PartnerDown("Không kết nối được: Connection refused")]

    tally = Worker().deliver_batch()

    assert recorder.seen == ["a1"]  # b1 and c1 never called the partner just found down
    assert (tally.claimed, tally.retried, tally.waiting, tally.given_back) == (4, 1, 1, 2)
    assert notices == ["n1"] and tally.delivered == 1  # the other topic goes on
    a1 = row("a1")
    assert (a1.status, a1.attempts, a1.waiting_for_partner) == ("pending", 1, True)
    assert a1.last_error == "Không kết nối được: Connection refused"
    for key in ("b1", "c1"):  # given back: no attempt counted, no claim kept, not waiting
        untried = row(key)
        assert (untried.attempts, untried.claimed_by, untried.waiting_for_partner) == (0, "", False)


def test_the_topic_rests_then_one_message_probes_the_partner(recorder, message, clock, t0, no_jitter):
    clock(t0)
    for key, dossier in (("a1", "A"), ("b1", "B")):
        message(key, dossier)
    recorder.fail["a1"] = [PartnerDown("down"), PartnerDown("down")]
    recorder.fail["b1"] = [PartnerDown("down")]
    Worker().deliver_due()
    assert recorder.seen == ["a1"]
    # Resting: b1 is due but not claimed; nothing calls the partner.
    clock(t0 + partner_rest() - timedelta(seconds=1))
    assert Worker().deliver_due().claimed == 0
    assert recorder.seen == ["a1"]
    # The rest is over: the head of the line (a1, due again after its 30 s) probes, fails; b1 waits.
    clock(t0 + partner_rest() + timedelta(seconds=1))
    tally = Worker().deliver_due()
    assert recorder.seen == ["a1", "a1"] and tally.given_back == 1
    assert row("a1").attempts == 2 and row("b1").attempts == 0


def test_the_first_delivery_that_reaches_the_partner_releases_every_waiting_message(
    recorder, handlers, message, clock, t0, no_jitter
):
    clock(t0)
    for key, dossier in (("a1", "A"), ("a2", "A"), ("b1", "B"), ("c1", "C")):
        message(key, dossier)
    message("n1", "N", topic=NOTIFY)
    handlers.register(NOTIFY, lambda m: None)
    # Two workers each took one message before the partner went down: both wait for it.
    first, second = Worker(batch=1), Worker(batch=1)
    [a1] = services.claim(worker=first.name, topics=["portal.sync"], limit=1)
    [b1] = services.claim(worker=second.name, topics=["portal.sync"], limit=1)
    recorder.fail.update({"a1": [PartnerDown("down")] * 3, "b1": [PartnerDown("down")] * 3})
    assert first.deliver_one(a1) == "waiting" and second.deliver_one(b1) == "waiting"
    # The waiting notice of another partner is not this partner's to release.
    OutboxMessage.objects.filter(key="n1").update(
        waiting_for_partner=True, available_at=t0 + timedelta(hours=1)
    )
    # A long outage: a1 and b1 failed again and again, their back-off now 2 minutes.
    for attempt in (2, 3):
        clock(t0 + timedelta(minutes=10 * attempt))
        held = [services.claim(worker=w.name, topics=["portal.sync"], limit=1)[0] for w in (first, second)]
        assert [m.key for m in held] == ["a1", "b1"]
        assert [w.deliver_one(m) for w, m in zip((first, second), held, strict=True)] == ["waiting"] * 2
    back_at = t0 + timedelta(minutes=30, seconds=31)  # the rest over; a1 and b1 due only at 32 min
    assert row("a1").available_at == row("b1").available_at == t0 + timedelta(minutes=32)
    clock(back_at)
    # The partner is back: c1, never tried, goes first and reaches it; one UPDATE releases a1 and b1.
    third = Worker(batch=1)
    third.reached.add("portal.sync")  # not its first delivery: only the outage's release is counted
    [c1] = services.claim(worker=third.name, topics=["portal.sync"], limit=1)
    assert c1.key == "c1"
    third.suspect.add("portal.sync")  # it has seen the partner down too
    with CaptureQueriesContext(connection) as captured:
        assert third.deliver_one(c1) == "delivered"
    releases = [q["sql"] for q in captured.captured_queries if "waiting_for_partner" in q["sql"]]
    assert len(releases) == 2  # the delivery's own record, and the one release of the topic
    for key in ("a1", "b1"):
        released = row(key)
        assert (released.waiting_for_partner, released.available_at) == (False, back_at)
    assert row("n1").waiting_for_partner  # another topic's partner: still waiting
    # The backlog drains now, a1 before a2; nothing twice.
    tally = third.deliver_due()
    assert tally.delivered == 3 and tally.retried == 0
    assert recorder.seen == ["a1", "b1", "a1", "b1", "a1", "b1", "c1", "a1", "a2", "b1"]
    assert set(OutboxMessage.objects.filter(topic="portal.sync").values_list("status", flat=True)) == {
        "delivered"
    }


def test_a_worker_releases_once_when_it_first_reaches_a_partner(recorder, message, clock, t0, no_jitter):
    """A worker started after another left messages waiting (killed, restarted) does not know of the
    outage: its first delivery of each topic releases them all the same."""
    clock(t0)
    message("a1", "A")
    message("b1", "B")
    recorder.fail["a1"] = [PartnerDown("down")] * 4
    old = Worker()
    for minutes in (0, 1, 3, 6):  # back-offs 30 s, 1, 2, 4 min
        clock(t0 + timedelta(minutes=minutes))
        old.deliver_batch()
    assert row("a1").available_at == t0 + timedelta(minutes=10)
    recorder.fail.clear()
    clock(t0 + timedelta(minutes=7))  # the partner back; the old worker gone
    new = Worker()
    assert new.deliver_due().delivered == 2  # b1, then a1 released by b1's delivery
    assert recorder.seen[-2:] == ["b1", "a1"]


def test_a_retry_that_is_not_the_partner_down_does_not_wait_for_it(recorder, message, clock, t0):
    clock(t0)
    message("a1", "A")
    message("b1", "B")
    recorder.fail["a1"] = [Retry("phiên làm việc bị từ chối")]
    tally = Worker().deliver_batch()
    assert tally.delivered == 1 and tally.waiting == 0 and tally.given_back == 0
    assert recorder.seen == ["a1", "b1"]
    assert not row("a1").waiting_for_partner


def test_partner_down_on_the_last_attempt_is_a_dead_letter_not_waiting(
    recorder, message, clock, t0, settings
):
    clock(t0)
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 1
    message("a1", "A")
    recorder.fail["a1"] = [PartnerDown("down")]
    assert Worker().deliver_batch().dead == 1
    dead = row("a1")
    assert (dead.status, dead.waiting_for_partner) == ("dead", False)


def test_an_administrators_retry_ends_the_wait(recorder, message, clock, t0, superuser):
    clock(t0)
    message("a1", "A")
    recorder.fail["a1"] = [PartnerDown("down")]
    Worker().deliver_batch()
    retried = services.message_retry_now(message=row("a1"), actor=superuser)
    assert (retried.waiting_for_partner, retried.attempts) == (False, 0)
    assert Worker().deliver_due().delivered == 1  # not resting: the administrator's word


# ---------------------------------------------------------------------------------------------------
# Several workers at once (PostgreSQL: SKIP LOCKED)

WORKERS = 3
DOSSIERS = 8
PER_DOSSIER = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several workers need PostgreSQL")
@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_workers_in_parallel_through_an_outage_deliver_each_message_once_in_order(settings: Any) -> None:
    # Real time here (threads, real commits): the rest and the back-off shrunk to a few milliseconds.
    settings.MOTCUA_OUTBOX_BACKOFF_SCALE = 0.002  # 30 s → 60 ms
    with transaction.atomic():
        for n in range(PER_DOSSIER):
            for d in range(DOSSIERS):
                enqueue(topic="portal.sync", key=f"D{d}-{n}", payload={}, dossier_code=f"D{d}")
    written = {m.key: m.pk for m in OutboxMessage.objects.all()}
    down = threading.Event()
    down.set()
    seen: list[str] = []
    failed: list[str] = []
    lock = threading.Lock()

    def handler(message: OutboxMessage) -> None:
        with lock:
            if down.is_set():
                failed.append(message.key)
                if len(failed) >= 6:  # the partner comes back after six failed calls
                    down.clear()
                raise PartnerDown("down")
            seen.append(message.key)

    saved = delivery.handlers()
    delivery.replace_handlers({"portal.sync": handler})
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    tallies: list[Tally] = []

    def work() -> None:
        try:
            barrier.wait()
            worker = Worker(batch=4)
            total = Tally()
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
            thread.join(timeout=120)
    finally:
        delivery.replace_handlers(saved)

    assert errors == []
    assert len(failed) == 6
    assert Counter(seen) == Counter(list(written))  # each message delivered once
    for d in range(DOSSIERS):
        mine = [key for key in seen if key.startswith(f"D{d}-")]
        assert mine == sorted(mine, key=written.__getitem__), d
    rows = set(OutboxMessage.objects.values_list("status", "claimed_by", "waiting_for_partner"))
    assert rows == {("delivered", "", False)}
    assert sum(t.delivered for t in tallies) == len(written)
