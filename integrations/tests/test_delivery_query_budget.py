"""Query budgets of the outbox delivery (issue 13; docs/adr/0016, 0018): the SQL statements the worker
runs to deliver one message to the simulators — counting the attempt, the handler's reads and its
exchange-log lines, recording the outcome — so that a query in a loop or a read made twice fails CI.
Counted as pytest-django counts: every statement the connection sends, SAVEPOINT / RELEASE included
(testing/querycount.py); ``QUERY_REPORT=1`` with ``-s`` prints each delivery's statements grouped.

The partner calls themselves are HTTP to the simulators (no statement); the portal's session is opened
before the count, and the worker's release of messages waiting for a partner when it first reaches it
is made before too (both once per process, not per message: the release is one statement, counted on
its own). The claim is one transaction per batch of messages, measured on its own (its SAVEPOINT and
RELEASE are the BEGIN and COMMIT of production, which Django does not log).

Measured before this budget (the handlers reading the dossier's record, fees, papers, supplements,
results, hand-overs, steps and each event's actor's roles in statements of their own): 21 statements
for a dossier's first portal.sync message, 16 for a later one, 7 for an emc.tracking message."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.dvcqg.client import portal_client
from integrations.emc import handler as emc_handler
from outbox import services
from outbox.models import OutboxMessage
from outbox.worker import Worker
from testing.dossiers import counter_body, forward, vn
from testing.querycount import REPORT, Measured, shape

pytestmark = pytest.mark.django_db

SYNC = OutboxMessage.Topic.PORTAL_SYNC
EMC = OutboxMessage.Topic.EMC_TRACKING

# Measured on SQLite and PostgreSQL (the same counts): any statement more fails.
BUDGETS = {
    # the attempt; the dossier with all it sends; the messages written without a code (none); the
    # record's exchange line; PortalDossier; the events with their actors' titles; the progress'
    # exchange line; the outcome
    "portal.sync, a dossier's first message": 8,
    # the same, without the look-up of messages written without a code and the PortalDossier row
    "portal.sync, a later message": 6,
    # the attempt; the dossier with its charge and origin; the exchange line; the outcome
    "emc.tracking": 4,
}
CLAIM_BUDGET = 4  # one batch: SAVEPOINT, SELECT … FOR UPDATE SKIP LOCKED, UPDATE, RELEASE
RELEASE_BUDGET = 1  # the waiting messages of a topic released: one UPDATE


@pytest.fixture
def partners(portal: Any) -> Any:
    """The portal's sync and EMC's tracking both registered against the simulators (``portal`` puts the
    registry back after)."""
    assert emc_handler.connect()
    return portal


def measure(worker: Worker, label: str, topic: str, measured: list[Measured]) -> OutboxMessage:
    """Claim the next due message of ``topic`` alone and deliver it, counting the delivery's statements."""
    connection.features.supports_json_field  # noqa: B018 — asked once per connection (querycount.py)
    with CaptureQueriesContext(connection) as claimed:
        [message] = services.claim(worker=worker.name, topics=[topic], limit=1)
    measured.append(Measured(f"claim ({label})", 0, [q["sql"] for q in claimed.captured_queries]))
    with CaptureQueriesContext(connection) as captured:
        outcome = worker.deliver_one(message)
    assert outcome == "delivered", message.last_error
    measured.append(Measured(label, 0, [q["sql"] for q in captured.captured_queries]))
    return message


def report(measured: list[Measured]) -> str:
    lines = [f"SQL per delivered message on {connection.vendor}:"]
    for item in measured:
        lines.append(f"\n== {item.label}: {item.count} statements")
        for sql in item.sql:
            lines.append(f"  {shape(sql)}")
    return "\n".join(lines)


def test_statements_per_delivered_message(partners, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    code = body["code"]
    clock(vn(2026, 3, 2, 9, 30))
    forward(api, officer_a, code, "chuyenvien.phohien")
    client = portal_client()
    assert client is not None
    client._current_session()  # the process's session: logged in once, not per message
    worker = Worker()
    with CaptureQueriesContext(connection) as released:
        for topic in (SYNC, EMC):  # what its first delivery of each topic does (none waiting here)
            assert services.release_waiting(topic=topic) == 0
            worker.reached.add(topic)
    measured: list[Measured] = []
    first = measure(worker, "portal.sync, a dossier's first message", SYNC, measured)
    later = measure(worker, "portal.sync, a later message", SYNC, measured)
    report_emc = measure(worker, "emc.tracking", EMC, measured)
    assert first.dossier_code == later.dossier_code == report_emc.dossier_code == code
    assert partners.state("dvcqg")["events"] == 2
    if REPORT:
        print(report(measured))
    counts = {item.label: item.count for item in measured}
    for label, budget in BUDGETS.items():
        assert counts[label] <= budget, report(measured)
    for item in measured:
        if item.label.startswith("claim"):
            assert item.count <= CLAIM_BUDGET, report(measured)
    assert len(released.captured_queries) == 2 * RELEASE_BUDGET
    # Tight: a saving lowers the budget.
    assert {label: counts[label] for label in BUDGETS} == BUDGETS, report(measured)
