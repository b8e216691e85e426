"""The month's service index per unit, computed from the recorded facts and the catalog.

``compute_month(month)`` answers a ``MonthIndex``: the methodology in force on the month's first day
scored for every unit — the provincial departments and sectors (and the vertical agencies that
handled dossiers that month) and the commune People's Committees — plus the province's overall
figure over all facts. Units are ranked among their peers: departments among departments, communes
among communes.

Where the numbers come from (a fixed, small number of queries for all units together):
- ``reports.summary.summary(first, last, group_by=AGENCY)`` once for every agency, and once more
  restricted to fee-bearing procedures (a ``ReportScope`` that also filters on the procedure) for the
  online-payment rate; each agency's counts roll up to its unit — itself, or its nearest ancestor that
  is a unit (a commune's service centre belongs to the commune; a department's divisions to it).
  Facts are keyed by the handling agency. Facts of agencies under no unit (the provincial office and
  its service centre) count only in the province's figure.
- the month-grain fact rows for "which procedures had an online / paid-online dossier this month";
- the catalog as it stood on the month's last day (versions in force that day): full-online services,
  completeness of the published procedure, fee-bearing procedures.
- the dossiers received in the month and the outbox, for the sync to the national portal
  (``reports.sync``: synced when the first ``portal.sync`` message was delivered), the same in both
  modes.
Measures the system does not capture (feedback, the data store, the population database) give no
measurement: the indicator says "no data" and its points leave the
unit's attainable maximum. The arithmetic is in ``serviceindex/scoring.py``.

``compute_month(month, naive=True)`` gets the same counts with ``reports.summary.summary_naive`` and
the same procedure sets straight from the dossier table, instead of the facts: both must agree
exactly (``MonthIndex`` compares with ``==``); ``bench/`` times the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet

from catalog.models import (
    ComponentRequirement,
    FeeItem,
    OnlineLevel,
    ProcedureVersion,
    ProcessingOption,
)
from dossiers.models import Dossier
from organization.models import AdministrativeUnit, Agency
from reports.models import Fact
from reports.summary import Counts, GroupBy, ReportScope, start_of, summary, summary_naive
from reports.sync import SyncCount, sync_counts
from serviceindex.models import Measure, Methodology
from serviceindex.months import last_day, month_key, next_month
from serviceindex.scoring import (
    GroupResult,
    GroupSpec,
    IndicatorSpec,
    Measurement,
    competition_ranks,
    exact,
    score_unit,
)

PROVINCE = "province"
COMMUNE = "commune"

# Measures the system cannot compute yet: they always give "no data".
NOT_CAPTURED = frozenset(
    {
        Measure.PUBLICATION_ON_TIME,
        Measure.PUBLICATION_UPDATED,
        Measure.DATA_STORE_LINKED,
        Measure.POPULATION_DATA,
        Measure.FEEDBACK_ON_TIME,
        Measure.FEEDBACK_SATISFACTION,
    }
)


class NoMethodology(Exception):
    """No methodology is effective on the month's first day."""


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class UnitIndex:
    """One unit's month: its score, attainable maximum, rank among its peers and every indicator."""

    code: str
    name: str
    level: str  # "province" (departments, sectors) or "commune"
    score: float | None
    max_score: float
    rank: int | None
    rank_of: int
    groups: tuple[GroupResult, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "score": self.score,
            "max_score": self.max_score,
            "rank": self.rank,
            "rank_of": self.rank_of,
            "groups": [
                {
                    "code": g.code,
                    "name": g.name,
                    "points": g.points,
                    "score": g.score,
                    "indicators": [
                        {
                            "code": i.code,
                            "name": i.name,
                            "points": i.points,
                            "target": i.target,
                            "rate": i.rate,
                            "score": i.score,
                            "numerator": i.numerator,
                            "denominator": i.denominator,
                            "no_data": i.no_data,
                        }
                        for i in g.indicators
                    ],
                }
                for g in self.groups
            ],
        }


