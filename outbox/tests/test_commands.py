"""``deliver_outbox`` delivers what is due and prints what it did; ``run_worker --once`` makes one
pass; both say when no topic has a handler."""

from __future__ import annotations

import os
import signal
from io import StringIO

from django.core.management import call_command

from outbox.delivery import Refused, Retry
from outbox.models import OutboxMessage


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_deliver_outbox_until_empty_prints_the_counts(recorder, message, clock, t0):
    clock(t0)
    for key in ("a", "b", "c", "d"):
        message(key, dossier="D1" if key in "ab" else "")
    recorder.fail["c"] = [Retry("hết thời gian chờ")]
    recorder.fail["d"] = [Refused("từ chối")]
    assert run("deliver_outbox", "--until-empty").splitlines() == ["delivered 2, retried 1, dead 1"]
    assert recorder.seen == ["a", "c", "d", "b"]


def test_deliver_outbox_without_the_flag_takes_one_batch(recorder, message, clock, t0):
    clock(t0)
    message("a", dossier="D1")
    message("b", dossier="D1")
    assert run("deliver_outbox").splitlines() == ["delivered 1, retried 0, dead 0"]
    assert OutboxMessage.objects.get(key="b").status == "pending"


def test_deliver_outbox_says_when_nothing_can_be_delivered(handlers, message, clock, t0):
    clock(t0)
    message("a")
    assert run("deliver_outbox", "--until-empty").splitlines() == [
        "No handler is registered for any topic: nothing is delivered.",
        "delivered 0, retried 0, dead 0",
    ]
    assert OutboxMessage.objects.get(key="a").status == "pending"


def test_run_worker_once(recorder, message, clock, t0):
    clock(t0)
    message("a", dossier="D1")
    message("b", dossier="D1")
    lines = run("run_worker", "--once").splitlines()
    assert lines[0].startswith("worker ") and lines[0].endswith("topics portal.sync")
    assert lines[1:] == ["delivered 2, retried 0, dead 0"]


def test_run_worker_finishes_the_message_in_hand_on_sigterm(recorder, message, clock, t0):
    """The signal arrives while the first message is being delivered: that one is recorded, the rest of
    the batch is given back, the command returns and puts the previous signal handlers back."""
    clock(t0)
    for key in ("a", "b", "c"):
        message(key)
    recorder.during = lambda m: os.kill(os.getpid(), signal.SIGTERM)
    before = signal.getsignal(signal.SIGTERM)
    lines = run("run_worker", "--idle", "0.01").splitlines()
    assert lines[1:] == ["signal 15: stopping after the message in hand", "delivered 1, retried 0, dead 0"]
    assert recorder.seen == ["a"]
    assert signal.getsignal(signal.SIGTERM) is before
    assert sorted(OutboxMessage.objects.values_list("key", "status", "claimed_by")) == [
        ("a", "delivered", ""),
        ("b", "pending", ""),
        ("c", "pending", ""),
    ]
