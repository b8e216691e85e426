"""Counter reception (tiếp nhận trực tiếp) on one page, keyboard first: find the procedure (diacritics
optional), enter or look up the applicant by CCCD or tax code, tick the papers handed over, optionally
scan them, receive — and print the receipt (form 01). A trained officer does it in under a minute.

The dossier is created and received by ``dossiers.services.dossier_create`` (counter channel); scans
are digitised afterwards by ``documents.digitization.component_digitize``: a scan that fails its check
(page count, not a scan) leaves the dossier received and says what to redo on the dossier page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Applicant
from audit.services import Kind, record_access
from catalog.models import ComponentRequirement, Procedure, ProcedureVersion
from catalog.selectors import CatalogFilters, procedure_search
from documents import digitization
from documents.services import upload_limits
from dossiers import selectors, services
from dossiers.models import Dossier
from kernel import ratelimit
from kernel.errors import DomainError, NotFound, TooManyRequests
from kernel.text import fold
from notices import selectors as notice_selectors
from organization.models import Agency
from web.portal_common import component_required
from web.workspace_common import acting_user, error_page, is_htmx, officer_view, reception_points
from web.workspace_forms import NATIONAL_ID, TAX_CODE, ReceptionForm

SUGGESTIONS = 10
# The fields the applicant look-up fills in (htmx out-of-band swaps).
LOOKUP_FILLS = ("name", "address", "phone", "email", "date_of_birth", "notify_email", "notify_sms")
POPULAR = 8

RECEPTION_FIELDS = {
    "applicant.name": "name",
    "applicant.national_id": "id_number",
    "applicant.tax_code": "id_number",
    "applicant": "id_number",
    "applicant.phone": "phone",
    "applicant.email": "email",
    "receiving_agency": "receiving_agency",
    "handling_agency": "handling_agency",
    "case": "case",
    "processing_time": "processing_amount",
}


def _filters_for(points: list[Agency], q: str) -> CatalogFilters:
    """Procedures a reception point receives: a commune centre its commune's procedures (and those
    linked to it), a provincial centre the provincial ones."""
    if len(points) == 1 and points[0].level == Agency.Level.COMMUNE:
        return CatalogFilters(q=q, agency=points[0].code)
    if points and all(p.level == Agency.Level.PROVINCE for p in points):
        return CatalogFilters(q=q, level="province")
    return CatalogFilters(q=q)


def _search(points: list[Agency], q: str) -> list[Procedure]:
    q = q.strip()[:200]
    if not q:
        return []
    return list(procedure_search(_filters_for(points, q))[:SUGGESTIONS])


def _popular(points: list[Agency]) -> list[Procedure]:
    """The procedures received most at these points in the last 90 days: one click for the usual."""
    since = timezone.now() - timedelta(days=90)
    top = (
        Dossier.objects.filter(receiving_agency__in=points, received_at__gte=since)
        .values("procedure_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[:POPULAR]
    )
    order = [row["procedure_id"] for row in top]
    found = Procedure.objects.filter(pk__in=order, current_version__isnull=False).select_related(
        "current_version"
    )
    by_id = {p.pk: p for p in found}
    return [by_id[pk] for pk in order if pk in by_id]


def _components(version: ProcedureVersion, case_id: str) -> list[ComponentRequirement]:
    components = version.components.select_related("case").order_by("position")
    chosen = int(case_id) if case_id.isdigit() else None
    return [c for c in components if c.case_id is None or c.case_id == chosen]


def _groups(components: list[ComponentRequirement]) -> list[dict[str, Any]]:
    """The checklist by the catalog's sections; notes ("Lưu ý") folded away."""
    groups: list[dict[str, Any]] = []
    for component in components:
        section = (component.section or "").strip(" *:") or "Thành phần hồ sơ"
        if not groups or groups[-1]["section"] != section:
            groups.append({"section": section, "notes": "luu y" in fold(section), "items": []})
        groups[-1]["items"].append(component)
    return groups


