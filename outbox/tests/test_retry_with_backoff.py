"""A temporary failure puts the message back for later: 30 s, 1 min, 2 min… doubling up to an hour,
each within ±20 %; the attempts and the last error are kept."""

from __future__ import annotations

import random
from datetime import timedelta

from outbox.delivery import Retry, backoff
from outbox.models import OutboxMessage
from outbox.worker import Worker


def test_the_delay_doubles_up_to_an_hour_within_the_jitter():
    rng = random.Random(7)
    for attempts, nominal in [
        (1, 30),
        (2, 60),
        (3, 120),
        (4, 240),
        (7, 1920),
        (8, 3600),
        (9, 3600),
        (50, 3600),
    ]:
        for _ in range(50):
            delay = backoff(attempts, rng).total_seconds()
            assert nominal * 0.8 <= delay <= nominal * 1.2, (attempts, delay)


def test_the_jitter_spreads_messages_failed_together():
    rng = random.Random(1)
    assert len({backoff(3, rng) for _ in range(20)}) > 1


def test_a_temporary_failure_is_tried_again_after_the_backoff(recorder, message, clock, t0):
    clock(t0)
    message("a")
    recorder.fail["a"] = [Retry("hết thời gian chờ"), Retry("cổng bảo trì")]
    assert Worker().deliver_due().retried == 1
    first = OutboxMessage.objects.get(key="a")
    assert (first.status, first.attempts, first.last_error) == ("pending", 1, "hết thời gian chờ")
    wait = first.available_at - t0
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=36)

    clock(first.available_at - timedelta(seconds=1))  # not due yet
    assert Worker().deliver_due().claimed == 0
    clock(first.available_at)
    assert Worker().deliver_due().retried == 1
    second = OutboxMessage.objects.get(key="a")
    assert (second.attempts, second.last_error) == (2, "cổng bảo trì")
    assert timedelta(seconds=48) <= second.available_at - first.available_at <= timedelta(seconds=72)

    clock(second.available_at)
    assert Worker().deliver_due().delivered == 1
    done = OutboxMessage.objects.get(key="a")
    assert (done.status, done.attempts, done.last_error) == ("delivered", 3, "cổng bảo trì")
    assert recorder.seen == ["a", "a", "a"]