@dataclass(frozen=True)
class MonthIndex:
    month: date
    methodology_id: int
    methodology_name: str
    groups: tuple[tuple[str, str, float], ...]  # (code, name, points)
    province: UnitIndex
    units: tuple[UnitIndex, ...]

    def as_dict(self) -> dict[str, Any]:
        """The published table (the API adds ``frozen`` and ``frozen_at``)."""
        return {
            "month": month_key(self.month),
            "methodology": {
                "name": self.methodology_name,
                "groups": [{"code": c, "name": n, "points": p} for c, n, p in self.groups],
            },
            "province": self.province.as_dict(),
            "units": [unit.as_dict() for unit in self.units],
        }


# ---------------------------------------------------------------------------------------------
# The methodology


def methodology_for(month: date) -> Methodology:
    """The latest methodology effective on the month's first day."""
    methodology = (
        Methodology.objects.filter(effective_from__lte=month.replace(day=1))
        .order_by("-effective_from")
        .first()
    )
    if methodology is None:
        raise NoMethodology(month_key(month))
    return methodology


def group_specs(methodology: Methodology) -> tuple[GroupSpec, ...]:
    groups: dict[str, tuple[str, Fraction, list[IndicatorSpec]]] = {}
    for row in methodology.indicators.order_by("position", "code"):
        spec = IndicatorSpec(
            code=row.code,
            name=row.name,
            points=exact(row.points),
            target=exact(row.target),
            measure=row.measure,
        )
        groups.setdefault(row.group_code, (row.group_name, exact(row.group_points), []))[2].append(spec)
    return tuple(
        GroupSpec(code=code, name=name, points=points, indicators=tuple(specs))
        for code, (name, points, specs) in groups.items()
    )


# ---------------------------------------------------------------------------------------------
# Units


@dataclass(frozen=True)
class Unit:
    agency_id: int
    code: str
    name: str
    level: str
    kind: str
    agency_ids: frozenset[int]  # the unit and every agency under it that is not a unit itself


def is_unit(kind: str, level: str) -> bool:
    if level == Agency.Level.PROVINCE:
        return kind in {Agency.Kind.DEPARTMENT, Agency.Kind.VERTICAL}
    return level == Agency.Level.COMMUNE and kind == Agency.Kind.PEOPLES_COMMITTEE


def organisation() -> tuple[list[Unit], dict[int, int]]:
    """Every unit, and for every agency the unit its facts roll up to (absent: none)."""
    rows = list(Agency.objects.values_list("pk", "parent_id", "kind", "level", "code", "name", "is_active"))
    parent = {pk: parent_id for pk, parent_id, *_ in rows}
    unit_ids = {pk for pk, _p, kind, level, *_ in rows if is_unit(kind, level)}
    owner: dict[int, int] = {}
    for pk, *_ in rows:
        node: int | None = pk
        seen: set[int] = set()
        while node is not None and node not in unit_ids and node not in seen:
            seen.add(node)
            node = parent.get(node)
        if node is not None and node in unit_ids:
            owner[pk] = node
    members: dict[int, set[int]] = defaultdict(set)
    for agency_id, unit_id in owner.items():
        members[unit_id].add(agency_id)
    units = [
        Unit(
            agency_id=pk,
            code=code,
            name=name,
            level=COMMUNE if level == Agency.Level.COMMUNE else PROVINCE,
            kind=kind,
            agency_ids=frozenset(members[pk]),
        )
        for pk, _p, kind, level, code, name, active in rows
        if pk in unit_ids and active
    ]
    units.sort(key=lambda u: u.code)
    return units, owner


def unit_for(code: str) -> Unit | None:
    """The unit with agency code ``code`` (None when that agency is not an evaluated unit)."""
    units, _owner = organisation()
    return next((u for u in units if u.code == code), None)


# ---------------------------------------------------------------------------------------------
# The catalog on a given day


@dataclass(frozen=True)
class CatalogEntry:
    procedure_id: int
    version_id: int
    at_commune: bool
    online_level: str
    agency_ids: frozenset[int]
    fee_bearing: bool
    complete: bool


