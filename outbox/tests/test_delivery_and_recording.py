"""A due message goes to its topic's handler once and is recorded delivered; a topic without a handler
is left alone; a handler's own bug counts as a temporary failure."""

from __future__ import annotations

from django.test import Client

from outbox.models import OutboxMessage
from outbox.worker import Worker
from testing.clients import ApiClient
from testing.dossiers import counter_body

Status = OutboxMessage.Status


def test_a_due_message_is_delivered_once_and_recorded(recorder, message, clock, t0):
    clock(t0)
    sent = message("a")
    tally = Worker().deliver_due()
    assert (tally.delivered, tally.retried, tally.dead) == (1, 0, 0)
    sent.refresh_from_db()
    assert (sent.status, sent.delivered_at, sent.attempts, sent.claimed_by) == (Status.DELIVERED, t0, 1, "")
    assert sent.last_attempt_at == t0
    assert Worker().deliver_due().claimed == 0
    assert recorder.seen == ["a"]


def test_a_topic_without_a_handler_is_left_untouched(recorder, message, clock, t0):
    clock(t0)
    notice = message("n", topic=OutboxMessage.Topic.NOTIFY_APPLICANT)
    Worker().deliver_due()
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error, notice.claimed_by) == (
        Status.PENDING,
        0,
        "",
        "",
    )
    assert recorder.seen == []


def test_nothing_is_claimed_when_no_handler_is_registered(handlers, message, clock, t0):
    clock(t0)
    message("a")
    assert Worker().deliver_due().claimed == 0
    assert OutboxMessage.objects.get(key="a").attempts == 0


def test_a_bug_in_a_handler_is_a_temporary_failure(recorder, message, clock, t0):
    clock(t0)
    message("a")
    recorder.fail["a"] = [ZeroDivisionError("division by zero")]
    tally = Worker().deliver_due()
    assert (tally.delivered, tally.retried, tally.dead) == (0, 1, 0)
    found = OutboxMessage.objects.get(key="a")
    assert (found.status, found.last_error) == (Status.PENDING, "ZeroDivisionError: division by zero")


def test_the_messages_of_a_dossier_action_are_delivered_in_order(handlers, officer_a, clock, t0):
    """What a reception writes (the applicant's notice, the portal's sync) reaches the handlers."""
    clock(t0)
    seen: list[tuple[str, str]] = []
    for topic in OutboxMessage.Topic.values:
        handlers.register(topic, lambda m: seen.append((m.topic, m.dossier_code)))
    status, body = ApiClient(Client(), officer_a).post("dossiers", counter_body())
    assert status == 201, body
    written = list(OutboxMessage.objects.filter(dossier_code=body["code"]).order_by("pk"))
    assert written
    tally = Worker().deliver_due()
    assert tally.delivered == len(written)
    assert seen == [(m.topic, m.dossier_code) for m in written]
    assert set(OutboxMessage.objects.filter(dossier_code=body["code"]).values_list("status", flat=True)) == {
        Status.DELIVERED
    }
