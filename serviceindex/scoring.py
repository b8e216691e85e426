"""The arithmetic of the service index (QĐ 766/QĐ-TTg; docs/domain.md §9), with no Django in it.

A sub-indicator with rate R (percent) against target T scores its full points when R ≥ T, otherwise
R × points ÷ T. An indicator whose fact the system does not capture, or whose denominator is zero in
the month, has no data: its score is None and its points leave the unit's attainable maximum. A group
scores the sum of its indicators with data, a unit the sum of its groups with data; a unit with no
data at all has no score and is not ranked. Ranks are competition ranks ("1, 2, 2, 4") over the
scores as published (two decimals).

Every value is computed exactly (``Fraction``) and rounded to two decimals only when it is shown, so
the same inputs always give the same floats (``compute_month`` results compare with ``==``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

Number = int | float | Decimal | Fraction
K = TypeVar("K", bound=Hashable)

HUNDRED = Fraction(100)


def exact(value: Number) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def shown(value: Fraction) -> float:
    """A value as published: two decimals."""
    return float(round(value, 2))


def rate_of(numerator: int, denominator: int) -> Fraction | None:
    """numerator ÷ denominator in percent, None when there is nothing to divide by."""
    if denominator <= 0:
        return None
    return HUNDRED * numerator / denominator


def indicator_score(rate: Number | None, points: Number, target: Number) -> Fraction | None:
    """Full ``points`` at or over ``target`` percent, else rate × points ÷ target; None without a rate.

    A target of 0 (or less) is met by any rate. Negative rates count as 0 (they cannot come from
    counts, but the function stays within [0, points] whatever it is given)."""
    if rate is None:
        return None
    r, p, t = max(exact(rate), Fraction(0)), max(exact(points), Fraction(0)), exact(target)
    if t <= 0 or r >= t:
        return p
    return r * p / t


@dataclass(frozen=True)
class IndicatorSpec:
    """One sub-indicator of a methodology, as the arithmetic needs it."""

    code: str
    name: str
    points: Fraction
    target: Fraction
    measure: str


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    points: Fraction
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class Measurement:
    """What a measure found for one unit and month: numerator and denominator (both None when the
    fact is not captured by the system)."""

    numerator: int | None = None
    denominator: int | None = None

    @property
    def rate(self) -> Fraction | None:
        if self.numerator is None or self.denominator is None:
            return None
        return rate_of(self.numerator, self.denominator)


NOT_CAPTURED = Measurement()


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    name: str
    points: float
    target: float
    rate: float | None
    score: float | None
    numerator: int | None
    denominator: int | None
    exact_score: Fraction | None

    @property
    def no_data(self) -> bool:
        return self.score is None


@dataclass(frozen=True)
class GroupResult:
    code: str
    name: str
    points: float
    score: float | None
    indicators: tuple[IndicatorResult, ...]
    exact_score: Fraction | None
    exact_max: Fraction


@dataclass(frozen=True)
class UnitScore:
    score: float | None
    max_score: float
    groups: tuple[GroupResult, ...]


def score_indicator(spec: IndicatorSpec, measurement: Measurement) -> IndicatorResult:
    rate = measurement.rate
    value = indicator_score(rate, spec.points, spec.target)
    return IndicatorResult(
        code=spec.code,
        name=spec.name,
        points=shown(spec.points),
        target=shown(spec.target),
        rate=None if rate is None else shown(rate),
        score=None if value is None else shown(value),
        numerator=measurement.numerator,
        denominator=measurement.denominator,
        exact_score=value,
    )


def _sum(values: Iterable[Fraction | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return sum(present, Fraction(0)) if present else None


def score_group(spec: GroupSpec, measurements: Mapping[str, Measurement]) -> GroupResult:
    """The group's indicators scored from ``measurements`` (by measure key; absent = not captured)."""
    indicators = tuple(score_indicator(i, measurements.get(i.measure, NOT_CAPTURED)) for i in spec.indicators)
    total = _sum(i.exact_score for i in indicators)
    attainable = sum((exact(i.points) for i in indicators if i.exact_score is not None), Fraction(0))
    return GroupResult(
        code=spec.code,
        name=spec.name,
        points=shown(spec.points),
        score=None if total is None else shown(total),
        indicators=indicators,
        exact_score=total,
        exact_max=attainable,
    )


def score_unit(groups: Sequence[GroupSpec], measurements: Mapping[str, Measurement]) -> UnitScore:
    results = tuple(score_group(g, measurements) for g in groups)
    total = _sum(g.exact_score for g in results)
    attainable = sum((g.exact_max for g in results), Fraction(0))
    return UnitScore(
        score=None if total is None else shown(total), max_score=shown(attainable), groups=results
    )


def competition_ranks(scores: Mapping[K, float | None]) -> dict[K, int | None]:
    """Rank 1 for the highest score; equal scores share a rank and the next rank skips (1, 2, 2, 4).
    Units without a score are not ranked (None)."""
    ranked = sorted((round(s, 2) for s in scores.values() if s is not None), reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(ranked, start=1):
        first.setdefault(value, position)
    return {key: None if s is None else first[round(s, 2)] for key, s in scores.items()}
