"""Leaders' pages: the dashboard (``/bao-cao/``) and the monitor's list of overdue dossiers
(``/bao-cao/qua-han/``). Both show only what the caller's roles reach (``report_scope`` and
``visible_dossiers``); charts are drawn in the browser from the reports API."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from dossiers.models import Dossier, DossierStep
from dossiers.selectors import overdue_q, visible_dossiers
from integrations.selectors import may_monitor_sync
from kernel.access import login_required_view
from kernel.errors import DomainError
from organization.models import Agency, Role
from organization.selectors import agency_subtree
from reports.selectors import report_scope
from reports.series import MAX_POINTS, Interval, point_count
from reports.summary import ReportScope, summary
from targets.models import Target, UnitType
from targets.progress import STATUS_LABELS, Unit, progress, scope_units, targets_for, unit_roots
from worktime.calendar import WorkCalendar
from worktime.services import work_calendar

PAGE_SIZE = 50
# Up to this many days the charts show one point per day, beyond it one per month.
DAILY_UP_TO = 62


def _denied(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "reports/dashboard_denied.html", {"message": error.message}, status=error.status)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class UnitCount:
    code: str
    name: str
    count: int


def overdue_by_unit(dossiers: QuerySet[Dossier]) -> list[UnitCount]:
    """Counts of ``dossiers`` per unit of their handling agency (a division counts for its
    department), most first."""
    roots = unit_roots()
    counts: dict[int, int] = defaultdict(int)
    for row in dossiers.values("handling_agency_id").annotate(n=Count("pk")).order_by():
        agency_id = row["handling_agency_id"]
        counts[roots.get(agency_id, agency_id)] += row["n"]
    names = {a.pk: (a.code, a.name) for a in Agency.objects.filter(pk__in=counts).only("code", "name")}
    rows = [UnitCount(*names[pk], n) for pk, n in counts.items() if pk in names]
    return sorted(rows, key=lambda r: (-r.count, r.code))


def _scope_overdue(request: HttpRequest, scope: ReportScope, now: datetime) -> QuerySet[Dossier]:
    return (
        visible_dossiers(request.user)
        .filter(overdue_q(now), is_test=False)
        .filter(scope.q("handling_agency"))
    )


@login_required_view
def dashboard(request: HttpRequest) -> HttpResponse:
    agency_code = request.GET.get("agency", "").strip() or None
    try:
        base_scope = report_scope(request.user)
        scope = report_scope(request.user, agency_code) if agency_code else base_scope
    except DomainError as error:
        return _denied(request, error)

    today = timezone.localdate()
    start = _date(request.GET.get("from")) or date(today.year, 1, 1)
    end = _date(request.GET.get("to")) or today
    if end < start or point_count(start, end, Interval.MONTH) > MAX_POINTS[Interval.MONTH]:
        start, end = date(today.year, 1, 1), today
    units = scope_units(base_scope)
    focus: Agency | None = Agency.objects.filter(code=agency_code).first() if agency_code else None
    if focus is None and len(units) == 1:
        focus = Agency.objects.get(pk=units[0].id)
    # The index chart follows the unit in focus, else the province as a whole (monitor, admin).
    index_unit = focus
    if index_unit is None and (base_scope.everything or base_scope.province_ids):
        index_unit = Agency.objects.filter(
            kind=Agency.Kind.PEOPLES_COMMITTEE, level=Agency.Level.PROVINCE, parent=None
        ).first()

    totals = summary(start, end, scope=scope)[None]
    now = timezone.now()
    overdue_units = overdue_by_unit(_scope_overdue(request, scope, now))
    report = progress(end.year, scope=scope, start=start, end=end)
    rows = sorted(report.units, key=lambda row: (-len(row.missed), row.unit.code))
    columns = _target_columns(report.targets, [row.unit for row in rows])

    interval = Interval.DAY if (end - start).days < DAILY_UP_TO else Interval.MONTH
    query = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        **({"agency": agency_code} if agency_code else {}),
    }
    charts = _charts(
        "/api/v1/reports/series?" + urlencode({**query, "interval": interval.value}),
        f"/api/v1/index/units/{index_unit.code}/history?"
        + urlencode(
            {"from": max(start, _months_before(end, 11)).strftime("%Y-%m"), "to": end.strftime("%Y-%m")}
        )
        if index_unit
        else "",
    )
    context: dict[str, Any] = {
        "start": start,
        "end": end,
        "agency_code": agency_code or "",
        "focus": focus,
        "units": units,
        "scope_name": focus.name if focus else _scope_name(base_scope),
        "totals": totals,
        "rates": totals.rates(),
        "overdue_now": sum(row.count for row in overdue_units),
        "overdue_units": overdue_units,
        "report": report,
        "target_rows": [
            (row, [{r.target.code: r for r in row.results}.get(col.code) for col in columns]) for row in rows
        ],
        "target_columns": columns,
        "missed_units": sum(1 for row in rows if row.missed),
        "status_labels": STATUS_LABELS,
        "charts": charts,
        "chart_specs": {chart["id"]: chart for chart in charts if chart["src"]},
        "export_query": urlencode({**query, "group_by": "agency"}),
        "interval": interval.value,
    }
    return render(request, "reports/dashboard.html", context)


def _months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` months before ``day``'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, 1)


def _charts(series_url: str, index_url: str) -> list[dict[str, Any]]:
    """What each chart draws (``reports/static/reports/charts.js`` reads these specs)."""
    return [
        {
            "id": "flows",
            "src": series_url,
            "path": "points",
            "x": "label",
            "title": "Tiếp nhận, giải quyết và quá hạn (hồ sơ)",
            "unit": "hồ sơ",
            "series": [
                {"key": "received", "label": "Tiếp nhận", "kind": "bar"},
                {"key": "resolved", "label": "Đã giải quyết", "kind": "bar"},
                {"key": "pending_overdue", "label": "Quá hạn cuối kỳ", "kind": "line"},
            ],
        },
        {
            "id": "rates",
            "src": series_url,
            "path": "points",
            "x": "label",
            "title": "Tỷ lệ trực tuyến, số hóa và đúng hạn (%)",
            "unit": "%",
            "max": 100,
            "series": [
                {"key": "online_rate", "label": "Tỷ lệ trực tuyến", "kind": "line"},
                {"key": "digitized_rate", "label": "Tỷ lệ số hóa", "kind": "line"},
                {"key": "on_time_rate", "label": "Tỷ lệ đúng hạn", "kind": "line"},
            ],
        },
        {
            "id": "index",
            "src": index_url,
            "x": "month",
            "x_format": "month",
            "title": "Điểm và xếp hạng Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766/QĐ-TTg)",
            "unit": "điểm",
            "max": 100,
            "empty": "Chưa có dữ liệu chỉ số.",
            "note": "Chọn một đơn vị để xem điểm và xếp hạng chỉ số.",
            "series": [{"key": "score", "label": "Điểm (thang 100)", "kind": "line"}],
            "extra": [
                {"key": "rank", "label": "Xếp hạng", "of": "rank_of"},
                {"key": "frozen", "label": "Số liệu", "yes": "Đã chốt", "no": "Tạm tính"},
            ],
        },
    ]


def _scope_name(scope: ReportScope) -> str:
    if scope.everything or scope.province_ids:
        return "Toàn tỉnh"
    return "Các cơ quan, đơn vị bạn phụ trách"


@dataclass(frozen=True)
class TargetColumn:
    code: str
    position: int
    name: str
    label: str
    threshold_text: str  # "≥ 60%", or "≥ 60% / ≥ 70%" when departments and communes differ


def _target_columns(targets: list[Target], units: list[Unit]) -> list[TargetColumn]:
    """The columns of the targets table: every target code given to a unit type shown, in the
    appendix order."""
    types = [t for t in (UnitType.DEPARTMENT, UnitType.COMMUNE) if t in {u.unit_type for u in units}]
    by_code: dict[str, list[Target]] = defaultdict(list)
    for unit_type in types:
        for target in targets_for(targets, unit_type):
            by_code[target.code].append(target)
    columns = []
    for code, rows in by_code.items():
        first = rows[0]
        texts = list(dict.fromkeys(t.threshold_text for t in rows))
        columns.append(
            TargetColumn(code, first.position, first.name, first.get_measure_display(), " / ".join(texts))
        )
    return sorted(columns, key=lambda c: (c.position, c.code))


# ---------------------------------------------------------------------------------------------
# The overdue list

SORTS = {
    "unit": ("handling_agency__name", "due_at", "pk"),
    "days": ("due_at", "pk"),
    "procedure": ("procedure__code", "due_at", "pk"),
    "code": ("code", "pk"),
}


@dataclass(frozen=True)
class OverdueRow:
    dossier: Dossier
    link: str
    working_days: float
    calendar_days: int
    step: str
    holder: str


def dossier_link(code: str) -> str:
    """The dossier's page in the officers' workspace, else its API resource."""
    try:
        return reverse("web:workspace_dossier", args=[code])
    except NoReverseMatch:
        return f"/api/v1/dossiers/{code}"


def _holder(step: DossierStep) -> str:
    if step.assignee is not None:
        return step.assignee.display_name
    return f"{Role(step.role).label} — {step.agency.short_name or step.agency.name}"


def overdue_row(dossier: Dossier, now: datetime, calendar: WorkCalendar) -> OverdueRow:
    assert dossier.due_at is not None
    assert dossier.code is not None
    minutes = calendar.working_minutes_between(dossier.due_at, now)
    steps: list[DossierStep] = getattr(dossier, "active_steps", [])
    return OverdueRow(
        dossier=dossier,
        link=dossier_link(dossier.code),
        working_days=round(minutes / calendar.minutes_per_day, 1),
        calendar_days=(now - dossier.due_at) // timedelta(days=1),
        step="; ".join(step.name for step in steps) or _no_step(dossier),
        holder="; ".join(_holder(step) for step in steps) or "—",
    )


def _no_step(dossier: Dossier) -> str:
    """What the list says when the dossier has no active step: the step is what it names, never the
    status (issue 14 §11). Imported history without its current step (docs/domain.md §10) says so."""
    if dossier.imported:
        return gettext("Không rõ (hồ sơ nhập từ hệ thống cũ không ghi bước đang xử lý)")
    return "—"


@login_required_view
def overdue_list(request: HttpRequest) -> HttpResponse:
    try:
        report_scope(request.user)  # citizens and users without a role have no list
    except DomainError as error:
        return _denied(request, error)
    now = timezone.now()
    overdue = visible_dossiers(request.user).filter(overdue_q(now), is_test=False)  # tests count nowhere
    by_unit = overdue_by_unit(overdue)
    unit_code = request.GET.get("unit", "").strip()
    unit = Agency.objects.filter(code=unit_code).first() if unit_code else None
    if unit is not None:
        overdue = overdue.filter(handling_agency_id__in=agency_subtree([unit.pk]))
    elif unit_code:
        overdue = overdue.none()
    sort = request.GET.get("sort", "unit")
    if sort not in SORTS:
        sort = "unit"
    overdue = (
        overdue.select_related("procedure", "version", "handling_agency")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.filter(state=DossierStep.State.ACTIVE)
                .select_related("assignee", "agency")
                .order_by("position"),
                to_attr="active_steps",
            )
        )
        .order_by(*SORTS[sort])
    )
    calendar = work_calendar()
    if request.GET.get("format") == "csv":
        return _overdue_csv([overdue_row(d, now, calendar) for d in overdue], now)

    page = Paginator(overdue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [overdue_row(d, now, calendar) for d in page.object_list]
    keep = {k: v for k, v in {"unit": unit_code, "sort": sort}.items() if v}
    return render(
        request,
        "reports/overdue.html",
        {
            "now": now,
            "page": page,
            "rows": rows,
            "total": page.paginator.count,
            "by_unit": by_unit,
            "unit": unit,
            "unit_code": unit_code,
            "sort": sort,
            "sorts": [
                ("unit", "Đơn vị giải quyết"),
                ("days", "Số ngày quá hạn"),
                ("procedure", "Thủ tục"),
                ("code", "Mã hồ sơ"),
            ],
            "query": urlencode(keep),
            "unit_query": urlencode({k: v for k, v in keep.items() if k != "sort"}),
            "grouped": sort == "unit",
            # The monitoring office checks the overdue dossiers against the national portal.
            "check_portal": may_monitor_sync(request.user),
        },
    )


CSV_HEADER = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Cơ quan giải quyết",
    "Ngày tiếp nhận",
    "Hạn giải quyết",
    "Số ngày làm việc quá hạn",
    "Số ngày quá hạn (theo lịch)",
    "Bước đang xử lý",
    "Người, bộ phận đang giữ hồ sơ",
    "Trạng thái",
]


def _local(instant: datetime | None) -> str:
    return timezone.localtime(instant).strftime("%d/%m/%Y %H:%M") if instant else ""


def _overdue_csv(rows: list[OverdueRow], now: datetime) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ho-so-qua-han-{stamp}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        d = row.dossier
        writer.writerow(
            [
                d.code,
                d.procedure.code,
                d.version.name,
                d.handling_agency.name,
                _local(d.received_at),
                _local(d.due_at),
                f"{row.working_days:.1f}".replace(".", ","),
                row.calendar_days,
                row.step,
                row.holder,
                d.status_label,
            ]
        )
    return response