def versions_in_force(day: date) -> Q:
    return Q(
        status__in=[
            ProcedureVersion.Status.IN_FORCE,
            ProcedureVersion.Status.SUPERSEDED,
            ProcedureVersion.Status.ABOLISHED,
        ],
        effective_from__lte=day,
    ) & (Q(effective_to__isnull=True) | Q(effective_to__gt=day))


def catalog_at(day: date) -> dict[int, CatalogEntry]:
    """The version of each procedure in force in the province on ``day``, with what the index reads."""
    rows = (
        ProcedureVersion.objects.filter(versions_in_force(day))
        .order_by("procedure_id", "number")
        .values(
            "pk",
            "procedure_id",
            "name",
            "at_commune",
            "online_level",
            "steps_text",
            "subjects",
            "implementing_agency_text",
            "competent_agency_text",
        )
    )
    latest = {row["procedure_id"]: row for row in rows}  # the highest number wins
    # Per-version facts read once for every version in force that day (a subquery, not an id list).
    in_force = ProcedureVersion.objects.filter(versions_in_force(day)).values("pk")

    def versions_with(queryset: QuerySet[Any], path: str = "version_id") -> set[int]:
        return set(queryset.order_by().values_list(path, flat=True).distinct())

    agencies: dict[int, set[int]] = defaultdict(set)
    for version_id, agency_id in ProcedureVersion.agencies.through.objects.filter(
        procedureversion_id__in=in_force
    ).values_list("procedureversion_id", "agency_id"):
        agencies[version_id].add(agency_id)
    fee_bearing = versions_with(
        FeeItem.objects.filter(option__version_id__in=in_force, amount__gt=0), "option__version_id"
    )
    with_options = versions_with(ProcessingOption.objects.filter(version_id__in=in_force))
    timed = versions_with(ProcessingOption.objects.filter(version_id__in=in_force, time_amount__isnull=False))
    with_components = versions_with(ComponentRequirement.objects.filter(version_id__in=in_force))
    catalog: dict[int, CatalogEntry] = {}
    for procedure_id, row in latest.items():
        pk = row["pk"]
        # NĐ 63/2010 Art. 8.2: name, steps, how to file, components, time, applicants, agency.
        complete = all(
            [
                row["name"].strip(),
                row["steps_text"].strip(),
                pk in with_options,
                pk in with_components,
                pk in timed,
                row["subjects"].strip(),
                agencies[pk]
                or row["implementing_agency_text"].strip()
                or row["competent_agency_text"].strip(),
            ]
        )
        catalog[procedure_id] = CatalogEntry(
            procedure_id=procedure_id,
            version_id=pk,
            at_commune=row["at_commune"],
            online_level=row["online_level"],
            agency_ids=frozenset(agencies[pk]),
            fee_bearing=pk in fee_bearing,
            complete=bool(complete),
        )
    return catalog


def unit_catalog(unit: Unit | None, catalog: Mapping[int, CatalogEntry]) -> list[CatalogEntry]:
    """The procedures a unit settles: the commune-level ones for a commune, those naming one of its
    agencies for a department; every procedure for the province (``unit`` None)."""
    if unit is None:
        return list(catalog.values())
    if unit.level == COMMUNE:
        return [e for e in catalog.values() if e.at_commune]
    return [e for e in catalog.values() if e.agency_ids & unit.agency_ids]


# ---------------------------------------------------------------------------------------------
# Counts from the facts (or from the dossiers, naive)


@dataclass(frozen=True)
class ProcedureScope(ReportScope):
    """A report scope that also keeps only some procedures. ``reports.summary`` asks a scope for the
    condition on a model's handling-agency path (``agency`` on facts, ``handling_agency`` on dossiers,
    ``dossier__handling_agency`` on supplement requests); the procedure sits beside it."""

    procedure_ids: frozenset[int] = field(default_factory=frozenset)

    def q(self, agency_field: str) -> Q:
        owner = agency_field.rpartition("__")[0]
        path = f"{owner}__procedure_id__in" if owner else "procedure_id__in"
        return super().q(agency_field) & Q(**{path: sorted(self.procedure_ids)})


