"""Public pages of the service index: the published months, their ranking tables, each unit's
indicators, and the dossiers behind an indicator (no personal data)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from kernel.access import login_required_view, public
from kernel.errors import DomainError, NotFound
from serviceindex import selectors, services
from serviceindex.models import IndexPublication
from serviceindex.months import month_key, month_label, parse_month

PAGE_SIZE = 50


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/not_found.html", {"message": message}, status=404)


def _publication(month: str) -> IndexPublication:
    try:
        first = parse_month(month)
    except ValueError:
        raise NotFound(f"Tháng «{month[:20]}» không hợp lệ (định dạng YYYY-MM).") from None
    return selectors.publication_get(first)


def _freezable_months(published: list[date], today: date) -> list[date]:
    """The finished months of the last year that are not published yet, latest first."""
    month = today.replace(day=1)
    found = []
    for _ in range(12):
        month = (month - timedelta(days=1)).replace(day=1)
        if month not in published:
            found.append(month)
    return found


def _months_context(request: HttpRequest, current: date | None) -> dict[str, Any]:
    published = selectors.published_months()
    user = request.user
    may_freeze = isinstance(user, User) and services.can_publish(user)
    return {
        "months": [(month_key(m), month_label(m)) for m in published],
        "current_key": month_key(current) if current else "",
        "freezable": [
            (month_key(m), month_label(m)) for m in _freezable_months(published, timezone.localdate())
        ]
        if may_freeze
        else [],
    }


@login_required_view
@require_POST
def index_freeze(request: HttpRequest) -> HttpResponse:
    """The monitor publishes a finished month (``services.publication_freeze``, as the API does)."""
    user = request.user
    assert isinstance(user, User)
    picked = request.POST.get("thang", "").strip()
    try:
        month = parse_month(picked)
    except ValueError:
        messages.error(request, f"Tháng «{picked[:20]}» không hợp lệ (định dạng YYYY-MM).")
        return redirect("serviceindex:latest")
    try:
        services.publication_freeze(month=month, actor=user, at=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("serviceindex:latest")
    messages.success(request, f"Đã công bố chỉ số tháng {month_label(month)}.")
    return redirect("serviceindex:month", month=month_key(month))


@public
def index_latest(request: HttpRequest) -> HttpResponse:
    """The latest published month, with a picker of every published month."""
    picked = request.GET.get("thang", "").strip()
    if picked:
        try:
            return redirect("serviceindex:month", month=month_key(parse_month(picked)))
        except ValueError:
            return _not_found(request, f"Tháng «{picked[:20]}» không hợp lệ (định dạng YYYY-MM).")
    latest = selectors.latest_publication()
    if latest is None:
        return render(request, "serviceindex/empty.html", _months_context(request, None))
    return _month_page(request, latest)


@public
def index_month(request: HttpRequest, month: str) -> HttpResponse:
    try:
        publication = _publication(month)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return _month_page(request, publication)


def _month_page(request: HttpRequest, publication: IndexPublication) -> HttpResponse:
    table = selectors.published_table(publication)
    units = table["units"]
    return render(
        request,
        "serviceindex/month.html",
        {
            "table": table,
            "month": publication.month,
            "month_label": month_label(publication.month),
            "groups": table["methodology"]["groups"],
            "province": table["province"],
            "departments": [u for u in units if u["level"] == "province"],
            "communes": [u for u in units if u["level"] == "commune"],
            **_months_context(request, publication.month),
        },
    )


@public
def unit_detail(request: HttpRequest, month: str, agency_code: str) -> HttpResponse:
    try:
        publication = _publication(month)
        table = selectors.published_table(publication)
        unit = selectors.find_unit(table, agency_code)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return render(
        request,
        "serviceindex/unit.html",
        {
            "table": table,
            "unit": unit,
            "month": publication.month,
            "month_label": month_label(publication.month),
            "is_province": unit["code"] == table["province"]["code"],
        },
    )


@public
def indicator_detail(request: HttpRequest, month: str, agency_code: str, indicator_code: str) -> HttpResponse:
    try:
        publication = _publication(month)
        table = selectors.published_table(publication)
        unit = selectors.find_unit(table, agency_code)
        group, indicator = selectors.find_indicator(unit, indicator_code)
        row = publication.methodology.indicators.filter(code=indicator_code).first()
        if row is None:
            raise NotFound(f"Không có chỉ số {indicator_code}.")
        drill = selectors.indicator_drilldown(
            measure=row.measure,
            month=publication.month,
            unit_code=unit["code"],
            province_code=table["province"]["code"],
        )
    except NotFound as exc:
        return _not_found(request, exc.message)
    page = Paginator(drill.items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "serviceindex/indicator.html",
        {
            "table": table,
            "unit": unit,
            "group": group,
            "indicator": indicator,
            "note": row.note,
            "month": publication.month,
            "month_label": month_label(publication.month),
            "kind": drill.kind,
            "page": page,
            "rows": [drill.row(item) for item in page.object_list],
        },
    )
