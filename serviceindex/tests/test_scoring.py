"""The index arithmetic (serviceindex/scoring.py): indicator scores, sums with "no data", ranks."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from serviceindex.scoring import (
    GroupSpec,
    IndicatorSpec,
    Measurement,
    competition_ranks,
    indicator_score,
    rate_of,
    score_unit,
)

rates = st.fractions(min_value=0, max_value=100)
points = st.fractions(min_value=0, max_value=30)
targets = st.fractions(min_value=Fraction(1, 100), max_value=100)


@given(rate=rates, pts=points, target=targets)
def test_a_score_stays_between_zero_and_the_points(rate, pts, target) -> None:
    score = indicator_score(rate, pts, target)
    assert score is not None
    assert 0 <= score <= pts


@given(low=rates, high=rates, pts=points, target=targets)
def test_a_score_never_falls_when_the_rate_rises(low, high, pts, target) -> None:
    low, high = min(low, high), max(low, high)
    lower, higher = indicator_score(low, pts, target), indicator_score(high, pts, target)
    assert lower is not None and higher is not None
    assert lower <= higher


@given(target=targets, extra=st.fractions(min_value=0, max_value=100), pts=points)
def test_full_points_at_or_over_the_target(target, extra, pts) -> None:
    assert indicator_score(target, pts, target) == pts
    assert indicator_score(min(target + extra, 100), pts, target) == pts


def test_under_the_target_the_score_is_proportional() -> None:
    # 40 % against a target of 80 % earns half of 6 points.
    assert indicator_score(40, 6, 80) == 3
    # 2 of 7 dossiers online (28.57 %) against 50 %: 6 × (200/7) ÷ 50 = 24/7.
    assert indicator_score(rate_of(2, 7), 6, 50) == Fraction(24, 7)
    assert indicator_score(None, 6, 80) is None
    assert indicator_score(0, 6, 0) == 6  # a zero target is met by anything
    assert rate_of(0, 0) is None


def _methodology() -> list[GroupSpec]:
    def spec(code: str, pts: int, target: int, measure: str) -> IndicatorSpec:
        return IndicatorSpec(
            code=code, name=code, points=Fraction(pts), target=Fraction(target), measure=measure
        )

    return [
        GroupSpec("A", "Nhóm A", Fraction(10), (spec("A.1", 6, 100, "a1"), spec("A.2", 4, 50, "a2"))),
        GroupSpec("B", "Nhóm B", Fraction(5), (spec("B.1", 5, 100, "b1"),)),
    ]


def test_indicators_without_data_leave_score_and_maximum() -> None:
    result = score_unit(_methodology(), {"a1": Measurement(1, 2), "a2": Measurement(0, 0)})
    # A.1: 50 % of 6 = 3; A.2 has a zero denominator, B.1 is not measured: no data.
    assert result.score == 3.0 and result.max_score == 6.0
    group_a, group_b = result.groups
    assert (group_a.score, group_b.score) == (3.0, None)
    assert [i.no_data for i in group_a.indicators] == [False, True]
    assert group_a.indicators[1].numerator == 0 and group_a.indicators[1].denominator == 0
    assert group_b.indicators[0].numerator is None
    nothing = score_unit(_methodology(), {})
    assert (nothing.score, nothing.max_score) == (None, 0.0)


def test_scores_are_rounded_only_when_shown() -> None:
    # Three thirds of a point each: 1/3 + 1/3 + 1/3 = 1.00, not 0.33 × 3 = 0.99.
    third = IndicatorSpec(code="x", name="x", points=Fraction(1), target=Fraction(100), measure="m")
    groups = [GroupSpec("G", "G", Fraction(3), (third, third, third))]
    result = score_unit(groups, {"m": Measurement(1, 3)})
    assert result.groups[0].indicators[0].score == 0.33
    assert result.score == 1.0


def test_ties_share_a_rank_and_units_without_data_are_unranked() -> None:
    ranks = competition_ranks({"a": 80.0, "b": 91.5, "c": 80.0, "d": None, "e": 12.25})
    assert ranks == {"b": 1, "a": 2, "c": 2, "e": 4, "d": None}
    assert competition_ranks({}) == {}


@given(st.dictionaries(st.integers(0, 50), st.one_of(st.none(), st.floats(0, 100)), max_size=30))
def test_ranks_follow_the_scores(scores) -> None:
    ranks = competition_ranks(scores)
    ranked = {k: s for k, s in scores.items() if s is not None}
    assert {k for k, r in ranks.items() if r is None} == set(scores) - set(ranked)
    for a, sa in ranked.items():
        higher = sum(1 for sb in ranked.values() if round(sb, 2) > round(sa, 2))
        assert ranks[a] == higher + 1