def procedures_with(first: date, flag: str, *, naive: bool) -> dict[int, set[int]]:
    """Per handling agency, the procedures with at least one dossier received in the month that is
    online (``flag="online"``) or paid online (``flag="paid_online"``)."""
    pairs: Iterable[tuple[int, int]]
    if naive:
        dossiers = Dossier.objects.filter(
            received_at__gte=start_of(first), received_at__lt=start_of(next_month(first)), is_test=False
        )
        dossiers = (
            dossiers.filter(channel="online") if flag == "online" else dossiers.filter(paid_online=True)
        )
        pairs = dossiers.order_by().values_list("handling_agency_id", "procedure_id").distinct()
    else:
        facts = Fact.objects.filter(grain=Fact.Grain.MONTH, period=first)
        facts = (
            facts.filter(channel="online", received__gt=0)
            if flag == "online"
            else facts.filter(paid_online__gt=0)
        )
        pairs = facts.order_by().values_list("agency_id", "procedure_id").distinct()
    found: dict[int, set[int]] = defaultdict(set)
    for agency_id, procedure_id in pairs:
        found[agency_id].add(procedure_id)
    return found


def _roll_up(per_agency: Mapping[Any, Counts], owner: Mapping[int, int]) -> tuple[dict[int, Counts], Counts]:
    per_unit: dict[int, Counts] = defaultdict(Counts)
    total = Counts()
    for agency_id, counts in per_agency.items():
        total.add(counts)
        if agency_id in owner:
            per_unit[owner[agency_id]].add(counts)
    return per_unit, total


def _has_dossiers(counts: Counts) -> bool:
    return bool(counts.carried_over or counts.received or counts.resolved or counts.stopped or counts.pending)


def measure(
    counts: Counts,
    fee_counts: Counts,
    catalog: list[CatalogEntry],
    online_procedures: set[int],
    paid_procedures: set[int],
    sync: SyncCount,
) -> dict[str, Measurement]:
    """Every captured measure of one unit (or the province) for the month."""
    c, f = counts, fee_counts
    online_services = [e for e in catalog if e.online_level != OnlineLevel.NONE]
    fee_procedures = [e for e in catalog if e.fee_bearing]
    return {
        Measure.CATALOG_COMPLETE: Measurement(sum(e.complete for e in catalog), len(catalog)),
        Measure.PORTAL_SYNC: Measurement(sync.synced, sync.received),
        Measure.PROGRESS: Measurement(
            c.resolved_early + c.resolved_on_time + c.pending_in_time, c.resolved + c.pending
        ),
        Measure.RESOLVED_ON_TIME: Measurement(c.resolved_early + c.resolved_on_time, c.resolved),
        Measure.FULL_ONLINE_SERVICES: Measurement(
            sum(e.online_level == OnlineLevel.FULL for e in catalog), len(catalog)
        ),
        Measure.ONLINE_SERVICES_USED: Measurement(
            sum(e.procedure_id in online_procedures for e in online_services), len(online_services)
        ),
        Measure.ONLINE_DOSSIERS: Measurement(c.received_online, c.received),
        Measure.PAYMENT_INTEGRATED: Measurement(
            sum(e.procedure_id in paid_procedures for e in fee_procedures), len(fee_procedures)
        ),
        Measure.ONLINE_PAYMENT: Measurement(f.paid_online, f.received),
        Measure.E_RESULTS: Measurement(c.e_results, c.resolved),
        Measure.DIGITIZATION: Measurement(c.digitized, c.received),
        Measure.DATA_REUSE: Measurement(c.reused, c.received),
        Measure.SATISFACTION: Measurement(c.satisfied, c.rated),
    }


