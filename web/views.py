"""Server-rendered pages of the public site: home, procedure catalog, working calendar."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from catalog import selectors
from catalog.models import Channel, OnlineLevel, Procedure, ProcedureField, ProcedureVersion, TimeUnit
from catalog.presentation import CatalogParams, procedure_payload
from integrations import status as integrations_status
from kernel.access import public
from kernel.errors import NotFound
from organization.models import Agency
from web.features import feature_report
from web.portal_filing import takes_online_filing
from web.portal_home import popular_procedures
from worktime.calendar import MAX_YEAR, MIN_YEAR
from worktime.services import work_calendar

PAGE_SIZE = 20


@public
def home(request: HttpRequest) -> HttpResponse:
    in_force = Procedure.objects.filter(current_version__isnull=False)
    fields = (
        ProcedureField.objects.filter(versions__status=ProcedureVersion.Status.IN_FORCE)
        .annotate(n=Count("versions"))
        .order_by("-n", "name")[:18]
    )
    return render(
        request,
        "web/home.html",
        {
            "count_in_force": in_force.count(),
            "count_province": in_force.filter(current_version__at_province=True).count(),
            "count_commune": in_force.filter(current_version__at_commune=True).count(),
            "count_online": in_force.filter(current_version__online_level__in=["full", "partial"]).count(),
            "fields": fields,
            "popular": popular_procedures(),
        },
    )


def _catalog_params(request: HttpRequest) -> tuple[CatalogParams, dict[str, str]]:
    raw = {
        key: request.GET.get(key, "").strip() for key in ("q", "level", "field", "agency", "online", "scope")
    }
    allowed = {
        "level": {"province", "commune", "ministry", "other"},
        "online": {"full", "partial", "none", "yes"},
        "scope": {"province", "all"},
    }
    clean = {k: v for k, v in raw.items() if v and (k not in allowed or v in allowed[k])}
    return CatalogParams.model_validate({**clean, "q": clean.get("q", "")[:200] or None}), raw


@public
def procedure_list(request: HttpRequest) -> HttpResponse:
    params, raw = _catalog_params(request)
    procedures = selectors.procedure_search(selectors.CatalogFilters(**params.dict()))
    paginator = Paginator(procedures, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": raw,
        "query": query.urlencode(),
        "fields": ProcedureField.objects.order_by("name"),
        "agencies": Agency.objects.filter(is_active=True, level__in=["province"]).order_by("name"),
        "online_levels": OnlineLevel.choices,
    }
    template = (
        "web/_procedure_results.html" if request.headers.get("HX-Request") else "web/procedure_list.html"
    )
    return render(request, template, context)


@public
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version_param = request.GET.get("phien-ban")
    version_number = int(version_param) if version_param and version_param.isdigit() else None
    try:
        procedure, version = selectors.procedure_get(code, version_number)
    except NotFound:
        return render(
            request, "web/not_found.html", {"message": gettext("Không tìm thấy thủ tục.")}, status=404
        )
    payload = procedure_payload(procedure, version)
    return render(
        request,
        "web/procedure_detail.html",
        {
            "p": payload,
            "procedure": procedure,
            "channels": dict(Channel.choices),
            "units": dict(TimeUnit.choices),
            "online_levels": dict(OnlineLevel.choices),
            "can_file_online": _can_file_online(procedure, version),
        },
    )


def _can_file_online(procedure: Procedure, version: ProcedureVersion | None) -> bool:
    """The version shown is the one in force and the wizard would take it."""
    return version is not None and procedure.current_version_id == version.pk and takes_online_filing(version)


@public
def calendar_year(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = year or timezone.localdate().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        return render(
            request,
            "web/not_found.html",
            {"message": f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}."},
            status=404,
        )
    calendar = work_calendar()
    return render(
        request,
        "web/calendar.html",
        {
            "year": year,
            "non_working": calendar.non_working_days(year),
            "make_up": calendar.make_up_working_days(year),
            "holidays": calendar.holidays(year),
        },
    )


@public
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse(
        {"status": "ok", "features": feature_report(), "integrations": integrations_status()},
        json_dumps_params={"ensure_ascii": False},
    )
