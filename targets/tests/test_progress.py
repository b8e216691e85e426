"""Each unit's progress against the targets, computed by hand from a small history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalog.models import OnlineLevel, Procedure, ProcedureVersion
from organization.models import Agency
from reports.summary import ReportScope
from targets.models import Target, UnitType
from targets.progress import Status, progress, targets_of_year, unit_roots
from targets.tests import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(clock) -> None:
    clock(scenario.NOW)
    scenario.load()


def _commune_a(year: int = 2026, **kwargs):
    agency = Agency.objects.get(code=scenario.COMMUNE_A)
    scope = ReportScope(everything=False, agency_ids=frozenset({agency.pk}))
    [row] = progress(year, scope=scope, **kwargs).units
    return row, {r.target.code: r for r in row.results}


def test_the_appendix_is_loaded_for_2024_to_2026() -> None:
    assert Target.objects.filter(year=2024).count() == 10
    for year in (2024, 2025, 2026):
        rows = {(t.code, t.unit_type): t.threshold for t in Target.objects.filter(year=year)}
        assert rows[("full_online_services", UnitType.ALL)] == 80
        assert rows[("online_payment", UnitType.ALL)] == 45
        assert rows[("certified_e_copies", UnitType.COMMUNE)] == 100
        assert rows[("satisfaction", UnitType.ALL)] == 90
    # Seed 001 raised the online-dossier target from 50 % to 60 % from 2025 on.
    assert Target.objects.get(year=2024, code="online_dossiers").threshold == 50
    assert Target.objects.get(year=2025, code="online_dossiers").threshold == 60
    assert "60%" in Target.objects.get(year=2026, code="online_dossiers").legal_basis
    # A later year without its own targets keeps the latest ones.
    assert targets_of_year(2031)[0] == 2026
    assert targets_of_year(2019) == (None, [])


def test_commune_progress_matches_a_hand_computation(history) -> None:
    # Commune-level procedures in force in the test catalog: 1.000080, 1.001193, 1.002693, 1.002755,
    # 1.007664, 1.011518, 2.002516 (7), none full-online; make two of them full-online.
    commune_level = Procedure.objects.filter(current_version__at_commune=True)
    assert commune_level.count() == 7
    ProcedureVersion.objects.filter(procedure__code__in=["1.001193", "1.002755"], status="in_force").update(
        online_level=OnlineLevel.FULL
    )

    row, by_code = _commune_a()
    assert row.unit.unit_type == UnitType.COMMUNE
    assert row.results[0].target.code == "full_online_services"
    readings = {
        code: (r.reading.numerator, r.reading.denominator, r.reading.value) for code, r in by_code.items()
    }
    # Received by commune A in 2026 up to 01/04: A1–A6 = 6, online A1 and A4 → 2 / 6.
    assert readings["online_dossiers"] == (2, 6, 33.33)
    # Digitised: A1, A2, A4, A5, A6 → 5 / 6.
    assert readings["digitization"] == (5, 6, 83.33)
    # Reused: A1 → 1 / 6.
    assert readings["data_reuse"] == (1, 6, 16.67)
    # Resolved A1–A4 = 4, with an e-result A1, A2, A4 → 3 / 4.
    assert readings["e_results"] == (3, 4, 75.0)
    # Rated A1 (5), A2 (3), A3 (4); satisfied (4 or 5) A1 and A3 → 2 / 3.
    assert readings["satisfaction"] == (2, 3, 66.67)
    # Only 1.002755 charges a fee: A4 (paid online) and A5 → 1 / 2.
    assert readings["online_payment"] == (1, 2, 50.0)
    # 2 of the 7 commune-level procedures are full-online.
    assert readings["full_online_services"] == (2, 7, 28.57)

    assert {code: r.status for code, r in by_code.items()} == {
        "full_online_services": Status.MISSED,  # 28.57 < 80
        "online_payment": Status.MET,  # 50 ≥ 45
        "online_dossiers": Status.MISSED,  # 33.33 < 60 (2026)
        "digitization": Status.MET,  # 83.33 ≥ 80
        "portal_sync": Status.NO_DATA,
        "e_results": Status.MISSED,  # 75 < 100
        "certified_e_copies": Status.NO_DATA,
        "data_reuse": Status.MISSED,  # 16.67 < 50
        "feedback_on_time": Status.NO_DATA,
        "satisfaction": Status.MISSED,  # 66.67 < 90
    }
    assert row.missed == [
        "full_online_services",
        "online_dossiers",
        "e_results",
        "data_reuse",
        "satisfaction",
    ]


def test_a_lower_threshold_turns_a_miss_into_a_met_and_a_period_narrows_the_count(history) -> None:
    Target.objects.filter(year=2026, code="online_dossiers").update(threshold=Decimal(30))
    _, by_code = _commune_a()
    assert by_code["online_dossiers"].status is Status.MET  # 33.33 ≥ 30
    # From 09/01 only: A3 is before; received A4 (online), A5, A6 → 1 / 3.
    _, by_code = _commune_a(start=date(2026, 1, 9), end=date(2026, 3, 31))
    reading = by_code["online_dossiers"].reading
    assert (reading.numerator, reading.denominator) == (1, 3)
    assert by_code["online_dossiers"].status is Status.MET  # 33.33 ≥ 30


def test_no_dossiers_means_no_data_not_a_miss(history) -> None:
    _, by_code = _commune_a(2026, start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert by_code["online_dossiers"].status is Status.NO_DATA
    assert by_code["satisfaction"].reading.value is None


def test_a_division_counts_for_its_department(history) -> None:
    justice = Agency.objects.get(code=scenario.JUSTICE)
    division = Agency.objects.get(code=scenario.JUSTICE_DIVISION)
    assert unit_roots()[division.pk] == justice.pk
    centre_a = Agency.objects.get(code=scenario.CENTRE_A)
    assert unit_roots()[centre_a.pk] == Agency.objects.get(code=scenario.COMMUNE_A).pk

    rows = progress(2026).units
    [row] = [r for r in rows if r.unit.code == scenario.JUSTICE]
    assert row.unit.unit_type == UnitType.DEPARTMENT
    by_code = {r.target.code: r for r in row.results}
    # Departments get no certified-copy target (communes only).
    assert "certified_e_copies" not in by_code
    # J1: online, paid online, digitised, e-result, rating 5 → 1 / 1 each.
    assert by_code["online_dossiers"].reading.value == 100.0
    assert by_code["online_payment"].reading.value == 100.0
    assert by_code["satisfaction"].status is Status.MET
    # Every department and commune of the province is a unit; commune B has its own numbers.
    assert len(rows) == Agency.objects.filter(kind="department").count() + 104
    [b] = [r for r in rows if r.unit.code == scenario.COMMUNE_B]
    assert {r.target.code: r.reading.denominator for r in b.results}["online_dossiers"] == 1
