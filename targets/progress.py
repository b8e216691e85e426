"""Each unit's progress against the targets of its type (seed 000 appendix; docs/domain.md §9).

A unit is a provincial department or a commune People's Committee. Dossier facts are keyed by the
handling agency; an agency's facts count for its unit: the agency itself or its nearest ancestor of
kind department / People's Committee (a division counts for its department, a commune centre for
its commune). All units are measured together with a handful of queries, whatever their number.

What the system does not record yet has no reading ("Chưa có dữ liệu") rather than a guess:
feedback answered on time, and the certified e-copy rate (only electronic certifications are
registered, not the paper ones they are a share of). The sync to the national portal (target 5) is
read from acknowledged deliveries (``reports.sync``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.db.models import Count, Q, Sum
from django.utils import timezone

from catalog.models import OnlineLevel, Procedure
from documents.models import CertifiedCopy
from organization.models import Agency
from reports.models import Fact
from reports.summary import Counts, GroupBy, ReportScope, cover, ratio, start_of, summary
from reports.sync import SyncCount, sync_counts
from targets.models import Measure, Target, UnitType


class Status(StrEnum):
    MET = "met"
    MISSED = "missed"
    NO_DATA = "no_data"


STATUS_LABELS = {Status.MET: "Đạt", Status.MISSED: "Chưa đạt", Status.NO_DATA: "Chưa có dữ liệu"}

WHOLE = ReportScope()

NOT_RECORDED = {
    Measure.FEEDBACK_ON_TIME: "Hệ thống chưa quản lý phản ánh, kiến nghị.",
}


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    unit_type: UnitType


@dataclass(frozen=True)
class Reading:
    """A measured rate in percent (None when there is nothing to measure) and what it divides."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Result:
    target: Target
    reading: Reading

    @property
    def status(self) -> Status:
        if self.reading.value is None:
            return Status.NO_DATA
        return Status.MET if self.target.reached(self.reading.value) else Status.MISSED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class UnitProgress:
    unit: Unit
    results: list[Result] = field(default_factory=list)

    def codes(self, status: Status) -> list[str]:
        return [r.target.code for r in self.results if r.status is status]

    @property
    def missed(self) -> list[str]:
        return self.codes(Status.MISSED)


@dataclass
class Progress:
    year: int
    targets_year: int | None  # the year whose targets apply (an earlier one when ``year`` has none)
    start: date
    end: date
    targets: list[Target]
    units: list[UnitProgress]


# ---------------------------------------------------------------------------------------------
# Units


def unit_type_of(kind: str, level: str) -> UnitType | None:
    if kind == Agency.Kind.DEPARTMENT:
        return UnitType.DEPARTMENT
    if kind == Agency.Kind.PEOPLES_COMMITTEE and level == Agency.Level.COMMUNE:
        return UnitType.COMMUNE
    return None


def unit_roots() -> dict[int, int]:
    """Agency id → id of its unit (itself or its nearest department / People's Committee
    ancestor), for every agency that has one. One query; the tree is walked in memory."""
    rows = {pk: (parent, kind) for pk, parent, kind in Agency.objects.values_list("pk", "parent_id", "kind")}
    unit_kinds = {Agency.Kind.DEPARTMENT, Agency.Kind.PEOPLES_COMMITTEE}
    roots: dict[int, int] = {}
    for pk in rows:
        seen: set[int] = set()
        current: int | None = pk
        while current is not None and current not in seen and current in rows:
            seen.add(current)
            parent, kind = rows[current]
            if kind in unit_kinds:
                roots[pk] = current
                break
            current = parent
    return roots


def scope_units(scope: ReportScope) -> list[Unit]:
    """The units whose own agency the scope covers (departments, then communes, by code)."""
    agencies = Agency.objects.filter(
        Q(kind=Agency.Kind.DEPARTMENT) | Q(kind=Agency.Kind.PEOPLES_COMMITTEE, level=Agency.Level.COMMUNE),
        is_active=True,
    )
    if not scope.everything:
        agencies = agencies.filter(Q(pk__in=scope.agency_ids) | Q(province_id__in=scope.province_ids))
    units = []
    for pk, code, name, kind, level in agencies.values_list("pk", "code", "name", "kind", "level"):
        unit_type = unit_type_of(kind, level)
        if unit_type is not None:
            units.append(Unit(pk, code, name, unit_type))
    order = {UnitType.DEPARTMENT: 0, UnitType.COMMUNE: 1}
    return sorted(units, key=lambda u: (order[u.unit_type], u.code))


