"""The statutory summary (docs/domain.md §9) over time: one ``Counts`` per day or per month of [start, end].

Each point equals ``summary(point.start, point.end)``, computed with two queries whatever the number
of points: the flows of every period grouped by fact period (month rows for whole months, day rows
elsewhere), and the stock before ``start``; the stock at the end of each period (pending, overdue)
is then a running sum of the daily deltas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet, Sum

from reports.models import Fact
from reports.summary import Counts, ReportScope, cover, prefix

WHOLE = ReportScope()


class Interval(StrEnum):
    DAY = "day"
    MONTH = "month"


# Most points a series may have, per interval.
MAX_POINTS = {Interval.DAY: 366, Interval.MONTH: 120}

FLOWS = {
    "received_online": Sum("received", filter=Q(channel="online")),
    "received_counter": Sum("received", filter=Q(channel="counter")),
    "received_postal": Sum("received", filter=Q(channel="postal")),
    "resolved_early": Sum("resolved_early"),
    "resolved_on_time": Sum("resolved_on_time"),
    "resolved_late": Sum("resolved_late"),
    "stopped": Sum("stopped"),
    "supplement_requests": Sum("supplement_requests"),
    "digitized": Sum("digitized"),
    "reused": Sum("reused"),
    "paid_online": Sum("paid_online"),
    "e_results": Sum("e_results"),
    "rated": Sum("rated"),
    "satisfied": Sum("satisfied"),
}


@dataclass(frozen=True)
class Point:
    start: date
    end: date
    counts: Counts

    def label(self, interval: Interval) -> str:
        return self.start.strftime("%d/%m/%Y" if interval is Interval.DAY else "%m/%Y")


def _month_end(day: date) -> date:
    following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return following - timedelta(days=1)


def periods(start: date, end: date, interval: Interval) -> list[tuple[date, date]]:
    """[start, end] cut into days or calendar months (the first and last month may be partial)."""
    result: list[tuple[date, date]] = []
    day = start
    while day <= end:
        last = day if interval is Interval.DAY else min(end, _month_end(day))
        result.append((day, last))
        day = last + timedelta(days=1)
    return result


def point_count(start: date, end: date, interval: Interval) -> int:
    if interval is Interval.DAY:
        return (end - start).days + 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _q(pieces: list[tuple[str, date, date]]) -> Q:
    q = Q(pk__in=[])
    for grain, first, following in pieces:
        if first < following:
            q |= Q(grain=grain, period__gte=first, period__lt=following)
    return q


def _flow_pieces(start: date, after: date, interval: Interval) -> list[tuple[str, date, date]]:
    """Fact rows that each fall inside one period: days, or months and days (never whole years)."""
    if interval is Interval.DAY:
        return [(Fact.Grain.DAY.value, start, after)]
    month, year = Fact.Grain.MONTH.value, Fact.Grain.YEAR.value
    return [
        (month if grain == year else grain, first, following)
        for grain, first, following in cover(start, after)
    ]


def series(start: date, end: date, interval: Interval, *, scope: ReportScope = WHOLE) -> list[Point]:
    facts: QuerySet[Fact] = Fact.objects.filter(scope.q("agency"))
    after = end + timedelta(days=1)
    stock = facts.filter(_q(prefix(start))).aggregate(
        pending=Sum("pending_delta"), overdue=Sum("overdue_delta")
    )
    rows = (
        facts.filter(_q(_flow_pieces(start, after, interval)))
        .values("period")
        .annotate(**FLOWS, pending_delta=Sum("pending_delta"), overdue_delta=Sum("overdue_delta"))
        .order_by()
    )

    def key(day: date) -> date:
        return day if interval is Interval.DAY else day.replace(day=1)

    by_period: dict[date, list[dict[str, Any]]] = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        by_period.setdefault(key(values.pop("period")), []).append(values)

    pending, overdue = stock["pending"] or 0, stock["overdue"] or 0
    points: list[Point] = []
    for first, last in periods(start, end, interval):
        counts = Counts(carried_over=pending)
        for sums in by_period.get(key(first), []):
            for name in FLOWS:
                setattr(counts, name, getattr(counts, name) + (sums[name] or 0))
            pending += sums["pending_delta"] or 0
            overdue += sums["overdue_delta"] or 0
        counts.pending, counts.pending_overdue = pending, overdue
        points.append(Point(first, last, counts))
    return points
