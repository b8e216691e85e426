"""Online filing (nộp hồ sơ trực tuyến) as a wizard, for citizens and organisations with an account.

1. ``/nop-ho-so/<code>/`` — the case and the place of filing (kept in the session);
2. ``/nop-ho-so/<code>/to-khai/`` — the e-form: identity from the account, editable contact and an
   optional representative. Completing it creates the DRAFT dossier (``dossier_create`` draft path) with
   every paper the procedure lists for the case; from here the draft is in "Hồ sơ của tôi";
3. ``/nop-ho-so/<code>/<uuid>/giay-to/`` — a file per paper: uploaded (``component_upload``, the API's
   validation) or reused from the data store (``component_reuse``), each saved at once;
4. ``…/xem-lai/`` — review; 5. ``…/nop/`` — submit (``dossier_submit``).

There is no service that changes a draft's case, place or contact once created, so steps 1–2 are not
editable afterwards: the citizen cancels the draft (``dossier_withdraw``) and starts again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Applicant, User
from catalog import selectors as catalog
from catalog.models import Channel, OnlineLevel, Procedure, ProcedureVersion, ProcessingOption, TimeUnit
from dossiers import services
from dossiers.models import Dossier
from dossiers.transitions import Status
from kernel.errors import DomainError, Forbidden, NotFound
from notices import selectors as notice_selectors
from organization.models import Agency
from web.portal_common import (
    applicant_of,
    attach_file,
    component_rows,
    error_page,
    group_rows,
    own_dossier,
)
from web.portal_forms import ApplicationForm, PlaceForm

WIZARD_SESSION = "portal_filing"
STEPS = (_("Chọn trường hợp"), _("Điền tờ khai"), _("Đính kèm giấy tờ"), _("Xem lại"), _("Nộp hồ sơ"))
PAGE_SIZE = 20


def handles_refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal raised anywhere in the view becomes a page with its message and 4xx status."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return error_page(request, exc)

    return wrapped


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def filer(request: HttpRequest) -> Applicant:
    applicant = applicant_of(request.user)
    if applicant is None:
        raise Forbidden(
            "Chỉ công dân, tổ chức có tài khoản mới nộp hồ sơ trực tuyến. Cán bộ tiếp nhận hồ sơ tại "
            "trang Tiếp nhận của bộ phận một cửa."
        )
    return applicant


def online_option(version: ProcedureVersion) -> ProcessingOption | None:
    return next((o for o in version.options.all() if o.channel == Channel.ONLINE), None)


def online_time_known(version: ProcedureVersion) -> bool:
    """The catalog gives the online processing time (without it no deadline can be computed)."""
    return any(o.time_amount and o.time_unit for o in version.options.all() if o.channel == Channel.ONLINE)


def takes_online_filing(version: ProcedureVersion) -> bool:
    """What ``procedure_for_filing`` requires of a version: online filing offered, with its time."""
    return (
        version.online_level != OnlineLevel.NONE
        and online_option(version) is not None
        and online_time_known(version)
    )


def procedure_for_filing(code: str) -> tuple[Procedure, ProcedureVersion]:
    procedure = Procedure.objects.select_related("current_version__field").filter(code=code).first()
    if procedure is None or procedure.current_version is None:
        raise NotFound(gettext("Không tìm thấy thủ tục đang có hiệu lực tại tỉnh với mã này."))
    version = procedure.current_version
    if version.online_level == OnlineLevel.NONE or online_option(version) is None:
        raise DomainError(
            "online_not_offered",
            f"Thủ tục {procedure.code} chưa nhận hồ sơ trực tuyến. Mời bạn nộp trực tiếp tại Trung tâm "
            "Phục vụ hành chính công hoặc qua dịch vụ bưu chính.",
            status=409,
        )
    if not online_time_known(version):
        raise DomainError(
            "no_processing_time",
            f"Danh mục chưa có thời hạn giải quyết hồ sơ trực tuyến của thủ tục {procedure.code} nên chưa nộp "
            "trực tuyến được. Mời bạn liên hệ Trung tâm Phục vụ hành chính công.",
            status=409,
        )
    return procedure, version


@dataclass
class Places:
    province: list[Agency]
    commune: list[Agency]
    handling: list[Agency]

    def any(self) -> bool:
        return bool(self.province or self.commune)


def places_for(version: ProcedureVersion) -> Places:
    """Where this procedure can be filed online: a commune's centre for commune procedures (it routes
    the dossier to its commune), the provincial centre for procedures a provincial agency settles."""
    linked = list(version.agencies.filter(is_active=True).order_by("name"))
    commune: list[Agency] = []
    if version.at_commune:
        commune = list(
            Agency.objects.filter(
                kind=Agency.Kind.SERVICE_CENTRE, level=Agency.Level.COMMUNE, is_active=True
            ).order_by("name")
        )
    province: list[Agency] = []
    if linked and (version.at_province or not version.at_commune):
        province = list(
            Agency.objects.filter(
                kind=Agency.Kind.SERVICE_CENTRE, level=Agency.Level.PROVINCE, is_active=True
            ).order_by("name")
        )
    return Places(province=province, commune=commune, handling=linked)


def _state(request: HttpRequest, code: str) -> dict[str, Any]:
    stored: dict[str, Any] = request.session.get(WIZARD_SESSION, {})
    return dict(stored.get(code, {}))


def _save_state(request: HttpRequest, code: str, **values: Any) -> None:
    stored: dict[str, Any] = dict(request.session.get(WIZARD_SESSION, {}))
    stored[code] = {**stored.get(code, {}), **values}
    request.session[WIZARD_SESSION] = stored


def _clear_state(request: HttpRequest, code: str) -> None:
    stored: dict[str, Any] = dict(request.session.get(WIZARD_SESSION, {}))
    if stored.pop(code, None) is not None:
        request.session[WIZARD_SESSION] = stored


def _drafts(applicant: Applicant, procedure: Procedure) -> list[Dossier]:
    return list(
        Dossier.objects.filter(applicant=applicant, procedure=procedure, status=Status.DRAFT).order_by(
            "-created_at"
        )[:5]
    )


def _context(procedure: Procedure, version: ProcedureVersion, step: int, **extra: Any) -> dict[str, Any]:
    option = online_option(version)
    return {
        "procedure": procedure,
        "version": version,
        "option": option,
        "units": dict(TimeUnit.choices),
        "steps": [(i, label) for i, label in enumerate(STEPS, start=1)],
        "step": step,
        "step_label": STEPS[step - 1],
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Choosing a procedure


@handles_refusals
def file_index(request: HttpRequest) -> HttpResponse:
    """The procedures that take online filing, searchable without diacritics."""
    q = request.GET.get("q", "").strip()[:200]
    procedures = catalog.procedure_search(catalog.CatalogFilters(q=q or None, online="yes"))
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = []
    applicant = applicant_of(request.user)
    if applicant is not None:
        drafts = list(
            Dossier.objects.filter(applicant=applicant, status=Status.DRAFT)
            .select_related("procedure", "version")
            .order_by("-created_at")[:10]
        )
    template = "web/portal/_file_index_results.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "web/portal/file_index.html",
        {"page": page, "q": q, "drafts": drafts, "is_filer": applicant is not None},
    )


# ---------------------------------------------------------------------------------------------
# Step 1 and 2: before the draft exists


def _default_centre(applicant: Applicant, places: Places) -> str:
    if applicant.unit_id is not None:
        for centre in places.commune:
            if centre.unit_id == applicant.unit_id:
                return centre.code
    if len(places.province) == 1 and not places.commune:
        return places.province[0].code
    return ""


@handles_refusals
def file_place(request: HttpRequest, code: str) -> HttpResponse:
    applicant = filer(request)
    procedure, version = procedure_for_filing(code)
    places = places_for(version)
    if not places.any():
        raise DomainError(
            "no_reception_point",
            f"Chưa xác định được nơi tiếp nhận hồ sơ trực tuyến của thủ tục {procedure.code}. Mời bạn "
            "liên hệ Trung tâm Phục vụ hành chính công.",
            status=409,
        )
    state = _state(request, code)
    form = PlaceForm(
        request.POST if request.method == "POST" else None,
        initial={
            "case": state.get("case"),
            "receiving": state.get("receiving") or _default_centre(applicant, places),
            "handling": state.get("handling") or "",
        },
        cases=version.cases.all(),
        province_centres=places.province,
        commune_centres=places.commune,
        handling_agencies=places.handling,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            receiving = form.cleaned_data["receiving"]
            handling = form.cleaned_data.get("handling") or ""
            at_province = receiving in {a.code for a in places.province}
            if at_province and "handling" in form.fields and not handling:
                form.add_error("handling", "Hãy chọn cơ quan giải quyết hồ sơ.")
            else:
                _save_state(
                    request,
                    code,
                    case=form.cleaned_data.get("case"),
                    receiving=receiving,
                    handling=handling if at_province else "",
                )
                return redirect("web:portal_file_form", code=code)
        status = 400
    return render(
        request,
        "web/portal/file_place.html",
        _context(procedure, version, 1, form=form, drafts=_drafts(applicant, procedure)),
        status=status,
    )


def _chosen_places(state: dict[str, Any]) -> tuple[Agency | None, Agency | None]:
    receiving = Agency.objects.filter(code=state.get("receiving") or "", is_active=True).first()
    handling = (
        Agency.objects.filter(code=state["handling"], is_active=True).first()
        if state.get("handling")
        else None
    )
    return receiving, handling


def _chosen_case(version: ProcedureVersion, state: dict[str, Any]) -> Any:
    return version.cases.filter(pk=state["case"]).first() if state.get("case") else None


@handles_refusals
def file_form(request: HttpRequest, code: str) -> HttpResponse:
    applicant = filer(request)
    procedure, version = procedure_for_filing(code)
    state = _state(request, code)
    receiving, handling = _chosen_places(state)
    if receiving is None:
        messages.info(request, "Hãy chọn trường hợp và nơi nộp hồ sơ trước.")
        return redirect("web:portal_file_place", code=code)
    initial = state.get("form") or {
        "address": applicant.address,
        "phone": applicant.phone or _user(request).phone,
        "email": applicant.email or _user(request).email,
    }
    form = ApplicationForm(request.POST if request.method == "POST" else None, initial=initial)
    context = _context(
        procedure,
        version,
        2,
        form=form,
        applicant=applicant,
        receiving=receiving,
        handling=handling,
        case=_chosen_case(version, state),
    )
    if request.method != "POST":
        return render(request, "web/portal/file_form.html", context)
    if not form.is_valid():
        return render(request, "web/portal/file_form.html", context, status=400)
    _save_state(request, code, form=form.cleaned_data)
    try:
        dossier = _create_draft(request, applicant, procedure, version, state, receiving, handling, form)
    except DomainError as exc:
        place_fields = {"receiving_agency", "handling_agency", "case", "channel"}
        context["error"] = exc.message
        context["place_error"] = bool(place_fields & set(exc.fields))
        return render(request, "web/portal/file_form.html", context, status=exc.status)
    _clear_state(request, code)
    messages.success(
        request,
        "Đã lưu bản nháp. Bạn có thể dừng lại và tiếp tục sau từ mục «Hồ sơ của tôi».",
    )
    return redirect("web:portal_file_components", code=code, ref=dossier.uuid)


def _create_draft(
    request: HttpRequest,
    applicant: Applicant,
    procedure: Procedure,
    version: ProcedureVersion,
    state: dict[str, Any],
    receiving: Agency,
    handling: Agency | None,
    form: ApplicationForm,
) -> Dossier:
    data = form.cleaned_data
    case = _chosen_case(version, state)
    requirements = services.case_requirements(version, case)
    payload = services.DossierInput(
        procedure_code=procedure.code,
        channel=Channel.ONLINE,
        receiving_agency=receiving,
        handling_agency=handling,
        applicant=services.ApplicantData(
            name=applicant.name,
            kind=applicant.kind,
            national_id=applicant.national_id,
            tax_code=applicant.tax_code,
            date_of_birth=applicant.date_of_birth,
            address=data["address"],
            phone=data["phone"],
            email=data["email"],
        ),
        case_id=case.pk if case else None,
        representative_name=data["representative_name"],
        representative_id_number=data["representative_id"],
        components=[
            services.ComponentData(
                requirement_id=r.pk, originals=min(r.originals or 0, 99), copies=min(r.copies or 0, 99)
            )
            for r in requirements
        ],
        note=data["note"],
    )
    return services.dossier_create(data=payload, actor=_user(request), draft=True)


# ---------------------------------------------------------------------------------------------
# Steps 3 to 5: on the draft


def draft_of(request: HttpRequest, code: str, ref: uuid.UUID) -> Dossier:
    filer(request)
    dossier = own_dossier(request.user, str(ref))
    if dossier.procedure.code != code:
        raise NotFound(gettext("Không tìm thấy hồ sơ."))
    return dossier


def _not_draft(dossier: Dossier) -> HttpResponse:
    return redirect("web:portal_dossier", ref=dossier.reference)


def _components_page(
    request: HttpRequest, dossier: Dossier, rows: list[Any], *, status: int = 200, error: str = ""
) -> HttpResponse:
    missing = [r for r in rows if r.missing]
    context = _context(
        dossier.procedure,
        dossier.version,
        3,
        dossier=dossier,
        rows=rows,
        groups=group_rows(rows),
        missing=missing,
        required_count=sum(1 for r in rows if r.required),
        error=error,
    )
    return render(request, "web/portal/file_components.html", context, status=status)


@handles_refusals
def file_components(request: HttpRequest, code: str, ref: uuid.UUID) -> HttpResponse:
    dossier = draft_of(request, code, ref)
    if dossier.status != Status.DRAFT:
        return _not_draft(dossier)
    if request.method == "POST":
        # "Tiếp tục": every required paper must have a file before the review.
        rows = component_rows(dossier, flag_missing=True)
        missing = [r for r in rows if r.missing]
        if missing:
            return _components_page(
                request,
                dossier,
                rows,
                status=400,
                error=f"Còn thiếu {len(missing)} giấy tờ bắt buộc (đánh dấu bên dưới).",
            )
        return redirect("web:portal_file_review", code=code, ref=ref)
    return _components_page(request, dossier, component_rows(dossier))


@require_POST
@handles_refusals
def file_attach(request: HttpRequest, code: str, ref: uuid.UUID, component_id: int) -> HttpResponse:
    dossier = draft_of(request, code, ref)
    if dossier.status != Status.DRAFT:
        return _not_draft(dossier)
    done, bound, status = attach_file(request, dossier, component_id)
    if not done:
        rows = component_rows(dossier, bound=bound)
        return _components_page(request, dossier, rows, status=status)
    messages.success(request, "Đã lưu tệp vào bản nháp.")
    url = reverse("web:portal_file_components", kwargs={"code": code, "ref": ref})
    return redirect(f"{url}#comp-{component_id}")


@handles_refusals
def file_edit(request: HttpRequest, code: str, ref: uuid.UUID) -> HttpResponse:
    """Steps 1 and 2 again on an existing draft: the case, the place and the contact details."""
    dossier = draft_of(request, code, ref)
    if dossier.status != Status.DRAFT:
        return _not_draft(dossier)
    version = dossier.version
    places = places_for(version)
    at_province = dossier.receiving_agency.level == Agency.Level.PROVINCE
    data = request.POST if request.method == "POST" else None
    place_form = PlaceForm(
        data,
        initial={
            "case": dossier.case_id,
            "receiving": dossier.receiving_agency.code,
            "handling": dossier.handling_agency.code if at_province else "",
        },
        cases=version.cases.all(),
        province_centres=places.province,
        commune_centres=places.commune,
        handling_agencies=places.handling,
    )
    form = ApplicationForm(
        data,
        initial={
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "representative_name": dossier.representative_name,
            "representative_id": dossier.representative_id_number,
            "note": dossier.note,
        },
    )
    context = _context(
        dossier.procedure,
        version,
        2,
        dossier=dossier,
        place_form=place_form,
        form=form,
        applicant=dossier.applicant,
    )
    if data is None:
        return render(request, "web/portal/file_edit.html", context)
    valid = place_form.is_valid() & form.is_valid()  # both, so that every error shows at once
    receiving = handling = None
    if valid:
        receiving = Agency.objects.get(code=place_form.cleaned_data["receiving"], is_active=True)
        chosen = place_form.cleaned_data.get("handling") or ""
        if receiving.level == Agency.Level.PROVINCE and "handling" in place_form.fields and not chosen:
            place_form.add_error("handling", "Hãy chọn cơ quan giải quyết hồ sơ.")
            valid = False
        elif receiving.level == Agency.Level.PROVINCE and chosen:
            handling = Agency.objects.get(code=chosen, is_active=True)
    if not valid or receiving is None:
        return render(request, "web/portal/file_edit.html", context, status=400)
    values = form.cleaned_data
    change = services.DraftChange(
        receiving_agency=receiving,
        handling_agency=handling,
        case_id=place_form.cleaned_data.get("case"),
        address=values["address"],
        phone=values["phone"],
        email=values["email"],
        representative_name=values["representative_name"],
        representative_id_number=values["representative_id"],
        note=values["note"],
    )
    before = set(dossier.components.values_list("pk", flat=True))
    try:
        dossier = services.dossier_update_draft(dossier=dossier, actor=_user(request), change=change)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "web/portal/file_edit.html", context, status=exc.status)
    after = set(dossier.components.values_list("pk", flat=True))
    note = ""
    if after != before:
        note = " Danh sách giấy tờ đã đổi theo trường hợp mới: hãy xem lại bên dưới."
    messages.success(request, "Đã lưu thay đổi của bản nháp." + note)
    return redirect("web:portal_file_components", code=code, ref=ref)


@handles_refusals
def file_review(request: HttpRequest, code: str, ref: uuid.UUID) -> HttpResponse:
    dossier = draft_of(request, code, ref)
    if dossier.status != Status.DRAFT:
        return _not_draft(dossier)
    return _review_page(request, dossier)


def _review_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    channels: tuple[bool, bool] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    rows = component_rows(dossier)
    email, sms = channels or _channels_of(dossier)
    context = _context(
        dossier.procedure,
        dossier.version,
        4,
        dossier=dossier,
        rows=rows,
        attached=[r for r in rows if r.files],
        missing=[r for r in rows if r.missing],
        notice_channels={"email": email, "sms": sms},
        channel_error=error,
    )
    return render(request, "web/portal/file_review.html", context, status=status)


def _channels_of(dossier: Dossier) -> tuple[bool, bool]:
    """(e-mail, SMS) as chosen on the draft already, else as the applicant's saved preference where
    the draft has the address."""
    if dossier.notify_email is not None and dossier.notify_sms is not None:
        return dossier.notify_email, dossier.notify_sms
    return notice_selectors.filing_choice(
        dossier.applicant, email=dossier.applicant_email, phone=dossier.applicant_phone
    )


def _posted_channels(request: HttpRequest) -> tuple[bool, bool] | None:
    """(e-mail, SMS) as ticked on the review page, or None when the form did not carry the choice."""
    if request.POST.get("thong_bao") != "1":
        return None
    return request.POST.get("kenh_email") == "on", request.POST.get("kenh_sms") == "on"


@require_POST
@handles_refusals
def file_submit(request: HttpRequest, code: str, ref: uuid.UUID) -> HttpResponse:
    dossier = draft_of(request, code, ref)
    if dossier.status != Status.DRAFT:
        return _not_draft(dossier)
    rows = component_rows(dossier, flag_missing=True)
    missing = [r for r in rows if r.missing]
    if missing:
        return _components_page(
            request,
            dossier,
            rows,
            status=400,
            error=f"Chưa nộp được: còn thiếu {len(missing)} giấy tờ bắt buộc (đánh dấu bên dưới).",
        )
    channels = _posted_channels(request)
    try:
        with transaction.atomic():  # the dossier's choice of notices and its submission, or neither
            if channels is not None:
                email, sms = channels
                services.dossier_choose_notices(dossier=dossier, actor=_user(request), email=email, sms=sms)
            dossier = services.dossier_submit(dossier=dossier, actor=_user(request))
    except DomainError as refused:
        if refused.code != "invalid_notice_contact":
            raise
        return _review_page(request, dossier, channels=channels, error=refused.message, status=400)
    messages.success(
        request,
        f"Đã nộp hồ sơ, mã hồ sơ {dossier.code}: dùng mã này để tra cứu. Cán bộ một cửa sẽ kiểm tra; khi "
        "hồ sơ được tiếp nhận bạn sẽ có ngày hẹn trả kết quả.",
    )
    return redirect("web:portal_dossier", ref=dossier.reference)


@require_POST
@handles_refusals
def file_cancel(request: HttpRequest, code: str, ref: uuid.UUID) -> HttpResponse:
    dossier = draft_of(request, code, ref)
    if dossier.status != Status.DRAFT:
        return _not_draft(dossier)
    services.dossier_withdraw(dossier=dossier, actor=_user(request), reason="Người nộp hủy bản nháp")
    messages.success(request, "Đã hủy bản nháp.")
    return redirect("web:portal_my_dossiers")
