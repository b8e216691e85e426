"""Administrators edit the targets per year and unit type; every change is kept in the history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from targets.models import Measure, Target, UnitType
from targets.progress import targets_for

pytestmark = pytest.mark.django_db


def test_a_unit_type_row_overrides_the_row_for_all_units() -> None:
    shared = Target(
        year=2027, unit_type=UnitType.ALL, code="online_dossiers", threshold=Decimal(60), position=3
    )
    communes = Target(
        year=2027, unit_type=UnitType.COMMUNE, code="online_dossiers", threshold=Decimal(70), position=3
    )
    copies = Target(
        year=2027, unit_type=UnitType.COMMUNE, code="certified_e_copies", threshold=100, position=7
    )
    rows = [communes, shared, copies]
    assert targets_for(rows, UnitType.COMMUNE) == [communes, copies]
    assert targets_for(rows, UnitType.DEPARTMENT) == [shared]
    assert shared.threshold_text == "≥ 60%"
    assert copies.threshold_text == "100%"
    assert Target(threshold=Decimal("45.5"), comparison="gte").threshold_text == "≥ 45,5%"
    assert Target(threshold=Decimal(10), comparison="lte").reached(9.99)


def test_the_admin_edits_a_target_and_keeps_its_history(client, superuser) -> None:
    target = Target.objects.get(year=2026, code="satisfaction")
    client.force_login(superuser)
    url = f"/quan-tri/targets/target/{target.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "year": 2026,
            "unit_type": UnitType.ALL,
            "position": 10,
            "code": "satisfaction",
            "name": target.name,
            "measure": Measure.SATISFACTION,
            "comparison": "gte",
            "threshold": "95",
            "legal_basis": "Kế hoạch năm 2026 của UBND tỉnh (ví dụ).",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.threshold == 95
    assert target.history.count() == 1
    assert client.get(f"{url.removesuffix('change/')}history/").status_code == 200
    # The same code twice for one year and unit type is refused.
    response = client.post(
        "/quan-tri/targets/target/add/",
        {
            "year": 2026,
            "unit_type": UnitType.ALL,
            "position": 11,
            "code": "satisfaction",
            "name": "Trùng",
            "measure": Measure.SATISFACTION,
            "comparison": "gte",
            "threshold": "90",
        },
    )
    assert response.status_code == 200
    assert Target.objects.filter(year=2026, code="satisfaction").count() == 1
