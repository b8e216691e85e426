"""An online dossier refused or withdrawn before reception has a code (issued at its submission:
docs/domain.md §4 rule 2) and reaches the national portal, yet it counts in the reports exactly as
before: never received, never pending, in no rate — the facts, the naive recount and the sync rate's
denominator (dossiers received in the period) all leave it out."""

from __future__ import annotations

from datetime import date

import pytest

from reports.summary import summary, summary_naive
from reports.sync import sync_counts
from testing.dossiers import ONLINE, counter_body, vn

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def test_a_dossier_closed_before_reception_is_not_received_though_it_has_a_code(
    api, citizen, officer_a, clock
) -> None:
    clock(vn(2026, 3, 2, 8, 0))
    codes = [api(citizen).post("dossiers", ONLINE)[1]["code"] for _ in range(3)]
    assert all(codes) and len(set(codes)) == 3
    refused, withdrawn, received = codes
    clock(vn(2026, 3, 2, 9, 0))
    assert api(officer_a).post(f"dossiers/{refused}/actions/refuse", {"reason": "Sai thẩm quyền"})[0] == 200
    assert api(citizen).post(f"dossiers/{withdrawn}/actions/withdraw", {"reason": "Nộp nhầm"})[0] == 200
    assert api(officer_a).post(f"dossiers/{received}/actions/receive", {})[0] == 200
    assert api(officer_a).post("dossiers", counter_body())[0] == 201

    [counts] = summary(*MARCH).values()
    assert counts == summary_naive(*MARCH)[None]
    assert (counts.received_online, counts.received_counter, counts.received) == (1, 1, 2)
    assert (counts.pending, counts.stopped, counts.resolved) == (2, 0, 0)
    assert counts.balanced
    # The sync rate counts the dossiers received in the period: the two closed before reception are
    # not among them, although their messages bear their codes.
    [sync] = sync_counts(*MARCH).values()
    assert sync.received == 2
