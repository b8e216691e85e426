"""Public pages of the service index: the published months, their ranking tables, each unit's
indicators, and the dossiers behind an indicator (no personal data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.access import public
from motcua.errors import NotFound
from serviceindex import selectors
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


def _months_context(current: date | None) -> dict[str, Any]:
    return {
        "months": [(month_key(m), month_label(m)) for m in selectors.published_months()],
        "current_key": month_key(current) if current else "",
    }


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
        return render(request, "serviceindex/empty.html", _months_context(None))
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
            **_months_context(publication.month),
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
