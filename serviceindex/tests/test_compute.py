"""compute_month: a hand-computed month, facts against dossiers, units and their roll-up."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from catalog.models import Procedure
from dossiers.importer import import_lines
from organization.models import Agency
from reports.tests.history import VN, history_lines
from serviceindex.compute import NoMethodology, compute_month
from serviceindex.models import Indicator, Methodology
from serviceindex.tests.scenario import COMMUNE_A, COMMUNE_B, DEPARTMENT_JUSTICE, march_lines

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture
def march() -> None:
    summary = import_lines(march_lines())
    assert summary.imported == 9, summary.rejections


def _indicators(unit) -> dict[str, tuple[int | None, int | None, float | None]]:
    return {i.code: (i.numerator, i.denominator, i.score) for g in unit.groups for i in g.indicators}


def _unit(index, code):
    return next(u for u in index.units if u.code == code)


def test_commune_a_in_march_matches_the_hand_computation(march) -> None:
    index = compute_month(date(2026, 3, 17))
    assert index.month == MARCH
    a = _unit(index, COMMUNE_A)
    assert _indicators(a) == {
        # Not captured by the system: no data.
        "CKMB.1": (None, None, None),
        "CKMB.2": (None, None, None),
        "MDSH.4": (None, None, None),
        "MDSH.5": (None, None, None),
        "MDHL.1": (None, None, None),
        "MDHL.2": (None, None, None),
        # 7 commune procedures in force; 2.002516 has no processing time: 6/7 → 4 × 6/7 = 3.43.
        "CKMB.3": (6, 7, 3.43),
        # Resolved in March: D0 late, D1 early, D2 on time, D3 late; pending at the end: D4 overdue,
        # D5 in time, D6 in time (awaiting supplement). (2 + 2) / (4 + 3) = 57.14 % → 16 × 4/7 = 9.14.
        "TDGQ.1": (4, 7, 9.14),
        # Imported dossiers only (the old system synced them): none to count, no data.
        "CKMB.4": (0, 0, None),
        # (1 early + 1 on time) / 4 resolved = 50 % → 4 × 0.5 = 2.
        "TDGQ.2": (2, 4, 2.0),
        # No procedure is fully online: 0/7 → 0 points (with data).
        "CLGQ.1": (0, 7, 0.0),
        # All 7 offer a partial online service; 1.001193 (D2) and 1.002755 (D4) got an online dossier:
        # 2/7 = 28.57 % of a 100 % target → 2 × 2/7 = 0.57.
        "CLGQ.2": (2, 7, 0.57),
        # Received D1–D7: online D2, D4 → 2/7 = 28.57 % against 50 % → 6 × (200/7) / 50 = 24/7 = 3.43.
        "CLGQ.3": (2, 7, 3.43),
        # Fee-bearing procedures 1.002755 and 2.002516; one (1.002755) was paid online: 50 % of 80 %
        # → 4 × 50/80 = 2.5.
        "TTTT.1": (1, 2, 2.5),
        # Dossiers of fee-bearing procedures: D4 (paid online), D5, D6 → 33.33 % against 45 %
        # → 6 × (100/3) / 45 = 4.44.
        "TTTT.2": (1, 3, 4.44),
        # Electronic results of the 4 resolved: D0, D1, D2 → 75 % → 6 × 0.75 = 4.5.
        "MDSH.1": (3, 4, 4.5),
        # Digitised among 7 received: D1, D2, D6 → 42.86 % against 80 % → 6 × (300/7) / 80 = 3.21.
        "MDSH.2": (3, 7, 3.21),
        # Reused: D2 → 14.29 % against 80 % → 6 × (100/7) / 80 = 1.07.
        "MDSH.3": (1, 7, 1.07),
        # Rated among the resolved: D0 (4), D1 (5), D2 (3) → 2 satisfied / 3 = 66.67 % against 90 %
        # → 10 × (200/3) / 90 = 7.41.
        "MDHL.3": (2, 3, 7.41),
    }
    # Exact sum 24/7 + (64/7 + 2) + (0 + 4/7 + 24/7) + (5/2 + 40/9) + (9/2 + 45/14 + 15/14) + 200/27
    # = 41.709 → 41.71, out of the 74 points whose indicators have data (100 − 26 not captured).
    assert (a.score, a.max_score) == (41.71, 74.0)
    assert [g.score for g in a.groups] == [3.43, 11.14, 4.0, 6.94, 8.79, 7.41]
    # Commune B: one online dossier resolved early, digitised, e-result, rated 5:
    # 24/7 + 20 + (0 + 2/7 + 6) + (0 + no data) + (6 + 6 + 0) + 10 = 51.71 of 68.
    b = _unit(index, COMMUNE_B)
    assert (b.score, b.max_score, b.rank) == (51.71, 68.0, 1)
    assert (a.rank, a.rank_of) == (2, 104)
    # The 102 other communes only have catalog data (3.43) and share rank 3.
    others = [u for u in index.units if u.level == "commune" and u.code not in {COMMUNE_A, COMMUNE_B}]
    assert len(others) == 102 and {(u.score, u.rank) for u in others} == {(3.43, 3)}
    # The province: resolved 5 (3 early or on time), pending 3 (2 in time) → 5/8.
    assert _indicators(index.province)["TDGQ.1"] == (5, 8, 10.0)
    assert index.province.rank is None


def test_departments_rank_among_departments_and_divisions_roll_up(march) -> None:
    # A dossier handled by a division of the Justice department, received at the provincial centre.
    division = Agency.objects.get(code="000.01.04.H31")
    Procedure.objects.get(code="2.002516").current_version.agencies.add(division)
    line = json.loads(march_lines()[1])
    line.update(
        code="H31-SI-T1",
        procedure="2.002516",
        receiving_agency="000.00.02.H31",
        handling_agency="000.01.04.H31",
        processing_time={"amount": 3, "unit": "working_day"},
    )
    assert import_lines([json.dumps(line, ensure_ascii=False)]).imported == 1
    index = compute_month(MARCH)
    justice = _unit(index, DEPARTMENT_JUSTICE)
    assert justice.level == "province"
    assert _indicators(justice)["TDGQ.2"] == (1, 1, 4.0)
    departments = [u for u in index.units if u.level == "province"]
    assert {u.rank_of for u in departments} == {sum(u.rank is not None for u in departments)}
    # Vertical agencies without dossiers are not evaluated; departments always are.
    assert "000.00.50.H31" not in {u.code for u in departments}
    assert "000.00.14.H31" in {u.code for u in departments}
    # Ranked units come first, by rank.
    ranks = [u.rank for u in departments]
    assert ranks == sorted(ranks, key=lambda r: (r is None, r or 0))


def test_facts_and_dossiers_give_the_same_index() -> None:
    import_lines(history_lines(seed=23, count=12, start=datetime(2026, 2, 2, tzinfo=VN), days=50))
    import_lines(march_lines())
    for month in (date(2026, 2, 1), MARCH, date(2026, 4, 1)):
        fast, naive = compute_month(month), compute_month(month, naive=True)
        assert fast == naive, month
    assert _unit(compute_month(MARCH), COMMUNE_A).score is not None


def test_the_methodology_of_a_month_is_the_latest_effective_on_its_first_day() -> None:
    current = Methodology.objects.get(effective_from=date(2024, 1, 1))
    newer = Methodology.objects.create(
        name="Bộ chỉ số thử", legal_basis="Thử", effective_from=date(2026, 3, 2)
    )
    for row in current.indicators.all():
        row.pk = None
        row.methodology = newer
        row.target = 10
        row.save()
    assert compute_month(MARCH).methodology_id == current.pk  # 2 March is after 1 March
    assert compute_month(date(2026, 4, 1)).methodology_id == newer.pk
    with pytest.raises(NoMethodology):
        compute_month(date(2023, 12, 1))
    assert Indicator.objects.filter(methodology=newer).count() == 19
