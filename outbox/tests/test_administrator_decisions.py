"""An administrator retries a pending or dead message now, or cancels it, through the services (the
admin's actions call them and log each change); a delivered or cancelled message, or one being sent
right now, is refused with the reason; only a superuser may."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from kernel.errors import DomainError
from outbox import services
from outbox.delivery import Refused, Retry
from outbox.models import OutboxMessage
from outbox.worker import Worker

CHANGELIST = reverse("admin:outbox_outboxmessage_changelist")


@pytest.fixture
def dead(recorder, message, clock, t0):
    clock(t0)
    message("first", dossier="D1")
    message("second", dossier="D1")
    recorder.fail["first"] = [Refused("từ chối")]
    Worker().deliver_due()
    return OutboxMessage.objects.get(key="first")


def test_retry_now_releases_a_dead_message_and_its_dossier(dead, recorder, superuser):
    again = services.message_retry_now(message=dead, actor=superuser)
    assert (again.status, again.attempts, again.last_error) == ("pending", 0, "từ chối")
    Worker().deliver_due()
    assert recorder.seen == ["first", "first", "second"]


def test_retry_now_skips_the_backoff_of_a_pending_message(recorder, message, superuser, clock, t0):
    clock(t0)
    message("a")
    recorder.fail["a"] = [Retry("lỗi")]
    Worker().deliver_due()
    assert Worker().deliver_due().claimed == 0
    services.message_retry_now(message=OutboxMessage.objects.get(key="a"), actor=superuser)
    assert Worker().deliver_due().delivered == 1


def test_cancel_lets_the_rest_of_the_dossier_go(dead, recorder, superuser):
    cancelled = services.message_cancel(message=dead, actor=superuser)
    assert cancelled.status == "cancelled"
    Worker().deliver_due()
    assert recorder.seen == ["first", "second"]
    assert OutboxMessage.objects.get(key="first").status == "cancelled"


def test_closed_messages_and_messages_in_delivery_are_refused(dead, message, superuser):
    delivered = services.message_cancel(message=dead, actor=superuser)
    for decide in (services.message_retry_now, services.message_cancel):
        with pytest.raises(DomainError) as refused:
            decide(message=delivered, actor=superuser)
        assert (refused.value.code, refused.value.status) == ("outbox_closed", 409)
    message("busy")
    [held] = services.claim(worker="w1", topics=[OutboxMessage.Topic.PORTAL_SYNC], limit=1)
    with pytest.raises(DomainError) as busy:
        services.message_cancel(message=held, actor=superuser)
    assert busy.value.code == "outbox_in_delivery"


def test_only_a_superuser_decides(dead, province_admin):
    with pytest.raises(DomainError) as refused:
        services.message_cancel(message=dead, actor=province_admin)
    assert refused.value.status == 403
    assert OutboxMessage.objects.get(key="first").status == "dead"


def test_the_admin_list_shows_state_and_filters(dead, client, superuser):
    client.force_login(superuser)
    page = client.get(CHANGELIST, {"status__exact": "dead"})
    assert page.status_code == 200
    rows = list(page.context["cl"].result_list)
    assert [m.key for m in rows] == ["first"]
    text = page.content.decode()
    assert "gửi không được, chờ xử lý" in text and "từ chối" in text
    assert set(page.context["action_form"].fields["action"].choices) >= {
        ("retry_now", "Gửi lại ngay"),
        ("cancel", "Hủy, không gửi nữa"),
    }
    for params in ({"topic__exact": "portal.sync"}, {"last_error__isempty": "0"}, {"q": "D1"}):
        assert client.get(CHANGELIST, params).status_code == 200


def test_the_admin_actions_call_the_services_and_log_the_change(dead, client, superuser):
    client.force_login(superuser)
    second = OutboxMessage.objects.get(key="second")
    page = client.post(
        CHANGELIST, {"action": "cancel", "_selected_action": [dead.pk, second.pk]}, follow=True
    )
    assert page.status_code == 200
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"cancelled"}
    shown = [str(m) for m in page.context["messages"]]
    assert shown == ["Đã hủy: 2 tin."]
    logged = LogEntry.objects.filter(object_id__in=[str(dead.pk), str(second.pk)], user=superuser)
    assert sorted(e.change_message for e in logged) == ["Đã hủy", "Đã hủy"]

    page = client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [dead.pk]}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [
        "first: Tin đã ở trạng thái “đã hủy”, không thay đổi được."
    ]


def test_bad_input_to_the_admin_actions_is_not_a_server_error(dead, client, superuser):
    client.force_login(superuser)
    for data in (
        {"action": "cancel", "_selected_action": ["abc"]},
        {"action": "nope", "_selected_action": [dead.pk]},
        {"action": "cancel"},
    ):
        assert client.post(CHANGELIST, data).status_code in (200, 302)
    assert OutboxMessage.objects.get(key="first").status == "dead"
