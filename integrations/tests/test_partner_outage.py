"""The national portal down, then back (the simulator's "down" fault, over real HTTP): the messages that
found it down wait for it, the others do not call it; the first delivery after its return releases
the waiting ones at once — not after their back-off — and every dossier's events reach the portal
once and in order (docs/adr/0016). EMC down likewise."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command

from integrations.emc import handler as emc_handler
from integrations.models import Exchange
from outbox import delivery, services
from outbox.models import OutboxMessage
from outbox.worker import Worker
from testing.dossiers import counter_body, forward, vn

pytestmark = pytest.mark.django_db

SYNC = OutboxMessage.Topic.PORTAL_SYNC
EMC = OutboxMessage.Topic.EMC_TRACKING
T0 = vn(2026, 3, 2, 9, 0)


def deliver() -> str:
    out = io.StringIO()
    call_command("deliver_outbox", "--until-empty", stdout=out)
    return out.getvalue()


def messages(topic: str = SYNC) -> dict[str, list[OutboxMessage]]:
    """The topic's messages per dossier, in order."""
    found: dict[str, list[OutboxMessage]] = {}
    for message in OutboxMessage.objects.filter(topic=topic).order_by("pk"):
        found.setdefault(message.dossier_code, []).append(message)
    return found


def dossiers(api: Any, officer_a: Any, clock: Any, count: int) -> list[str]:
    """``count`` counter dossiers received at 9:00 and forwarded at 9:10: two sync messages each."""
    clock(T0)
    codes = []
    for _ in range(count):
        status, body = api(officer_a).post("dossiers", counter_body())
        assert status == 201, body
        codes.append(body["code"])
    clock(T0 + timedelta(minutes=10))
    for code in codes:
        forward(api, officer_a, code, "chuyenvien.phohien")
    return codes


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "JITTER", 0.0)


def test_the_portal_down_then_back_drains_the_backlog_at_once_in_order(
    portal, api, officer_a, clock, no_jitter
):
    sync = delivery.handler_for(SYNC)
    assert sync is not None
    delivery.replace_handlers({SYNC: sync})  # the portal alone (the fixture puts the registry back)
    a, b, c = dossiers(api, officer_a, clock, 3)
    portal.fault("dvcqg", down_seconds=3600)
    start = T0 + timedelta(minutes=20)
    # Two workers, each holding one message when the portal went down: both find it down.
    first, second = Worker(batch=1), Worker(batch=1)
    for round_at in (start, start + timedelta(minutes=5), start + timedelta(minutes=10)):
        clock(round_at)
        held = [services.claim(worker=w.name, topics=[SYNC], limit=1)[0] for w in (first, second)]
        assert [m.dossier_code for m in held] == [a, b]
        assert [w.deliver_one(m) for w, m in zip((first, second), held, strict=True)] == ["waiting"] * 2
        # Resting: the deliveries meanwhile call nobody.
        clock(round_at + timedelta(seconds=10))
        assert "delivered 0, retried 0, dead 0" in deliver()
    calls_while_down = portal.state("dvcqg")["calls"]
    assert calls_while_down == 6  # one failed login per attempt; c's messages never called
    by_dossier = messages()
    for code in (a, b):
        head = by_dossier[code][0]
        assert (head.status, head.attempts, head.waiting_for_partner) == ("pending", 3, True)
        assert head.last_error.startswith("Cổng DVCQG không trả lời")
        # After three failures, due again only two minutes after the last one.
        assert head.available_at == start + timedelta(minutes=12)
    assert [m.attempts for m in by_dossier[c]] == [0, 0]

    portal.fault("dvcqg", up=True)
    back = start + timedelta(minutes=10, seconds=31)  # the rest over; a's and b's heads not due yet
    clock(back)
    out = deliver()
    assert "delivered 6, retried 0, dead 0" in out, out
    by_dossier = messages()
    # c's first message reached the portal first and released a's and b's at once.
    assert all(
        m.status == "delivered" and not m.waiting_for_partner for ms in by_dossier.values() for m in ms
    )
    assert {by_dossier[code][0].delivered_at for code in (a, b)} == {back}
    state = portal.state("dvcqg")
    assert (state["dossiers"], state["events"], state["duplicates"], state["out_of_order"]) == (3, 6, 0, 0)
    held = portal.simulator("dvcqg").dossiers
    for code in (a, b, c):
        assert [p["TrangThai"] for p in held[code]["progress"]] == [2, 4]  # received, then in processing
    # Nothing twice: one accepted record per message.
    for ms in by_dossier.values():
        for m in ms:
            assert (
                Exchange.objects.filter(message=m, operation="DongBoHoSoMC", outcome="accepted").count() == 1
            )


def test_emc_down_then_back_reports_each_action_once(simulators, api, officer_a, clock, no_jitter):
    saved = delivery.handlers()
    delivery.replace_handlers({})
    try:
        assert emc_handler.connect()
        codes = dossiers(api, officer_a, clock, 2)
        simulators.fault("emc", down_seconds=3600)
        clock(T0 + timedelta(minutes=20))
        out = deliver()
        assert "retried 1" in out, out  # the first report found EMC down; the other was given back
        assert simulators.state("emc")["calls"] == 1
        waiting = OutboxMessage.objects.filter(topic=EMC, waiting_for_partner=True)
        assert waiting.count() == 1
        simulators.fault("emc", up=True)
        clock(T0 + timedelta(minutes=20, seconds=31))
        assert "delivered 4" in deliver()
        state = simulators.state("emc")
        assert (state["accepted"], state["duplicates"]) == (4, 0)
        assert set(messages(EMC)) == set(codes)
    finally:
        delivery.replace_handlers(saved)
