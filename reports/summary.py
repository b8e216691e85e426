"""The statutory summary (docs/domain.md §9) for a period of local dates [start, end], both inclusive.

``summary`` sums the maintained facts (a few hundred rows for a quarter of a province);
``summary_naive`` counts the same numbers straight from the dossiers and their events, as a check
(tests and ``bench/report_facts.py`` assert that the two agree exactly). Neither counts test dossiers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent, SupplementRequest
from dossiers.transitions import CLOCK_RUNNING, PENDING, Status
from reports.models import SATISFIED_RATING, Fact
from worktime.calendar import VN_TZ

EPOCH = date(1900, 1, 1)


class GroupBy(StrEnum):
    AGENCY = "agency"
    FIELD = "field"
    PROCEDURE = "procedure"
    CHANNEL = "channel"


# Fact column that carries each grouping.
FACT_COLUMN = {
    GroupBy.AGENCY: "agency_id",
    GroupBy.FIELD: "field_ref",
    GroupBy.PROCEDURE: "procedure_id",
    GroupBy.CHANNEL: "channel",
}


@dataclass
class Counts:
    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_postal: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    stopped: int = 0
    pending: int = 0
    pending_overdue: int = 0
    supplement_requests: int = 0
    digitized: int = 0
    reused: int = 0
    paid_online: int = 0
    e_results: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def received(self) -> int:
        return self.received_online + self.received_counter + self.received_postal

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending_in_time(self) -> int:
        return self.pending - self.pending_overdue

    @property
    def balanced(self) -> bool:
        """docs/domain.md §9: carried over + received = resolved + stopped + pending."""
        return self.carried_over + self.received == self.resolved + self.stopped + self.pending

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def rates(self) -> dict[str, float | None]:
        return {
            "on_time_rate": ratio(self.resolved_early + self.resolved_on_time, self.resolved),
            "online_rate": ratio(self.received_online, self.received),
            "progress_rate": ratio(
                self.resolved_early + self.resolved_on_time + self.pending_in_time,
                self.resolved + self.pending,
            ),
            "digitized_rate": ratio(self.digitized, self.received),
            "reuse_rate": ratio(self.reused, self.received),
            "e_result_rate": ratio(self.e_results, self.resolved),
            "satisfaction_rate": ratio(self.satisfied, self.rated),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "received": self.received,
            "resolved": self.resolved,
            "pending_in_time": self.pending_in_time,
            "balanced": self.balanced,
            **self.rates(),
        }


def ratio(part: int, whole: int) -> float | None:
    """A rate in percent with two decimals, None when there is nothing to divide by."""
    return round(100 * part / whole, 2) if whole else None


@dataclass(frozen=True)
class ReportScope:
    """Which handling agencies a report covers: all, or agencies / provinces by id."""

    everything: bool = True
    agency_ids: frozenset[int] = frozenset()
    province_ids: frozenset[int] = frozenset()

    def q(self, agency_field: str) -> Q:
        if self.everything:
            return Q()
        return Q(**{f"{agency_field}_id__in": self.agency_ids}) | Q(
            **{f"{agency_field}__province_id__in": self.province_ids}
        )


def start_of(day: date) -> datetime:
    """00:00 local time of ``day``, as an aware instant."""
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def cover(start: date, end: date) -> list[tuple[str, date, date]]:
    """[start, end) as whole years, whole months and single days, as (grain, from, to) ranges of
    periods with from ≤ period < to, merged per grain where they touch."""
    pieces: list[tuple[str, date, date]] = []
    day = start
    while day < end:
        if day.month == 1 and day.day == 1 and date(day.year + 1, 1, 1) <= end:
            grain, following = Fact.Grain.YEAR.value, date(day.year + 1, 1, 1)
        elif day.day == 1 and _next_month(day) <= end:
            grain, following = Fact.Grain.MONTH.value, _next_month(day)
        else:
            grain, following = Fact.Grain.DAY.value, min(_next_month(day), end)
        if pieces and pieces[-1][0] == grain and pieces[-1][2] == day:
            pieces[-1] = (grain, pieces[-1][1], following)
        else:
            pieces.append((grain, day, following))
        day = following
    return pieces


def prefix(end: date) -> list[tuple[str, date, date]]:
    """Every period before ``end``: the years before its year, the months before its month, the days
    before it."""
    year, month = date(end.year, 1, 1), end.replace(day=1)
    return [
        (Fact.Grain.YEAR.value, EPOCH, year),
        (Fact.Grain.MONTH.value, year, month),
        (Fact.Grain.DAY.value, month, end),
    ]


def _periods_q(pieces: list[tuple[str, date, date]]) -> Q:
    q = Q(pk__in=[])
    for grain, start, end in pieces:
        if start < end:
            q |= Q(grain=grain, period__gte=start, period__lt=end)
    return q


def _grouped(queryset: QuerySet, group: str | None, **aggregates: Any) -> dict[Any, dict[str, int]]:
    if group is None:
        row = queryset.aggregate(**aggregates)
        return {None: {k: v or 0 for k, v in row.items()}}
    return {
        row.pop("group"): {k: v or 0 for k, v in row.items()}
        for row in queryset.annotate(group=F(group)).values("group").annotate(**aggregates).order_by()
    }


def summary(
    start: date, end: date, *, scope: ReportScope = ReportScope(), group_by: GroupBy | None = None
) -> dict[Any, Counts]:
    """The summary of [start, end] per group (key None without grouping), from the facts."""
    after = end + timedelta(days=1)
    group = FACT_COLUMN[group_by] if group_by else None
    facts = Fact.objects.filter(scope.q("agency"))
    flows = _grouped(
        facts.filter(_periods_q(cover(start, after))),
        group,
        received_online=Sum("received", filter=Q(channel="online")),
        received_counter=Sum("received", filter=Q(channel="counter")),
        received_postal=Sum("received", filter=Q(channel="postal")),
        resolved_early=Sum("resolved_early"),
        resolved_on_time=Sum("resolved_on_time"),
        resolved_late=Sum("resolved_late"),
        stopped=Sum("stopped"),
        supplement_requests=Sum("supplement_requests"),
        digitized=Sum("digitized"),
        reused=Sum("reused"),
        paid_online=Sum("paid_online"),
        e_results=Sum("e_results"),
        rated=Sum("rated"),
        satisfied=Sum("satisfied"),
    )
    if start.year >= timezone.localdate().year - 1:
        stocks = _stocks_from_now(facts, scope, group_by, start, after)
    else:
        # The stocks at the start and at the end in one pass: the two prefixes share their years and
        # most of their months.
        before, at_end = _periods_q(prefix(start)), _periods_q(prefix(after))
        stocks = _grouped(
            facts.filter(before | at_end),
            group,
            carried_over=Sum("pending_delta", filter=before),
            pending=Sum("pending_delta", filter=at_end),
            pending_overdue=Sum("overdue_delta", filter=at_end),
        )
    result: dict[Any, Counts] = defaultdict(Counts)
    for part in (flows, stocks):
        for key, values in part.items():
            counts = result[key]
            for name, value in values.items():
                setattr(counts, name, getattr(counts, name) + value)
    if group is None:
        result.setdefault(None, Counts())
    return {key: counts for key, counts in result.items() if group is None or any(asdict(counts).values())}


def suffix(start: date) -> list[tuple[str, date, date]]:
    """Every period from ``start`` on: the rest of its year as months and days, then the years after."""
    year_end = date(start.year + 1, 1, 1)
    return [*cover(start, year_end), (Fact.Grain.YEAR.value, year_end, date.max)]


def _stocks_from_now(
    facts: QuerySet, scope: ReportScope, group_by: GroupBy | None, start: date, after: date
) -> dict[Any, dict[str, int]]:
    """The stocks of a recent period as "now" minus what happened since: the sum of every
    ``pending_delta`` is the number of dossiers pending now, the sum of every ``overdue_delta`` the
    number whose clock runs now (each open spell added +1, each closed one +1 −1) — both a small
    indexed count of the dossier table. Then only the fact rows after the period's start are read,
    instead of every year's (10M dossiers: ~2.9 s → see bench/report_facts.py)."""
    group = FACT_COLUMN[group_by] if group_by else None
    since_start, since_end = _periods_q(suffix(start)), _periods_q(suffix(after))
    later = _grouped(
        facts.filter(since_start | since_end),
        group,
        carried_over=Sum("pending_delta", filter=since_start),
        pending=Sum("pending_delta", filter=since_end),
        pending_overdue=Sum("overdue_delta", filter=since_end),
    )
    current = Dossier.objects.filter(
        scope.q("handling_agency"), status__in=list(PENDING), is_test=False
    ).annotate(field_key=Coalesce("version__field_id", Value(0), output_field=IntegerField()))
    now = _grouped(
        current,
        DOSSIER_GROUP[group_by] if group_by else None,
        pending=Count("pk"),
        running=Count("pk", filter=Q(status__in=list(CLOCK_RUNNING))),
    )
    stocks: dict[Any, dict[str, int]] = {}
    for key in set(later) | set(now):
        total, since = now.get(key, {}), later.get(key, {})
        stocks[key] = {
            "carried_over": total.get("pending", 0) - since.get("carried_over", 0),
            "pending": total.get("pending", 0) - since.get("pending", 0),
            "pending_overdue": total.get("running", 0) - since.get("pending_overdue", 0),
        }
    return stocks