def _rows(form: ReceptionForm) -> dict[int, dict[str, Any]]:
    """The checklist's bound fields by paper, each flagged ``required`` when every applicant of the
    case files it: the catalog marks it mandatory, it is not taken from national data and its wording
    does not make it depend on the situation (the online wizard's rule, ``component_required``). Only
    those are ticked by "mark the required papers received"; the officer ticks a situational paper
    himself when it is handed over, so that the receipt never states a paper that was not."""
    rows = {}
    for row in form.component_rows():
        requirement = row["requirement"]
        notes = "luu y" in fold(requirement.section or "")
        required = not notes and component_required(requirement)
        national = not notes and requirement.mandatory and requirement.from_national_data
        rows[requirement.pk] = {
            **row,
            "required": required,
            "national": national,
            "situational": not (notes or required or national),
        }
    return rows


def _checklist(form: ReceptionForm) -> dict[str, Any]:
    """The context of the checklist (``_reception_components.html``)."""
    rows = _rows(form)
    return {
        "groups": _groups(form.components),
        "rows": rows,
        "has_required": any(row["required"] for row in rows.values()),
    }


def _asks_processing_time(version: ProcedureVersion) -> bool:
    return not any(
        o.channel == "counter" and o.time_amount is not None and o.time_unit for o in version.options.all()
    )


def _handling_choices(version: ProcedureVersion, points: list[Agency]) -> list[tuple[str, str]]:
    if version.at_commune and all(p.level == Agency.Level.COMMUNE for p in points):
        return []
    linked = list(version.agencies.filter(is_active=True).order_by("name"))
    return [(a.code, a.name) for a in linked] if len(linked) > 1 else []


def _form(request: HttpRequest, version: ProcedureVersion, points: list[Agency]) -> ReceptionForm:
    post = request.method == "POST"
    source = request.POST if post else request.GET
    return ReceptionForm(
        request.POST if post else None,
        receiving=[(p.code, p.name) for p in points],
        handling=_handling_choices(version, points),
        cases=[(str(c.pk), c.name) for c in version.cases.order_by("position")],
        components=_components(version, source.get("case", "")),
        ask_processing_time=_asks_processing_time(version),
        initial={"receiving_agency": points[0].code} if points else None,
    )


def _scans(request: HttpRequest, form: ReceptionForm) -> dict[int, list[Any]]:
    """The scans posted per paper, checked against the form (ticked, page count given, size)."""
    found: dict[int, list[Any]] = {}
    limit = upload_limits().max_bytes
    for component in form.components:
        uploads = request.FILES.getlist(f"c_{component.pk}_scan")
        if not uploads:
            continue
        key = f"c_{component.pk}"
        if not form.cleaned_data.get(key):
            form.add_error(key, "Đã chọn bản quét cho giấy tờ chưa đánh dấu «đã nhận».")
        if not form.cleaned_data.get(f"{key}_pages"):
            form.add_error(f"{key}_pages", "Nhập số trang bản giấy để đối chiếu với bản quét.")
        for upload in uploads:
            if upload.size is not None and upload.size > limit:
                form.add_error(key, f"Tệp «{upload.name}» quá lớn: tối đa {limit // 1024 // 1024} MB.")
        found[component.pk] = uploads
    form.describe()
    return found