def _province_label() -> tuple[str, str]:
    committee = (
        Agency.objects.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, level=Agency.Level.PROVINCE, parent=None)
        .select_related("unit")
        .order_by("code")
        .first()
    )
    if committee is None:
        return "", "Toàn tỉnh"
    unit = committee.unit
    name = unit.name if unit.level == AdministrativeUnit.Level.PROVINCE else committee.name
    return committee.code, f"Toàn tỉnh ({name})"


def compute_month(month: date, *, naive: bool = False) -> MonthIndex:
    """The index of ``month`` (any day of it) for every unit, ranked; see the module docstring.

    ``naive=True`` counts straight from the dossiers (``reports.summary.summary_naive``) instead of
    the maintained facts; the result must be equal. Raises ``NoMethodology`` when no methodology is
    effective on the month's first day."""
    first = month.replace(day=1)
    last = last_day(first)
    methodology = methodology_for(first)
    specs = group_specs(methodology)
    units, owner = organisation()
    count: Callable[..., dict[Any, Counts]] = summary_naive if naive else summary

    catalog = catalog_at(last)
    fee_ids = frozenset(pid for pid, e in catalog.items() if e.fee_bearing)
    per_unit, total = _roll_up(count(first, last, group_by=GroupBy.AGENCY), owner)
    fee_per_unit, fee_total = _roll_up(
        count(first, last, scope=ProcedureScope(procedure_ids=fee_ids), group_by=GroupBy.AGENCY), owner
    )
    synced = sync_counts(first, last)
    sync_per_unit: dict[int, SyncCount] = defaultdict(SyncCount)
    sync_total = SyncCount()
    for agency_id, part in synced.items():
        sync_total += part
        if agency_id in owner:
            sync_per_unit[owner[agency_id]] += part
    online_pairs = procedures_with(first, "online", naive=naive)
    paid_pairs = procedures_with(first, "paid_online", naive=naive)

    def procedures_of(pairs: Mapping[int, set[int]], agency_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for agency_id in agency_ids:
            found |= pairs.get(agency_id, set())
        return found

    scored: list[tuple[Unit, Any]] = []
    for unit in units:
        counts = per_unit.get(unit.agency_id, Counts())
        if unit.kind == Agency.Kind.VERTICAL and not _has_dossiers(counts):
            continue  # vertical agencies are evaluated when they handle dossiers in the province
        measurements = measure(
            counts,
            fee_per_unit.get(unit.agency_id, Counts()),
            unit_catalog(unit, catalog),
            procedures_of(online_pairs, unit.agency_ids),
            procedures_of(paid_pairs, unit.agency_ids),
            sync_per_unit[unit.agency_id],
        )
        scored.append((unit, score_unit(specs, measurements)))

    results: list[UnitIndex] = []
    for level in (PROVINCE, COMMUNE):
        peers = [(unit, result) for unit, result in scored if unit.level == level]
        ranks = competition_ranks({unit.agency_id: result.score for unit, result in peers})
        rank_of = sum(rank is not None for rank in ranks.values())
        level_results = [
            UnitIndex(
                code=unit.code,
                name=unit.name,
                level=level,
                score=result.score,
                max_score=result.max_score,
                rank=ranks[unit.agency_id],
                rank_of=rank_of,
                groups=result.groups,
            )
            for unit, result in peers
        ]
        level_results.sort(key=lambda u: (u.rank is None, u.rank or 0, u.name))
        results.extend(level_results)

    all_online = procedures_of(online_pairs, online_pairs.keys())
    all_paid = procedures_of(paid_pairs, paid_pairs.keys())
    province_result = score_unit(
        specs, measure(total, fee_total, unit_catalog(None, catalog), all_online, all_paid, sync_total)
    )
    code, name = _province_label()
    province = UnitIndex(
        code=code,
        name=name,
        level=PROVINCE,
        score=province_result.score,
        max_score=province_result.max_score,
        rank=None,
        rank_of=0,
        groups=province_result.groups,
    )
    return MonthIndex(
        month=first,
        methodology_id=methodology.pk,
        methodology_name=methodology.name,
        groups=tuple((g.code, g.name, float(g.points)) for g in specs),
        province=province,
        units=tuple(results),
    )
