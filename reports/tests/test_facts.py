"""The maintained facts give exactly the numbers counted from the dossiers, for any period."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from dossiers.importer import import_lines
from reports.models import Fact
from reports.summary import GroupBy, ReportScope, cover, prefix, summary, summary_naive
from reports.tests.history import VN, history_lines
from testing.database import kept_for_the_module

pytestmark = pytest.mark.django_db


def test_cover_splits_ranges_into_years_months_and_days() -> None:
    assert cover(date(2026, 1, 1), date(2026, 4, 1)) == [("m", date(2026, 1, 1), date(2026, 4, 1))]
    assert cover(date(2025, 12, 30), date(2027, 2, 3)) == [
        ("d", date(2025, 12, 30), date(2026, 1, 1)),
        ("y", date(2026, 1, 1), date(2027, 1, 1)),
        ("m", date(2027, 1, 1), date(2027, 2, 1)),
        ("d", date(2027, 2, 1), date(2027, 2, 3)),
    ]
    assert cover(date(2026, 3, 5), date(2026, 3, 6)) == [("d", date(2026, 3, 5), date(2026, 3, 6))]
    assert prefix(date(2026, 3, 5))[1:] == [
        ("m", date(2026, 1, 1), date(2026, 3, 1)),
        ("d", date(2026, 3, 1), date(2026, 3, 5)),
    ]


@pytest.fixture(scope="module")
def history(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """Imported once for the module's tests (each runs in a savepoint of it)."""
    with kept_for_the_module(django_db_blocker):
        summary_ = import_lines(
            history_lines(seed=7, count=160, start=datetime(2026, 1, 5, tzinfo=VN), days=80)
        )
        assert summary_.imported > 120, summary_
        yield summary_.imported


def _periods() -> list[tuple[date, date]]:
    rng = random.Random(3)
    periods = [(date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30))]
    periods += [(date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1)) for m in range(1, 5)]
    periods += [(date(2025, 12, 1), date(2026, 12, 31)), (date(2026, 2, 16), date(2026, 2, 20))]
    for _ in range(12):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(120))
        periods.append((start, start + timedelta(days=rng.randrange(40))))
    return periods


def test_facts_agree_with_the_dossiers_for_every_period_and_grouping(history: int) -> None:
    for start, end in _periods():
        for group_by in [None, *GroupBy]:
            fast = summary(start, end, group_by=group_by)
            naive = summary_naive(start, end, group_by=group_by)
            assert fast == naive, (start, end, group_by)
            assert all(counts.balanced for counts in fast.values()), (start, end, group_by)
    whole = summary(date(2026, 1, 1), date(2026, 12, 31))[None]
    assert whole.received == history
    assert whole.carried_over == 0
    assert whole.resolved and whole.stopped and whole.pending and whole.supplement_requests


def test_overdue_at_the_end_of_each_day_matches_the_history(history: int) -> None:
    day = date(2026, 1, 5)
    while day < date(2026, 5, 15):
        assert summary(day, day) == summary_naive(day, day), day
        day += timedelta(days=3)


def test_scope_limits_the_summary_to_the_agencies(history: int) -> None:
    from organization.models import Agency

    commune_a = Agency.objects.get(code="000.00.11953.H31")
    scope = ReportScope(everything=False, agency_ids=frozenset({commune_a.pk}))
    period = (date(2026, 1, 1), date(2026, 3, 31))
    mine = summary(*period, scope=scope)[None]
    assert mine == summary_naive(*period, scope=scope)[None]
    assert 0 < mine.received < summary(*period)[None].received
    by_agency = summary(*period, group_by=GroupBy.AGENCY)
    assert by_agency[commune_a.pk] == mine


def test_rebuild_recomputes_the_same_rows(history: int) -> None:
    def rows() -> set[tuple]:
        return set(Fact.objects.exclude(**dict.fromkeys(["received"], 0)).values_list())

    before = {tuple(r[1:]) for r in Fact.objects.values_list()}
    Fact.objects.all().delete()
    call_command("rebuild_facts", verbosity=0)
    after = {tuple(r[1:]) for r in Fact.objects.values_list()}
    # Rows whose counters all cancelled out are not recreated.
    assert {r for r in before if any(r[6:])} == after
    assert rows() is not None


def test_old_periods_sum_prefixes_and_agree_too(history: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Periods of past years read the stocks as prefix sums; recent ones as "now" minus suffix sums."""
    from reports import summary as module

    monkeypatch.setattr(module.timezone, "localdate", lambda: date(2040, 1, 1))  # every period is old
    for start, end in _periods()[:8]:
        for group_by in [None, GroupBy.AGENCY]:
            assert summary(start, end, group_by=group_by) == summary_naive(start, end, group_by=group_by)