# ---------------------------------------------------------------------------------------------
# Targets


def targets_of_year(year: int) -> tuple[int | None, list[Target]]:
    """The targets of ``year``, or of the latest earlier year that has some (targets stay in force
    until the next letter gives new ones)."""
    found = Target.objects.filter(year__lte=year).order_by("-year").values_list("year", flat=True).first()
    if found is None:
        return None, []
    return found, list(Target.objects.filter(year=found).order_by("position", "code", "unit_type"))


def targets_for(targets: Iterable[Target], unit_type: UnitType) -> list[Target]:
    """The rows that apply to one type of unit: its own, else the ``all`` row of the same code."""
    shared = {t.code: t for t in targets if t.unit_type == UnitType.ALL}
    own = {t.code: t for t in targets if t.unit_type == unit_type}
    chosen = {**shared, **own}
    return sorted(chosen.values(), key=lambda t: (t.position, t.code))


# ---------------------------------------------------------------------------------------------
# Measures


def _periods_q(start: date, end: date) -> Q:
    q = Q(pk__in=[])
    for grain, first, following in cover(start, end + timedelta(days=1)):
        q |= Q(grain=grain, period__gte=first, period__lt=following)
    return q


def _rolled(values: dict[int, Counts], roots: dict[int, int]) -> dict[int, Counts]:
    result: dict[int, Counts] = defaultdict(Counts)
    for agency_id, counts in values.items():
        if agency_id in roots:
            result[roots[agency_id]].add(counts)
    return result


def _payment(start: date, end: date, scope: ReportScope, roots: dict[int, int]) -> dict[int, tuple[int, int]]:
    """(paid online, received) per unit, over the dossiers of procedures that charge a fee: the
    target is a share of payment transactions, and a free procedure has none."""
    # A fee line with an amount, as the service index counts them (serviceindex/compute.py).
    charging = Procedure.objects.filter(current_version__options__fees__amount__gt=0).values("pk")
    rows = (
        Fact.objects.filter(scope.q("agency"), _periods_q(start, end), procedure_id__in=charging)
        .values("agency_id")
        .annotate(received=Sum("received"), paid=Sum("paid_online"))
        .order_by()
    )
    result: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in rows:
        unit = roots.get(row["agency_id"])
        if unit is not None:
            paid, received = result[unit]
            result[unit] = (paid + (row["paid"] or 0), received + (row["received"] or 0))
    return result


def _full_online(units: list[Unit], roots: dict[int, int]) -> dict[int, tuple[int, int]]:
    """(full-online, published) procedures per unit, from the catalog in force today: a commune's
    are the commune-level procedures; a department's those it (or a division) settles."""
    in_force = Procedure.objects.filter(current_version__isnull=False)
    result: dict[int, tuple[int, int]] = {}
    if any(u.unit_type == UnitType.COMMUNE for u in units):
        row = in_force.filter(current_version__at_commune=True).aggregate(
            total=Count("pk"), full=Count("pk", filter=Q(current_version__online_level=OnlineLevel.FULL))
        )
        for unit in units:
            if unit.unit_type == UnitType.COMMUNE:
                result[unit.id] = (row["full"], row["total"])
    if any(u.unit_type == UnitType.DEPARTMENT for u in units):
        procedures: dict[int, set[int]] = defaultdict(set)
        full: dict[int, set[int]] = defaultdict(set)
        for pk, agency_id, level in in_force.filter(current_version__agencies__isnull=False).values_list(
            "pk", "current_version__agencies", "current_version__online_level"
        ):
            unit_id = roots.get(agency_id)
            if unit_id is None:
                continue
            procedures[unit_id].add(pk)
            if level == OnlineLevel.FULL:
                full[unit_id].add(pk)
        for unit in units:
            if unit.unit_type == UnitType.DEPARTMENT:
                result[unit.id] = (len(full[unit.id]), len(procedures[unit.id]))
    return result


