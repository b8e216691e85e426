"""Reads of the service index: published months, the live table for staff, a unit's history, and the
dossiers (or procedures) behind one indicator of one unit — never anything personal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from catalog.models import Channel, OnlineLevel, Procedure, ProcedureVersion
from dossiers.models import Dossier, DossierEvent, Timing
from dossiers.transitions import CLOCK_RUNNING, Status
from kernel.errors import DomainError, NotFound
from organization.models import Agency
from organization.selectors import user_scope
from outbox.models import OutboxMessage
from reports.models import SATISFIED_RATING
from reports.summary import start_of
from reports.sync import first_sync
from serviceindex.compute import (
    MonthIndex,
    NoMethodology,
    Unit,
    catalog_at,
    compute_month,
    procedures_with,
    unit_catalog,
    unit_for,
)
from serviceindex.models import IndexPublication, Measure
from serviceindex.months import last_day, month_key, month_label, months, next_month

MAX_HISTORY_MONTHS = 36


def has_staff_role(user: User | AnonymousUser) -> bool:
    """Staff of some agency (any active role), or a superuser."""
    scope = user_scope(user)
    return scope.everything or bool(scope.agency_ids)


def published_months() -> list[date]:
    return list(IndexPublication.objects.order_by("-month").values_list("month", flat=True))


def latest_publication() -> IndexPublication | None:
    return IndexPublication.objects.order_by("-month").first()


def publication_get(month: date) -> IndexPublication:
    publication = IndexPublication.objects.filter(month=month.replace(day=1)).first()
    if publication is None:
        raise NotFound(f"Tháng {month_label(month)} chưa được công bố.")
    return publication


def published_table(publication: IndexPublication) -> dict[str, Any]:
    return {
        **publication.data,
        "frozen": True,
        "frozen_at": publication.frozen_at,
    }


def live_index(month: date) -> MonthIndex:
    try:
        return compute_month(month)
    except NoMethodology as exc:
        raise NotFound(f"Chưa có bộ chỉ số áp dụng cho tháng {month_label(month)}.") from exc


def live_table(month: date) -> dict[str, Any]:
    return {**live_index(month).as_dict(), "frozen": False, "frozen_at": None}


def unit_history(
    *, user: User | AnonymousUser, agency_code: str, start: date, end: date, today: date | None = None
) -> list[dict[str, Any]]:
    """A unit's score and rank month by month: published months for everyone; the months not (yet)
    published computed live for staff, skipped for the public."""
    if Agency.objects.filter(code=agency_code).first() is None:
        raise NotFound(f"Không tìm thấy cơ quan có mã {agency_code}.")
    if end < start:
        raise DomainError(
            "invalid_period", "Tháng cuối phải sau hoặc bằng tháng đầu.", fields={"to": ["Trước tháng đầu."]}
        )
    wanted = list(months(start, end))
    if len(wanted) > MAX_HISTORY_MONTHS:
        raise DomainError(
            "period_too_long", f"Xem tối đa {MAX_HISTORY_MONTHS} tháng.", fields={"to": ["Quá dài."]}
        )
    staff = has_staff_role(user)
    current = (today or timezone.localdate()).replace(day=1)
    frozen = {p.month: p for p in IndexPublication.objects.filter(month__in=wanted)}
    rows: list[dict[str, Any]] = []
    for month in wanted:
        if month in frozen:
            table, is_frozen = frozen[month].data, True
        elif staff and month <= current:
            try:
                table, is_frozen = compute_month(month).as_dict(), False
            except NoMethodology:
                continue
        else:
            continue
        unit = next((u for u in table["units"] if u["code"] == agency_code), None)
        if unit is None and table["province"]["code"] == agency_code:
            unit = table["province"]
        if unit is None:
            continue
        rows.append(
            {
                "month": month_key(month),
                "score": unit["score"],
                "rank": unit["rank"],
                "rank_of": unit["rank_of"],
                "frozen": is_frozen,
            }
        )
    return rows


def find_unit(table: dict[str, Any], code: str) -> dict[str, Any]:
    """A unit's entry of a published table (the province's overall figure under its own code)."""
    if table["province"]["code"] == code:
        return dict(table["province"])
    for unit in table["units"]:
        if unit["code"] == code:
            return dict(unit)
    raise NotFound(f"Không có đơn vị mã {code} trong bảng chỉ số tháng {table['month']}.")


def find_indicator(unit: dict[str, Any], code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for group in unit["groups"]:
        for indicator in group["indicators"]:
            if indicator["code"] == code:
                return group, indicator
    raise NotFound(f"Không có chỉ số {code}.")


# ---------------------------------------------------------------------------------------------
# What lies behind an indicator


@dataclass(frozen=True)
class Row:
    """One line of a drill-down: a dossier (code, procedure, dates) or a procedure, the flag that
    classified it, and whether it counted in the numerator."""

    code: str
    procedure_code: str
    procedure_name: str
    channel: str
    received_at: datetime | None
    resolved_at: datetime | None
    flag: str
    counted: bool


@dataclass(frozen=True)
class DrillDown:
    kind: str  # "dossiers", "procedures" or "none" (the measure is not captured)
    items: QuerySet[Any] | list[Any]
    row: Callable[[Any], Row]


DOSSIER_MEASURES = {
    Measure.PORTAL_SYNC,
    Measure.PROGRESS,
    Measure.RESOLVED_ON_TIME,
    Measure.ONLINE_DOSSIERS,
    Measure.ONLINE_PAYMENT,
    Measure.E_RESULTS,
    Measure.DIGITIZATION,
    Measure.DATA_REUSE,
    Measure.SATISFACTION,
}
PROCEDURE_MEASURES = {
    Measure.CATALOG_COMPLETE,
    Measure.FULL_ONLINE_SERVICES,
    Measure.ONLINE_SERVICES_USED,
    Measure.PAYMENT_INTEGRATED,
}
CHANNELS = dict(Channel.choices)
TIMINGS = dict(Timing.choices)
YES_NO = {True: "Có", False: "Không"}
SYNC_STATES = {
    OutboxMessage.Status.PENDING: "Chưa được Cổng DVCQG xác nhận",
    OutboxMessage.Status.DEAD: "Gửi không được, chờ xử lý",
    OutboxMessage.Status.CANCELLED: "Đã hủy gửi",
}


def _unit(unit_code: str, province_code: str) -> Unit | None:
    """The unit whose dossiers count; None for the province's overall figure (every agency)."""
    if unit_code == province_code:
        return None
    unit = unit_for(unit_code)
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị mã {unit_code}.")
    return unit