def _receive(
    request: HttpRequest, form: ReceptionForm, procedure: Procedure, points: list[Agency]
) -> Dossier:
    data = form.cleaned_data
    by_code = {p.code: p for p in points}
    receiving = by_code.get(data.get("receiving_agency") or "") or points[0]
    handling = None
    if data.get("handling_agency"):
        handling = Agency.objects.filter(code=data["handling_agency"], is_active=True).first()
    kind = form.applicant_kind
    received = form.received_components()
    processing_time = None
    if data.get("processing_amount") and data.get("processing_unit"):
        processing_time = (data["processing_amount"], data["processing_unit"])
    payload = services.DossierInput(
        procedure_code=procedure.code,
        channel="counter",
        receiving_agency=receiving,
        handling_agency=handling,
        applicant=services.ApplicantData(
            name=data["name"],
            kind=kind,
            national_id=data["id_number"] if kind == Applicant.Kind.INDIVIDUAL else "",
            tax_code=data["id_number"] if kind == Applicant.Kind.ORGANIZATION else "",
            date_of_birth=data.get("date_of_birth"),
            address=data.get("address", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        ),
        notify_email=bool(data.get("notify_email")),
        notify_sms=bool(data.get("notify_sms")),
        case_id=int(data["case"]) if data.get("case") else None,
        representative_name=data.get("representative_name", ""),
        representative_id_number=data.get("representative_id", ""),
        components=[
            services.ComponentData(requirement_id=c.pk, originals=originals, copies=copies)
            for c, originals, copies, _pages in received
        ],
        processing_time=processing_time,
        note=data.get("note", ""),
    )
    return services.dossier_create(data=payload, actor=acting_user(request))


def _digitize(
    request: HttpRequest, dossier: Dossier, form: ReceptionForm, scans: dict[int, list[Any]]
) -> None:
    pages = {c.pk: p for c, _o, _c, p in form.received_components()}
    components = {c.requirement_id: c for c in dossier.components.all()}
    for requirement_id, uploads in scans.items():
        component = components.get(requirement_id)
        if component is None:
            continue
        try:
            digitization.component_digitize(
                dossier=dossier,
                component=component,
                scans=[(u.name or f"trang-{i + 1}", u.read()) for i, u in enumerate(uploads)],
                declared_pages=pages.get(requirement_id) or 0,
                actor=acting_user(request),
            )
        except DomainError as exc:
            messages.warning(
                request,
                f"Chưa số hóa «{component.name[:80]}»: {exc.message} Có thể số hóa lại ở trang hồ sơ.",
            )


@officer_view
def reception(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    points = reception_points(user)
    if not points:
        return error_page(
            request,
            "Chỉ cán bộ một cửa (bộ phận tiếp nhận và trả kết quả) tiếp nhận hồ sơ trực tiếp.",
            status=403,
        )
    code = (request.GET.get("thu_tuc") or "").strip()
    if not code:
        return _search_page(request, points)
    procedure = Procedure.objects.select_related("current_version").filter(code=code).first()
    if procedure is None or procedure.current_version is None:
        return _search_page(
            request, points, error="Không có thủ tục đang có hiệu lực với mã này.", status=404
        )
    version = procedure.current_version
    form = _form(request, version, points)
    status, error = 200, ""
    if request.method == "POST":
        status, error = 400, "Hãy kiểm tra lại các trường được đánh dấu."
        scans = _scans(request, form) if form.is_valid() else {}
        if not form.errors and form.components and not form.received_components():
            form.add_error(None, "Chưa đánh dấu giấy tờ nào người nộp đã nộp.")
        elif not form.errors:
            try:
                dossier = _receive(request, form, procedure, points)
            except DomainError as exc:
                fields = dict(RECEPTION_FIELDS)
                for i, (component, *_rest) in enumerate(form.received_components()):
                    fields[f"components.{i}"] = f"c_{component.pk}"
                form.add_domain_error(exc, fields)
                status, error = exc.status, exc.message
            else:
                _digitize(request, dossier, form, scans)
                url = reverse("web:workspace_reception_done", args=[dossier.reference])
                return HttpResponseRedirect(url, status=303)
    context = {
        "procedure": procedure,
        "version": version,
        "form": form,
        **_checklist(form),
        "points": points,
        "statutory": [o for o in version.options.all() if o.channel == "counter"],
        "error": error,
        "ws_section": "reception",
    }
    return render(request, "web/workspace/reception.html", context, status=status)


def _search_page(
    request: HttpRequest, points: list[Agency], *, error: str = "", status: int = 200
) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()
    found = _search(points, q)
    if q and not error and not is_htmx(request):
        exact = [p for p in found if p.code == q]
        if exact or len(found) == 1:
            chosen = (exact or found)[0]
            return HttpResponseRedirect(f"{reverse('web:workspace_reception')}?thu_tuc={chosen.code}")
    context = {
        "q": q,
        "found": found,
        "popular": _popular(points),
        "points": points,
        "error": error,
        "ws_section": "reception",
    }
    if is_htmx(request):
        return render(request, "web/workspace/_procedure_suggestions.html", context, status=status)
    return render(request, "web/workspace/reception_search.html", context, status=status)


@officer_view
def reception_components(request: HttpRequest) -> HttpResponse:
    """The checklist for the chosen case (htmx, when the case changes)."""
    points = reception_points(acting_user(request))
    procedure = (
        Procedure.objects.select_related("current_version")
        .filter(code=request.GET.get("thu_tuc", ""))
        .first()
    )
    if not points or procedure is None or procedure.current_version is None:
        return error_page(request, "Không có thủ tục này.", status=404)
    form = _form(request, procedure.current_version, points)
    return render(
        request,
        "web/workspace/_reception_components.html",
        {"form": form, "version": procedure.current_version, **_checklist(form)},
    )


@officer_view
def applicant_lookup(request: HttpRequest) -> HttpResponse:
    """Who has this CCCD or tax code: the particulars fill the form (htmx out-of-band swaps). Only for a
    one-stop officer, only an exact number, only someone the counter may know
    (``selectors.applicant_for_reception``); counted per officer (``MOTCUA_APPLICANT_LOOKUP_RATE``) and
    logged (audit), found or not."""
    user = acting_user(request)
    points = reception_points(user)
    if not points:
        return error_page(request, "Chỉ cán bộ một cửa tra cứu người nộp hồ sơ.", status=403)
    number = "".join(request.GET.get("id_number", "").split())
    complete = bool(NATIONAL_ID.match(number) or TAX_CODE.match(number))
    applicant = None
    if complete:
        try:
            ratelimit.throttle(
                ratelimit.configured(ratelimit.APPLICANT_LOOKUP),
                f"user:{user.pk}",
                message=gettext(
                    "Bạn đã tra cứu quá nhiều người nộp trong thời gian ngắn. Vui lòng nhập thông tin "
                    "người nộp theo giấy tờ, hoặc thử lại sau."
                ),
            )
        except TooManyRequests as exc:
            response = render(
                request, "web/workspace/_applicant_lookup.html", {"throttled": exc.message}, status=429
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        applicant = selectors.applicant_for_reception(number=number, points=points)
        record_access(
            actor=user,
            kind=Kind.APPLICANT_LOOKUP,
            request=request,
            subject=number,
            found=applicant is not None,
        )
    form = None
    if applicant is not None:
        # The choice of notices as the applicant saved it, where his profile has the address.
        email, sms = notice_selectors.filing_choice(applicant, email=applicant.email, phone=applicant.phone)
        form = ReceptionForm(
            initial={
                "name": applicant.name,
                "address": applicant.address,
                "phone": applicant.phone,
                "email": applicant.email,
                "date_of_birth": applicant.date_of_birth.isoformat() if applicant.date_of_birth else "",
                "notify_email": email,
                "notify_sms": sms,
            }
        )
        for name in LOOKUP_FILLS:
            form.fields[name].widget.attrs["hx-swap-oob"] = "true"
        form.fields["id_number"].widget.attrs.pop("autofocus", None)
    return render(
        request,
        "web/workspace/_applicant_lookup.html",
        {"applicant": applicant, "complete": complete, "form": form},
    )


@officer_view
def reception_done(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        dossier = selectors.dossier_get(user=request.user, reference=reference)
    except NotFound as exc:
        return error_page(request, exc.message, status=404)
    return render(
        request,
        "web/workspace/reception_done.html",
        {
            "dossier": dossier,
            "receipt_url": reverse("web:workspace_form", args=[dossier.reference, "receipt"]),
            "components": list(dossier.components.select_related("digitization").order_by("position")),
            "ws_section": "reception",
        },
    )
