"""The demo history imports whole through the importer's rules and shows up in the reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from demo.history import anchor_history, load_history, publish_index
from dossiers.history import verify
from dossiers.models import Dossier, HistoryAnchor
from reports.summary import summary, summary_naive
from serviceindex import selectors as index_selectors

pytestmark = pytest.mark.django_db


def test_demo_history_imports_every_line_once() -> None:
    result = load_history(60, say=lambda line: None)
    assert result is not None
    assert result.rejected == 0, result.rejections[:3]
    assert result.imported == Dossier.objects.filter(code__startswith="H31-DEMO-").count() > 40
    assert load_history(60, say=lambda line: None) is None  # idempotent
    today = timezone.localdate()
    start = today - timedelta(days=130)
    counts = summary(start, today)[None]
    assert counts == summary_naive(start, today)[None]
    assert counts.received == result.imported and counts.balanced


def test_the_demo_publishes_the_index_of_its_finished_months(monitor) -> None:
    assert publish_index(say=lambda line: None) == 0  # no demo history, nothing to show
    load_history(60, say=lambda line: None)
    assert publish_index(say=lambda line: None) == 3
    months = index_selectors.published_months()
    this_month = timezone.localdate().replace(day=1)
    assert len(months) == 3 and months[0] == (this_month - timedelta(days=1)).replace(day=1)
    assert publish_index(say=lambda line: None) == 0  # idempotent


def test_the_demo_anchors_the_closed_days_of_its_history(time_machine) -> None:
    load_history(20, say=lambda line: None)
    assert anchor_history(say=lambda line: None) == 0  # recorded today: the day is not over
    time_machine.move_to(timezone.now() + timedelta(days=1))
    assert anchor_history(say=lambda line: None) == 1
    anchor = HistoryAnchor.objects.get()
    assert anchor.day == timezone.localdate() - timedelta(days=1) and anchor.event_count > 20
    assert verify().clean
