"""The QĐ 766 methodology loaded by the data migration: six groups, 100 points, every sub-indicator
with a known measure; the loader can run again without duplicating anything."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from serviceindex import methodologies
from serviceindex.compute import NOT_CAPTURED, methodology_for
from serviceindex.models import Indicator, Measure, Methodology

pytestmark = pytest.mark.django_db


def test_the_qd766_methodology_is_loaded_with_six_groups_of_100_points() -> None:
    methodology = Methodology.objects.get(effective_from=date(2024, 1, 1))
    assert "766/QĐ-TTg" in methodology.legal_basis
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in methodology.indicators.order_by("position"):
        groups[indicator.group_code].append(indicator)
    assert {code: rows[0].group_points for code, rows in groups.items()} == {
        "CKMB": 18,
        "TDGQ": 20,
        "CLGQ": 12,
        "TTTT": 10,
        "MDSH": 22,
        "MDHL": 18,
    }
    for rows in groups.values():
        assert sum(r.points for r in rows) == rows[0].group_points
    measures = {i.measure for i in methodology.indicators.all()}
    assert measures <= set(Measure.values)
    not_captured = sum(i.points for i in methodology.indicators.all() if i.measure in NOT_CAPTURED)
    assert not_captured == Decimal(20)  # CKMB.1, .2; MDSH.4, .5; MDHL.1, .2 (CKMB.4 is measured)
    assert methodology_for(date(2026, 3, 1)) == methodology


def test_loading_again_changes_nothing() -> None:
    before = list(Indicator.objects.order_by("pk").values())
    Indicator.objects.filter(code="TDGQ.1").update(name="sửa tay")
    methodologies.load(Methodology, Indicator)
    assert list(Indicator.objects.order_by("pk").values()) == before
    assert Methodology.objects.count() == 1