def _dossier_drilldown(measure: str, month: date, agency_ids: frozenset[int] | None) -> DrillDown:
    t0, t1 = start_of(month), start_of(next_month(month))
    dossiers = Dossier.objects.filter(received_at__isnull=False, is_test=False)
    if agency_ids is not None:
        dossiers = dossiers.filter(handling_agency_id__in=sorted(agency_ids))
    received = Q(received_at__gte=t0, received_at__lt=t1)
    resolved = Q(resolved_at__gte=t0, resolved_at__lt=t1)
    finished_before_end = Q(resolved_at__lt=t1) | Q(status=Status.STOPPED, closed_at__lt=t1)
    pending = Q(received_at__lt=t1) & ~finished_before_end
    if measure == Measure.PROGRESS:
        last_event = DossierEvent.objects.filter(dossier=OuterRef("pk"), at__lt=t1).order_by("-at", "-seq")
        dossiers = dossiers.filter(resolved | pending).annotate(
            last_status=Subquery(last_event.values("to_status")[:1]),
            last_due=Subquery(last_event.values("due_after")[:1]),
        )
    elif measure in {Measure.RESOLVED_ON_TIME, Measure.E_RESULTS}:
        dossiers = dossiers.filter(resolved)
    elif measure == Measure.SATISFACTION:
        dossiers = dossiers.filter(resolved, rating__isnull=False)
    elif measure == Measure.PORTAL_SYNC:
        dossiers = dossiers.filter(received, imported=False).annotate(first_sync=first_sync())
    elif measure == Measure.ONLINE_PAYMENT:
        fee_ids = [pid for pid, e in catalog_at(last_day(month)).items() if e.fee_bearing]
        dossiers = dossiers.filter(received, procedure_id__in=fee_ids)
    else:
        dossiers = dossiers.filter(received)

    def row(d: Any) -> Row:
        counted: bool
        if measure == Measure.PROGRESS:
            if d.resolved_at is not None and t0 <= d.resolved_at < t1:
                flag = TIMINGS.get(d.resolution_timing, d.resolution_timing)
                counted = d.resolution_timing in {Timing.EARLY, Timing.ON_TIME}
            else:
                overdue = d.last_status in CLOCK_RUNNING and d.last_due is not None and d.last_due < t1
                flag = "Đang giải quyết, quá hạn" if overdue else "Đang giải quyết, trong hạn"
                counted = not overdue
        elif measure == Measure.RESOLVED_ON_TIME:
            flag = TIMINGS.get(d.resolution_timing, d.resolution_timing)
            counted = d.resolution_timing in {Timing.EARLY, Timing.ON_TIME}
        elif measure == Measure.ONLINE_DOSSIERS:
            flag, counted = CHANNELS.get(d.channel, d.channel), d.channel == Channel.ONLINE
        elif measure == Measure.PORTAL_SYNC:
            counted = d.first_sync == OutboxMessage.Status.DELIVERED
            flag = "Đã đồng bộ lên Cổng DVCQG" if counted else SYNC_STATES.get(d.first_sync, "Chưa gửi")
        elif measure == Measure.ONLINE_PAYMENT:
            flag, counted = f"Thanh toán trực tuyến: {YES_NO[d.paid_online]}", d.paid_online
        elif measure == Measure.E_RESULTS:
            flag, counted = f"Kết quả điện tử: {YES_NO[d.e_result]}", d.e_result
        elif measure == Measure.DIGITIZATION:
            flag, counted = f"Đã số hóa: {YES_NO[d.digitized]}", d.digitized
        elif measure == Measure.DATA_REUSE:
            flag, counted = f"Tái sử dụng dữ liệu: {YES_NO[d.reused]}", d.reused
        else:  # satisfaction
            flag, counted = f"Mức đánh giá {d.rating}/5", d.rating >= SATISFIED_RATING
        return Row(
            code=d.code or "",
            procedure_code=d.procedure.code,
            procedure_name=d.version.name,
            channel=CHANNELS.get(d.channel, d.channel),
            received_at=d.received_at,
            resolved_at=d.resolved_at,
            flag=flag,
            counted=bool(counted),
        )

    # Only what the table shows: no applicant, no identity number (docs/domain.md §4 rule 9).
    items = (
        dossiers.select_related("procedure", "version")
        .only(
            "code",
            "channel",
            "received_at",
            "resolved_at",
            "resolution_timing",
            "digitized",
            "reused",
            "paid_online",
            "e_result",
            "rating",
            "status",
            "procedure__code",
            "version__name",
        )
        .order_by("received_at", "code")
    )
    return DrillDown(kind="dossiers", items=items, row=row)


