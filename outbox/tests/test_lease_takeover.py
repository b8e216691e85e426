"""A claimed message is another worker's only after the claim's lease runs out (the worker holding it
stopped); the first worker's late outcome is then dropped. A message whose workers kept stopping
mid-delivery goes to the dead letters once its attempts are spent."""

from __future__ import annotations

from datetime import timedelta

from django.db import OperationalError
from django.test import override_settings

from outbox import services
from outbox.models import OutboxMessage
from outbox.worker import Worker

TOPICS = [OutboxMessage.Topic.PORTAL_SYNC]


def test_a_claimed_message_is_not_claimed_again_while_the_lease_runs(recorder, message, clock, t0):
    clock(t0)
    message("a")
    held = services.claim(worker="w1", topics=TOPICS, limit=10)
    assert [m.key for m in held] == ["a"]
    assert held[0].claimed_until == t0 + services.lease()
    assert services.claim(worker="w2", topics=TOPICS, limit=10) == []
    assert Worker().deliver_due().claimed == 0
    assert recorder.seen == []


def test_another_worker_takes_over_when_the_lease_runs_out(recorder, message, clock, t0):
    clock(t0)
    message("a")
    [stalled] = services.claim(worker="w1", topics=TOPICS, limit=10)
    assert services.start_attempt(message=stalled, worker="w1")  # …and the worker died here

    clock(t0 + services.lease() + timedelta(seconds=1))
    survivor = Worker(name="w2")
    assert survivor.deliver_due().delivered == 1
    taken = OutboxMessage.objects.get(key="a")
    assert (taken.status, taken.attempts) == ("delivered", 2)
    # The first worker comes back: its outcome is no longer recorded, nor does it start again.
    assert not services.record_delivered(message=stalled, worker="w1")
    assert services.record_failure(message=stalled, worker="w1", error="x", permanent=True) is None
    assert not services.start_attempt(message=stalled, worker="w1")
    assert OutboxMessage.objects.get(key="a").status == "delivered"


def test_the_messages_after_it_wait_for_a_stalled_one(recorder, message, clock, t0):
    clock(t0)
    message("first", dossier="D1")
    message("second", dossier="D1")
    services.claim(worker="w1", topics=TOPICS, limit=10)
    assert Worker().deliver_due().claimed == 0
    clock(t0 + services.lease())
    Worker().deliver_due()
    assert recorder.seen == ["first", "second"]


@override_settings(MOTCUA_OUTBOX_MAX_ATTEMPTS=2)
def test_a_message_that_keeps_stopping_its_workers_goes_to_the_dead_letters(recorder, message, clock, t0):
    clock(t0)
    message("a")
    at = t0
    for name in ("w1", "w2"):
        [held] = services.claim(worker=name, topics=TOPICS, limit=10)
        assert services.start_attempt(message=held, worker=name)
        at += services.lease() + timedelta(seconds=1)
        clock(at)
    assert services.claim(worker="w3", topics=TOPICS, limit=10) == []
    dead = OutboxMessage.objects.get(key="a")
    assert (dead.status, dead.attempts, dead.claimed_by) == ("dead", 2, "")
    assert dead.last_error
    assert recorder.seen == []


def test_a_stopping_worker_finishes_the_message_in_hand_and_gives_back_the_rest(recorder, message, clock, t0):
    clock(t0)
    for key in ("a", "b", "c"):
        message(key)
    worker = Worker()
    recorder.during = lambda m: worker.stop()
    tally = worker.run(idle_seconds=0)
    assert (tally.claimed, tally.delivered) == (3, 1)
    assert recorder.seen == ["a"]
    rest = OutboxMessage.objects.filter(key__in=["b", "c"])
    assert {(m.status, m.attempts, m.claimed_by, m.claimed_until) for m in rest} == {("pending", 0, "", None)}
    recorder.during = None
    assert Worker().deliver_due().delivered == 2


def test_a_database_error_does_not_end_the_long_running_worker(recorder, message, clock, t0, monkeypatch):
    clock(t0)
    message("a")
    worker = Worker()
    real_claim = services.claim
    calls: list[int] = []

    def flaky_claim(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        if len(calls) == 3:
            worker.stop()
        return real_claim(**kwargs)

    monkeypatch.setattr(services, "claim", flaky_claim)
    monkeypatch.setattr("outbox.worker.connection.close", lambda: None)  # the test's transaction stays
    assert worker.run(idle_seconds=0).delivered == 1
    assert recorder.seen == ["a"]
