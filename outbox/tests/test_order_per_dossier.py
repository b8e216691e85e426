"""Messages of one dossier and topic go out in the order they were written: a message waits while an
earlier one is pending or dead. Other dossiers, messages without a dossier and the dossier's messages of
another topic (another partner) do not wait."""

from __future__ import annotations

from outbox.delivery import Retry
from outbox.models import OutboxMessage
from outbox.worker import Worker


def test_a_failing_first_message_holds_back_the_second(recorder, message, clock, t0):
    clock(t0)
    message("d1-1", dossier="D1")
    message("d1-2", dossier="D1")
    message("d2-1", dossier="D2")
    message("free", dossier="")
    recorder.fail["d1-1"] = [Retry("hết thời gian chờ")]
    Worker().deliver_due()
    assert recorder.seen == ["d1-1", "d2-1", "free"]
    assert OutboxMessage.objects.get(key="d1-2").attempts == 0

    clock(OutboxMessage.objects.get(key="d1-1").available_at)
    Worker().deliver_due()
    assert recorder.seen == ["d1-1", "d2-1", "free", "d1-1", "d1-2"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"delivered"}


def test_one_dossier_drains_in_creation_order(recorder, message, clock, t0):
    clock(t0)
    for n in range(5):
        message(f"m{n}", dossier="D1")
    Worker(batch=50).deliver_due()
    assert recorder.seen == [f"m{n}" for n in range(5)]


def test_messages_without_a_dossier_do_not_wait_for_each_other(recorder, message, clock, t0):
    clock(t0)
    message("a")
    message("b")
    recorder.fail["a"] = [Retry("lỗi")]
    Worker().deliver_due()
    assert recorder.seen == ["a", "b"]
    assert OutboxMessage.objects.get(key="b").status == "delivered"


def test_an_undeliverable_topic_does_not_hold_back_another(recorder, message, clock, t0):
    """The applicant's notice has no handler yet: the portal's sync of the same dossier still goes."""
    clock(t0)
    message("notice", dossier="D1", topic=OutboxMessage.Topic.NOTIFY_APPLICANT)
    message("sync", dossier="D1")
    Worker().deliver_due()
    assert recorder.seen == ["sync"]