# ---------------------------------------------------------------------------------------------
# The same numbers counted from the dossiers (the check)

DOSSIER_GROUP = {
    GroupBy.AGENCY: "handling_agency_id",
    GroupBy.FIELD: "field_key",
    GroupBy.PROCEDURE: "procedure_id",
    GroupBy.CHANNEL: "channel",
}


def _finished_before(instant: datetime) -> Q:
    return Q(resolved_at__lt=instant) | Q(status=Status.STOPPED, closed_at__lt=instant)


def summary_naive(
    start: date, end: date, *, scope: ReportScope = ReportScope(), group_by: GroupBy | None = None
) -> dict[Any, Counts]:
    t0, t1 = start_of(start), start_of(end + timedelta(days=1))
    group = DOSSIER_GROUP[group_by] if group_by else None
    dossiers = Dossier.objects.filter(
        scope.q("handling_agency"), received_at__isnull=False, is_test=False
    ).annotate(field_key=Coalesce("version__field_id", Value(0), output_field=IntegerField()))
    received = dossiers.filter(received_at__gte=t0, received_at__lt=t1)
    resolved = dossiers.filter(resolved_at__gte=t0, resolved_at__lt=t1)
    pending = dossiers.filter(received_at__lt=t1).exclude(_finished_before(t1))
    last_event = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__lt=t1).order_by("-at", "-seq")
    overdue = pending.annotate(
        last_status=Subquery(last_event.values("to_status")[:1]),
        last_due=Subquery(last_event.values("due_after")[:1]),
    ).filter(last_status__in=list(CLOCK_RUNNING), last_due__lt=t1)
    requests = SupplementRequest.objects.filter(
        scope.q("dossier__handling_agency"), requested_at__gte=t0, requested_at__lt=t1, dossier__is_test=False
    ).annotate(
        field_key=Coalesce("dossier__version__field_id", Value(0), output_field=IntegerField()),
        handling_agency_id=F("dossier__handling_agency_id"),
        procedure_id=F("dossier__procedure_id"),
        channel=F("dossier__channel"),
    )
    parts = [
        _grouped(
            dossiers.filter(received_at__lt=t0).exclude(_finished_before(t0)), group, carried_over=Count("pk")
        ),
        _grouped(
            received,
            group,
            received_online=Count("pk", filter=Q(channel="online")),
            received_counter=Count("pk", filter=Q(channel="counter")),
            received_postal=Count("pk", filter=Q(channel="postal")),
            digitized=Count("pk", filter=Q(digitized=True)),
            reused=Count("pk", filter=Q(reused=True)),
            paid_online=Count("pk", filter=Q(paid_online=True)),
        ),
        _grouped(
            resolved,
            group,
            resolved_early=Count("pk", filter=Q(resolution_timing="early")),
            resolved_on_time=Count("pk", filter=Q(resolution_timing="on_time")),
            resolved_late=Count("pk", filter=Q(resolution_timing="late")),
            e_results=Count("pk", filter=Q(e_result=True)),
            rated=Count("pk", filter=Q(rating__isnull=False)),
            satisfied=Count("pk", filter=Q(rating__gte=SATISFIED_RATING)),
        ),
        _grouped(
            dossiers.filter(status=Status.STOPPED, closed_at__gte=t0, closed_at__lt=t1),
            group,
            stopped=Count("pk"),
        ),
        _grouped(pending, group, pending=Count("pk")),
        _grouped(overdue, group, pending_overdue=Count("pk")),
        _grouped(requests, group, supplement_requests=Count("pk")),
    ]
    result: dict[Any, Counts] = defaultdict(Counts)
    for part in parts:
        for key, values in part.items():
            counts = result[key]
            for name, value in values.items():
                setattr(counts, name, getattr(counts, name) + value)
    if group is None:
        result.setdefault(None, Counts())
    return {key: counts for key, counts in result.items() if group is None or any(asdict(counts).values())}