def _certified_copies(start: date, end: date, roots: dict[int, int]) -> dict[int, int]:
    rows = (
        CertifiedCopy.objects.filter(
            certified_at__gte=start_of(start), certified_at__lt=start_of(end + timedelta(days=1))
        )
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[int, int] = defaultdict(int)
    for row in rows:
        if (unit := roots.get(row["agency_id"])) is not None:
            result[unit] += row["n"]
    return result


def _rate(numerator: int, denominator: int, note: str = "") -> Reading:
    return Reading(ratio(numerator, denominator), numerator, denominator, note)


def readings(
    units: list[Unit], start: date, end: date, scope: ReportScope, measures: set[str]
) -> dict[tuple[int, str], Reading]:
    """Every measure of every unit over [start, end]."""
    roots = unit_roots()
    counts = _rolled(summary(start, end, scope=scope, group_by=GroupBy.AGENCY), roots)
    payment = _payment(start, end, scope, roots) if Measure.ONLINE_PAYMENT in measures else {}
    catalog = _full_online(units, roots) if Measure.FULL_ONLINE_SERVICES in measures else {}
    copies = _certified_copies(start, end, roots) if Measure.CERTIFIED_E_COPIES in measures else {}
    synced: dict[int, SyncCount] = defaultdict(SyncCount)
    if Measure.PORTAL_SYNC in measures:
        for agency_id, part in sync_counts(start, end, scope).items():
            if (unit_id := roots.get(agency_id)) is not None:
                synced[unit_id] += part
    result: dict[tuple[int, str], Reading] = {}
    for unit in units:
        c = counts.get(unit.id, Counts())
        paid, charged = payment.get(unit.id, (0, 0))
        full, published = catalog.get(unit.id, (0, 0))
        values = {
            Measure.ONLINE_DOSSIERS: _rate(c.received_online, c.received),
            Measure.DIGITIZATION: _rate(c.digitized, c.received),
            Measure.DATA_REUSE: _rate(c.reused, c.received),
            Measure.E_RESULTS: _rate(c.e_results, c.resolved),
            Measure.SATISFACTION: _rate(c.satisfied, c.rated),
            Measure.PORTAL_SYNC: _rate(
                synced[unit.id].synced,
                synced[unit.id].received,
                "Hồ sơ tiếp nhận trong kỳ có bản tin đầu tiên được Cổng DVCQG xác nhận; "
                "không tính hồ sơ thử nghiệm và hồ sơ nhập từ hệ thống cũ.",
            ),
            Measure.ONLINE_PAYMENT: _rate(paid, charged),
            Measure.FULL_ONLINE_SERVICES: _rate(
                full, published, "Theo danh mục TTHC đang hiệu lực (chưa phân biệt TTHC đủ điều kiện)."
            ),
            Measure.CERTIFIED_E_COPIES: Reading(
                None,
                copies.get(unit.id, 0),
                None,
                f"Đã cấp {copies.get(unit.id, 0)} bản sao điện tử có chứng thực; hệ thống chưa ghi nhận "
                "chứng thực bản giấy nên chưa tính được tỷ lệ.",
            ),
            **{measure: Reading(None, note=note) for measure, note in NOT_RECORDED.items()},
        }
        for measure in measures:
            result[(unit.id, measure)] = values.get(Measure(measure), Reading(None))
    return result


def default_period(year: int, today: date | None = None) -> tuple[date, date]:
    """Year to date for the current year, the whole year for a past one."""
    today = today or timezone.localdate()
    first, last = date(year, 1, 1), date(year, 12, 31)
    return first, min(last, max(today, first))


def progress(
    year: int, *, scope: ReportScope = WHOLE, start: date | None = None, end: date | None = None
) -> Progress:
    """Every unit in ``scope`` measured against the targets of ``year`` over [start, end]
    (year to date by default)."""
    default_start, default_end = default_period(year)
    start, end = start or default_start, end or default_end
    targets_year, targets = targets_of_year(year)
    units = scope_units(scope)
    measures = {t.measure for t in targets}
    values = readings(units, start, end, scope, measures) if units and targets else {}
    by_type = {
        unit_type: targets_for(targets, unit_type) for unit_type in (UnitType.DEPARTMENT, UnitType.COMMUNE)
    }
    rows = [
        UnitProgress(unit, [Result(t, values[(unit.id, t.measure)]) for t in by_type[unit.unit_type]])
        for unit in units
    ]
    return Progress(year, targets_year, start, end, targets, rows)