def _procedure_drilldown(measure: str, month: date, unit: Unit | None) -> DrillDown:
    agency_ids = None if unit is None else unit.agency_ids
    entries = unit_catalog(unit, catalog_at(last_day(month)))
    if measure == Measure.ONLINE_SERVICES_USED:
        entries = [e for e in entries if e.online_level != OnlineLevel.NONE]
        pairs = procedures_with(month, "online", naive=False)
    elif measure == Measure.PAYMENT_INTEGRATED:
        entries = [e for e in entries if e.fee_bearing]
        pairs = procedures_with(month, "paid_online", naive=False)
    else:
        pairs = {}
    used: set[int] = set()
    for agency_id, procedures in pairs.items():
        if agency_ids is None or agency_id in agency_ids:
            used |= procedures
    codes = dict(Procedure.objects.filter(pk__in=[e.procedure_id for e in entries]).values_list("pk", "code"))
    names = dict(
        ProcedureVersion.objects.filter(pk__in=[e.version_id for e in entries]).values_list("pk", "name")
    )
    levels = dict(OnlineLevel.choices)

    def row(e: Any) -> Row:
        if measure == Measure.CATALOG_COMPLETE:
            flag, counted = ("Công khai đầy đủ" if e.complete else "Còn thiếu bộ phận tạo thành"), e.complete
        elif measure == Measure.FULL_ONLINE_SERVICES:
            flag, counted = f"DVCTT: {levels.get(e.online_level, e.online_level)}", e.online_level == "full"
        elif measure == Measure.ONLINE_SERVICES_USED:
            counted = e.procedure_id in used
            flag = "Có hồ sơ trực tuyến trong tháng" if counted else "Không có hồ sơ trực tuyến"
        else:
            counted = e.procedure_id in used
            flag = "Có hồ sơ thanh toán trực tuyến" if counted else "Không có hồ sơ thanh toán trực tuyến"
        return Row(
            code=codes[e.procedure_id],
            procedure_code=codes[e.procedure_id],
            procedure_name=names.get(e.version_id, ""),
            channel="",
            received_at=None,
            resolved_at=None,
            flag=flag,
            counted=bool(counted),
        )

    entries.sort(key=lambda e: codes[e.procedure_id])
    return DrillDown(kind="procedures", items=entries, row=row)


def indicator_drilldown(*, measure: str, month: date, unit_code: str, province_code: str) -> DrillDown:
    """The dossiers (or catalog procedures) of ``unit_code`` behind an indicator of ``month``, each
    with the flag that classified it. Read live from the dossier tables and the catalog."""
    unit = _unit(unit_code, province_code)
    if measure in DOSSIER_MEASURES:
        return _dossier_drilldown(measure, month, None if unit is None else unit.agency_ids)
    if measure in PROCEDURE_MEASURES:
        return _procedure_drilldown(measure, month, unit)
    return DrillDown(kind="none", items=[], row=lambda item: item)
