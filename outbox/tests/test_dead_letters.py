"""A message refused by the partner, or failed MOTCUA_OUTBOX_MAX_ATTEMPTS times, goes to the dead
letters and stays there, holding back the later messages of its dossier, until an administrator acts."""

from __future__ import annotations

from django.test import override_settings

from outbox.delivery import Refused, Retry
from outbox.models import OutboxMessage
from outbox.worker import Worker


def test_a_refusal_is_dead_at_once(recorder, message, clock, t0):
    clock(t0)
    message("a")
    recorder.fail["a"] = [Refused("mã hồ sơ không hợp lệ")]
    tally = Worker().deliver_due()
    assert (tally.delivered, tally.retried, tally.dead) == (0, 0, 1)
    dead = OutboxMessage.objects.get(key="a")
    assert (dead.status, dead.attempts, dead.last_error) == ("dead", 1, "mã hồ sơ không hợp lệ")


@override_settings(MOTCUA_OUTBOX_MAX_ATTEMPTS=3)
def test_dead_after_the_last_allowed_attempt(recorder, message, clock, t0):
    clock(t0)
    message("a")
    recorder.fail["a"] = [Retry(f"lỗi {n}") for n in range(1, 10)]
    outcomes = []
    for _ in range(5):
        tally = Worker().deliver_due()
        outcomes.append((tally.retried, tally.dead))
        clock(OutboxMessage.objects.get(key="a").available_at)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    dead = OutboxMessage.objects.get(key="a")
    assert (dead.status, dead.attempts, dead.last_error) == ("dead", 3, "lỗi 3")
    assert recorder.seen == ["a"] * 3


def test_a_dead_message_holds_back_the_rest_of_its_dossier(recorder, message, clock, t0):
    clock(t0)
    message("first", dossier="D1")
    message("second", dossier="D1")
    message("other", dossier="D2")
    recorder.fail["first"] = [Refused("từ chối")]
    Worker().deliver_due()
    assert recorder.seen == ["first", "other"]
    assert OutboxMessage.objects.get(key="second").status == "pending"
    assert OutboxMessage.objects.get(key="second").attempts == 0
