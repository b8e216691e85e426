"""The sync indicator of the service index (CKMB.4) and target 5 (100 % of dossiers synced to the
national portal), computed from acknowledged deliveries: a dossier received in the period is synced
when its first ``portal.sync`` message was delivered (reports/sync.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import Procedure
from catalog.services import procedure_set_test
from dossiers.importer import import_lines
from organization.models import Agency
from outbox import delivery
from outbox.models import OutboxMessage
from reports.summary import ReportScope
from serviceindex.compute import compute_month
from serviceindex.selectors import indicator_drilldown
from serviceindex.tests.scenario import COMMUNE_A, march_lines
from targets.progress import Status, progress
from testing.dossiers import counter_body, vn

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture
def portal() -> Iterator[dict[str, set[str]]]:
    """A stand-in for the portal's handler of ``portal.sync`` (the adapter itself is tested against the
    simulator in integrations/): accepts every message but those of the dossiers it is told to refuse
    or to find the portal down for. What is counted here is the outbox's record, not the wire."""
    told: dict[str, set[str]] = {"refuse": set(), "down": set()}

    def handle(message: OutboxMessage) -> None:
        if message.dossier_code in told["refuse"]:
            raise delivery.Refused("error_code 5: MaTTHC không tồn tại")
        if message.dossier_code in told["down"]:
            raise delivery.Retry("Cổng không trả lời")

    saved = delivery.handlers()
    delivery.replace_handlers({OutboxMessage.Topic.PORTAL_SYNC: handle})
    yield told
    delivery.replace_handlers(saved)


def _received(api: Any, officer: Any, clock: Any, day: int) -> str:
    clock(vn(2026, 3, day, 9, 0))
    status, body = api(officer).post("dossiers", counter_body())
    assert status == 201, body
    return str(body["code"])


def _sync_indicator(unit: Any) -> tuple[int | None, int | None, float | None]:
    [found] = [
        (i.numerator, i.denominator, i.score) for g in unit.groups for i in g.indicators if i.code == "CKMB.4"
    ]
    return found


def test_the_sync_rate_counts_dossiers_whose_first_message_the_portal_acknowledged(
    api, officer_a, superuser, clock, portal
) -> None:
    # Four dossiers of commune A received in March at the counter; one more of a procedure in test
    # mode; one imported from the old system (synced by it: motcua cannot tell).
    codes = [_received(api, officer_a, clock, day) for day in (2, 3, 4, 5)]
    procedure_set_test(actor=superuser, procedure=Procedure.objects.get(code="1.002755"), is_test=True)
    clock(vn(2026, 3, 6, 9, 0))
    status, test = api(officer_a).post("dossiers", counter_body(procedure="1.002755"))
    assert status == 201, test
    [imported] = [line for line in march_lines() if json.loads(line)["code"] == "H31-SI-D1"]
    assert import_lines([imported]).imported == 1

    # The portal accepts the first two, refuses the third, is down for the fourth.
    portal["refuse"].add(codes[2])
    portal["down"].add(codes[3])
    clock(vn(2026, 3, 9, 9, 0))
    call_command("deliver_outbox", "--until-empty")
    first = {
        code: OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC, dossier_code=code)
        .order_by("pk")
        .first()
        .status
        for code in codes
    }
    assert list(first.values()) == ["delivered", "delivered", "dead", "pending"]

    index = compute_month(MARCH)
    unit = next(u for u in index.units if u.code == COMMUNE_A)
    # 2 synced of 4 received (the test and imported dossiers left out): 50 % of a 100 % target
    # → 6 points × 50/100 = 3.
    assert _sync_indicator(unit) == (2, 4, 3.0)
    assert _sync_indicator(index.province) == (2, 4, 3.0)
    assert compute_month(MARCH, naive=True) == index

    # The drill-down lists the same four, each with what became of its first message.
    drill = indicator_drilldown(
        measure="portal_sync", month=MARCH, unit_code=COMMUNE_A, province_code=index.province.code
    )
    rows = sorted((r.code, r.counted, r.flag) for r in map(drill.row, drill.items))
    assert rows == [
        (codes[0], True, "Đã đồng bộ lên Cổng DVCQG"),
        (codes[1], True, "Đã đồng bộ lên Cổng DVCQG"),
        (codes[2], False, "Gửi không được, chờ xử lý"),
        (codes[3], False, "Chưa được Cổng DVCQG xác nhận"),
    ]

    # Target 5 for commune A over March: 50 %, missed.
    agency = Agency.objects.get(code=COMMUNE_A)
    scope = ReportScope(everything=False, agency_ids=frozenset({agency.pk}))
    [row] = progress(2026, scope=scope, start=date(2026, 3, 1), end=date(2026, 3, 31)).units
    [result] = [r for r in row.results if r.target.measure == "portal_sync"]
    assert (result.reading.value, result.reading.numerator, result.reading.denominator) == (50.0, 2, 4)
    assert result.status is Status.MISSED

    # The portal comes back: the fourth is delivered, the refused one stays dead → 3 of 4.
    portal["down"].clear()
    clock(vn(2026, 3, 10, 9, 0))
    call_command("deliver_outbox", "--until-empty")
    unit = next(u for u in compute_month(MARCH).units if u.code == COMMUNE_A)
    assert _sync_indicator(unit) == (3, 4, 4.5)


def test_a_month_without_dossiers_to_count_has_no_sync_figure(clock) -> None:
    assert import_lines(march_lines()).imported == 9  # imported only: nothing motcua synced itself
    unit = next(u for u in compute_month(MARCH).units if u.code == COMMUNE_A)
    assert _sync_indicator(unit) == (0, 0, None)
