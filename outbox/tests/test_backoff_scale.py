"""MOTCUA_OUTBOX_BACKOFF_SCALE stretches or shrinks the wait before the next attempt (the delivery
benchmark runs simulated time with it); 1 leaves the back-off as it is."""

from __future__ import annotations

from datetime import timedelta

from outbox.delivery import Retry
from outbox.models import OutboxMessage
from outbox.worker import Worker


def test_the_backoff_is_scaled(recorder, message, clock, t0, settings):
    settings.MOTCUA_OUTBOX_BACKOFF_SCALE = 1 / 60
    clock(t0)
    message("a")
    recorder.fail["a"] = [Retry("cổng bảo trì")]
    assert Worker().deliver_due().retried == 1
    wait = OutboxMessage.objects.get(key="a").available_at - t0
    assert timedelta(seconds=0.4) <= wait <= timedelta(seconds=0.6)  # 30 s ± 20 %, over 60
