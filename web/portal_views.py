"""The citizen's side after filing: "Hồ sơ của tôi" (list and detail with the timeline, the appointment
and what to do next), answering a supplement request, the forms and results to download, and the data
store (kho dữ liệu). Only the applicant sees their dossiers; anyone else gets "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from audit import selectors as audit_selectors
from documents import results as results_service
from documents import services as documents
from documents.downloads import accessible_file, record_file_read
from documents.models import ComponentFile, ResultDocument, VaultItem
from dossiers import forms as dossier_forms
from dossiers import selectors, services
from dossiers.actions import registry, supplement
from dossiers.models import Dossier, DossierEvent, Outcome, SupplementRequest
from dossiers.selectors import PROGRESS_LABELS, progress_at
from dossiers.transitions import PENDING, STATUS_LABELS, Action, Status
from kernel.errors import DomainError, NotFound
from notices import selectors as notice_selectors
from web.portal_common import (
    STATUS_TONE,
    SUPPLEMENT_SENT,
    ComponentRow,
    applicant_of,
    attach_file,
    component_rows,
    event_label,
    group_rows,
    own_dossier,
)
from web.portal_filing import handles_refusals
from web.portal_forms import SupplementForm, WithdrawForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 20

# Tabs of "Hồ sơ của tôi": slug → (label, statuses).
GROUPS: dict[str, tuple[StrOrPromise, frozenset[Status]]] = {
    "nhap": (_("Bản nháp"), frozenset({Status.DRAFT})),
    "cho-tiep-nhan": (_("Chờ tiếp nhận"), frozenset({Status.SUBMITTED, Status.RETURNED})),
    "dang-giai-quyet": (_("Đang giải quyết"), PENDING),
    "co-ket-qua": (_("Có kết quả"), frozenset({Status.RESOLVED, Status.DELIVERED})),
    "da-ket-thuc": (_("Đã kết thúc"), frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED})),
}
# The forms of TT 03/2025 an applicant receives (the process-control sheet is the agencies' own).
ACCESS_PAGE_SIZE = 50
APPLICANT_FORMS = dossier_forms.APPLICANT_FORMS
STATUS_BY_VALUE = {status.value: label for status, label in STATUS_LABELS.items()}
# Where the applicant may send papers: the registry's states of the action (the transition table).
SUPPLEMENT_STATES = registry.entry(Action.APPLICANT_SUPPLEMENT).sources
# While the clock is stopped (supplement, pause) the appointment will move: not announced then.
APPOINTMENT_STATES = frozenset({Status.RECEIVED, Status.PROCESSING, Status.RESOLVED})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def my_dossiers_queryset(user: User) -> Any:
    """The user's own dossiers (as applicant); cancelled drafts are left out."""
    return (
        selectors.visible_dossiers(user)
        .filter(applicant__user=user)
        .exclude(status=Status.WITHDRAWN, submitted_at__isnull=True)
    )


# ---------------------------------------------------------------------------------------------
# What to do next


@dataclass
class Guidance:
    """The box at the top of a dossier: where it stands and what the applicant should do now."""

    tone: str  # action | info | ok | warn
    title: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    sent_at: datetime | None = None


def _latest(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return dossier.events.filter(action__in=actions).order_by("-seq").first()


def open_supplement(dossier: Dossier) -> SupplementRequest | None:
    return (
        dossier.supplement_requests.filter(received_at__isnull=True).order_by("-requested_at", "-pk").first()
    )


def _place(dossier: Dossier) -> str:
    agency = dossier.receiving_agency
    return f"{agency.name}{f', {agency.address}' if agency.address else ''}"


def guidance(dossier: Dossier, results: list[ResultDocument]) -> Guidance:
    """In the page's language: the box is shown on the portal only (officers' notes stay as written)."""
    status = Status(dossier.status)
    if status == Status.DRAFT:
        return Guidance(
            "action",
            gettext("Hồ sơ chưa nộp"),
            gettext("Hãy đính kèm giấy tờ, xem lại và bấm «Nộp hồ sơ»."),
        )
    if status == Status.SUBMITTED:
        return Guidance(
            "info",
            gettext("Đang chờ tiếp nhận"),
            gettext("Cán bộ một cửa của %(agency)s đang kiểm tra hồ sơ. Bạn chưa cần làm gì thêm.")
            % {"agency": dossier.receiving_agency.name},
        )
    if status == Status.RETURNED:
        event = _latest(dossier, Action.RETURN_FOR_COMPLETION)
        items = list(event.data.get("items", [])) if event else []
        text = event.reason if event and event.reason else ""
        return Guidance(
            "action",
            gettext("Cần bổ sung, hoàn thiện hồ sơ rồi nộp lại"),
            text or gettext("Hãy tải lên giấy tờ theo hướng dẫn dưới đây rồi bấm «Nộp lại hồ sơ»."),
            items,
        )
    if status == Status.AWAITING_SUPPLEMENT:
        request = open_supplement(dossier)
        items = list(request.items) if request else []
        sent = (
            dossier.events.filter(action=SUPPLEMENT_SENT, at__gte=request.requested_at)
            .order_by("-seq")
            .first()
            if request
            else None
        )
        if sent is not None:
            return Guidance(
                "info",
                gettext("Đã gửi giấy tờ bổ sung, chờ cán bộ tiếp nhận"),
                gettext(
                    "Khi cán bộ nhận đủ hồ sơ bổ sung, thời hạn giải quyết được tính lại từ đầu và bạn có "
                    "ngày hẹn mới."
                ),
                items,
                sent_at=sent.at,
            )
        text = (request.reason if request and request.reason else "") or gettext(
            "Hãy tải lên giấy tờ còn thiếu dưới đây rồi bấm «Gửi hồ sơ bổ sung»."
        )
        if request is not None and request.supply_by is not None:
            by_when = gettext("Hạn bổ sung: hết ngày %(day)s.") % {"day": f"{request.supply_by:%d/%m/%Y}"}
            text = f"{text} {by_when}"
        return Guidance(
            "action",
            gettext("Cần bổ sung: %(items)s") % {"items": "; ".join(items)}
            if items
            else gettext("Cần bổ sung hồ sơ"),
            text,
            items,
        )
    if status == Status.PAUSED:
        event = _latest(dossier, Action.PAUSE)
        return Guidance(
            "warn",
            gettext("Tạm dừng giải quyết"),
            (event.reason if event else "")
            or gettext("Cơ quan giải quyết tạm dừng tính thời hạn; sẽ tiếp tục sau."),
        )
    if status in (Status.RECEIVED, Status.PROCESSING):
        return Guidance(
            "info",
            gettext("Đang giải quyết"),
            gettext("Hồ sơ đang được xử lý. Bạn sẽ được thông báo khi có kết quả."),
        )
    if status == Status.RESOLVED:
        if dossier.outcome == Outcome.REFUSED:
            return Guidance("warn", gettext("Từ chối giải quyết"), dossier.resolution_note)
        text = gettext("Đến nhận kết quả tại %(place)s.") % {"place": _place(dossier)}
        if results:
            text = gettext(
                "Tải kết quả điện tử (bản ký số) ở mục «Kết quả» bên dưới, hoặc đến nhận tại %(place)s."
            ) % {"place": _place(dossier)}
        return Guidance("ok", gettext("Đã có kết quả"), text)
    if status == Status.DELIVERED:
        text = gettext("Kết quả đã được trả.")
        if results:
            text = gettext(
                "Kết quả đã được trả. Bản điện tử có ký số luôn ở mục «Kết quả» bên dưới và trong Kho dữ liệu "
                "của bạn."
            )
        return Guidance("ok", gettext("Đã trả kết quả"), text)
    if status == Status.REFUSED:
        return Guidance("warn", gettext("Hồ sơ bị từ chối tiếp nhận"), dossier.resolution_note)
    if status == Status.STOPPED:
        return Guidance("info", gettext("Đã dừng giải quyết theo đề nghị"), dossier.resolution_note)
    return Guidance("info", gettext("Đã rút hồ sơ"), "")


# ---------------------------------------------------------------------------------------------
# Hồ sơ của tôi


@handles_refusals
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = my_dossiers_queryset(user)
    by_status = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    tabs = [
        (slug, label, sum(by_status.get(s.value, 0) for s in statuses))
        for slug, (label, statuses) in GROUPS.items()
    ]
    group = request.GET.get("nhom", "")
    shown = mine
    if group in GROUPS:
        shown = shown.filter(status__in=[s.value for s in GROUPS[group][1]])
    else:
        group = ""
    shown = shown.select_related("procedure", "version", "receiving_agency").order_by("-created_at", "-pk")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    items = [
        {
            "dossier": d,
            "tone": STATUS_TONE[Status(d.status)],
            "progress": PROGRESS_LABELS.get(p) if (p := progress_at(d, now)) else "",
            "overdue": p is not None and p.value == "overdue",
            "show_appointment": d.status in APPOINTMENT_STATES,
        }
        for d in page
    ]
    return render(
        request,
        "web/portal/my_dossiers.html",
        {
            "page": page,
            "items": items,
            "tabs": tabs,
            "group": group,
            "total": sum(by_status.values()),
            "is_filer": applicant_of(user) is not None,
        },
    )


INTERNAL_NOTES = selectors.INTERNAL_NOTE_ACTIONS


def _detail_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    rows: list[ComponentRow] | None = None,
    supplement_form: SupplementForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    results = results_service.dossier_results(dossier)
    notices_by_event: dict[int, list[Any]] = {}
    for notice in notice_selectors.dossier_notices(dossier):
        notices_by_event.setdefault(notice.event_seq, []).append(notice)
    rows = rows if rows is not None else component_rows(dossier)
    status = Status(dossier.status)
    events = [
        {
            "event": e,
            "label": event_label(e.action),
            "status_changed": e.from_status != e.to_status and e.action != "create",
            "to_label": STATUS_BY_VALUE.get(e.to_status, e.to_status),
            "items": e.data.get("items", []) if isinstance(e.data, dict) else [],
            # Notes officers leave for each other (hand-overs, consultations) stay in the workspace.
            "reason": "" if e.action in INTERNAL_NOTES else e.reason,
            "appointment_changed": e.appointment_after is not None
            and e.appointment_after != e.appointment_before,
            "notices": notices_by_event.get(e.seq, []),
        }
        for e in dossier.events.select_related("actor_agency").order_by("-seq")
    ]
    progress = progress_at(dossier, timezone.now())
    available = set(dossier_forms.available_forms(dossier)) if dossier.status != Status.DRAFT else set()
    forms = [
        (slug, dossier_forms.FORMS[slug].title.capitalize()) for slug in APPLICANT_FORMS if slug in available
    ]
    return {
        "dossier": dossier,
        "tone": STATUS_TONE[status],
        "progress": PROGRESS_LABELS.get(progress) if progress else "",
        "progress_value": progress.value if progress else "",
        "guidance": guidance(dossier, results),
        "events": events,
        "rows": rows,
        "groups": group_rows(rows),
        "filed_rows": [r for r in rows if r.files],
        "unfiled_count": sum(1 for r in rows if not r.files),
        "results": results,
        "forms": forms,
        "can_supplement": status in SUPPLEMENT_STATES,
        "supplement_form": supplement_form or SupplementForm(),
        # A draft is cancelled from its own page (portal_filing); otherwise the registry decides.
        "can_withdraw": status != Status.DRAFT
        and registry.refusal(Action.WITHDRAW, dossier=dossier, actor=_user(request)) is None,
        "withdraw_form": withdraw_form or WithdrawForm(),
        "is_draft": status == Status.DRAFT,
        "show_appointment": status in APPOINTMENT_STATES,
        "error": error,
    }


@handles_refusals
def dossier_detail(request: HttpRequest, ref: str) -> HttpResponse:
    dossier = own_dossier(request.user, ref)
    return render(request, "web/portal/dossier.html", _detail_context(request, dossier))


@handles_refusals
def dossier_accesses(request: HttpRequest, ref: str) -> HttpResponse:
    """Who among staff has opened the applicant's dossier, its files or its forms (Decree 13/2023:
    the data subject is told who processes his data): name, unit, role, what and when."""
    dossier = own_dossier(request.user, ref)
    accesses = audit_selectors.dossier_accesses(user=_user(request), dossier=dossier)
    page = Paginator(accesses, ACCESS_PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "web/portal/dossier_accesses.html", {"dossier": dossier, "page": page})


def _supplementable(request: HttpRequest, ref: str) -> Dossier:
    dossier = own_dossier(request.user, ref)
    if dossier.status not in SUPPLEMENT_STATES:
        raise DomainError(
            "no_supplement_requested",
            gettext("Hồ sơ «%(status)s»: không có yêu cầu bổ sung nào đang chờ.")
            % {"status": dossier.get_status_display()},
            status=409,
        )
    return dossier


@require_POST
@handles_refusals
def supplement_attach(request: HttpRequest, ref: str, component_id: int) -> HttpResponse:
    """A new version of one paper, asked for by a supplement request or a return for completion."""
    dossier = _supplementable(request, ref)
    done, bound, status = attach_file(request, dossier, component_id)
    if not done:
        context = _detail_context(request, dossier, rows=component_rows(dossier, bound=bound))
        return render(request, "web/portal/dossier.html", context, status=status)
    messages.success(
        request, gettext("Đã tải lên giấy tờ bổ sung. Khi đủ, hãy bấm nút gửi ở cuối mục bổ sung.")
    )
    url = reverse("web:portal_dossier", kwargs={"ref": dossier.reference})
    return redirect(f"{url}#comp-{component_id}")


@require_POST
@handles_refusals
def supplement_send(request: HttpRequest, ref: str) -> HttpResponse:
    """Send what was asked for. Before reception (returned) the applicant resubmits the dossier; after
    reception the officer records the reception of the supplement, so the applicant's part is the new
    files and a note, recorded as an event of the dossier the officer sees."""
    user = _user(request)
    dossier = _supplementable(request, ref)
    form = SupplementForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "web/portal/dossier.html",
            _detail_context(request, dossier, supplement_form=form),
            status=400,
        )
    sent = supplement.NoteInput(note=form.cleaned_data["note"])
    if dossier.status == Status.AWAITING_SUPPLEMENT:
        refused = registry.refusal(Action.APPLICANT_SUPPLEMENT, dossier=dossier, actor=user, inp=sent)
        if refused is not None and refused.code == "supplement_files_required":
            form.add_error(None, gettext("Hãy tải lên ít nhất một giấy tờ bổ sung trước khi gửi."))
            context = _detail_context(request, dossier, supplement_form=form)
            return render(request, "web/portal/dossier.html", context, status=400)
        registry.perform(Action.APPLICANT_SUPPLEMENT, dossier=dossier, actor=user, inp=sent)
        messages.success(request, gettext("Đã gửi hồ sơ bổ sung. Cán bộ sẽ kiểm tra và tiếp nhận."))
        return redirect("web:portal_dossier", ref=dossier.reference)
    rows = component_rows(dossier, flag_missing=True)
    missing = [r for r in rows if r.missing]
    if missing:
        context = _detail_context(
            request,
            dossier,
            rows=rows,
            supplement_form=form,
            error=ngettext(
                "Chưa nộp lại được: còn thiếu %(n)s giấy tờ bắt buộc (đánh dấu bên dưới).",
                "Chưa nộp lại được: còn thiếu %(n)s giấy tờ bắt buộc (đánh dấu bên dưới).",
                len(missing),
            )
            % {"n": len(missing)},
        )
        return render(request, "web/portal/dossier.html", context, status=400)
    with transaction.atomic():
        # What was sent (new papers, a note) is recorded when there is any; then the dossier is resubmitted.
        if registry.refusal(Action.APPLICANT_SUPPLEMENT, dossier=dossier, actor=user, inp=sent) is None:
            registry.perform(Action.APPLICANT_SUPPLEMENT, dossier=dossier, actor=user, inp=sent)
        registry.perform(Action.SUBMIT, dossier=dossier, actor=user)
    messages.success(request, gettext("Đã nộp lại hồ sơ. Cán bộ một cửa sẽ kiểm tra và tiếp nhận."))
    return redirect("web:portal_dossier", ref=dossier.reference)


@require_POST
@handles_refusals
def dossier_withdraw(request: HttpRequest, ref: str) -> HttpResponse:
    dossier = own_dossier(request.user, ref)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, dossier, withdraw_form=form)
        return render(request, "web/portal/dossier.html", context, status=400)
    services.dossier_withdraw(dossier=dossier, actor=_user(request), reason=form.cleaned_data["reason"])
    messages.success(request, gettext("Đã rút hồ sơ."))
    return redirect("web:portal_dossier", ref=dossier.reference)


# ---------------------------------------------------------------------------------------------
# Downloads


def _file_response(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    # Personal data: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@handles_refusals
def file_download(request: HttpRequest, file_uuid: str) -> HttpResponse:
    """A file of one of the user's dossiers, a result, or a paper of their data store (the API's rule)."""
    user = _user(request)
    stored = accessible_file(user, str(file_uuid))
    record_file_read(request, user, stored)
    return _file_response(documents.file_read(stored), stored.content_type, stored.name)


@handles_refusals
def form_download(request: HttpRequest, ref: str, form: str) -> HttpResponse:
    dossier = own_dossier(request.user, ref)
    if form not in APPLICANT_FORMS:
        raise NotFound(gettext("Không có biểu mẫu này."))
    content = dossier_forms.render_form(dossier, form)
    return _file_response(content, "application/pdf", f"{dossier.reference}-{form}.pdf")


# ---------------------------------------------------------------------------------------------
# Kho dữ liệu


@handles_refusals
def vault(request: HttpRequest) -> HttpResponse:
    applicant = applicant_of(request.user)
    if applicant is None:
        raise NotFound(gettext("Tài khoản này không có kho dữ liệu cá nhân, tổ chức."))
    today = timezone.localdate()
    items = list(
        VaultItem.objects.filter(owner=applicant)
        .select_related("file__blob", "dossier")
        .order_by("-created_at")
    )
    reuses = dict(
        ComponentFile.objects.filter(
            component__dossier__applicant=applicant, source=ComponentFile.Source.REUSED
        )
        .order_by()
        .values_list("file_id")
        .annotate(n=Count("pk"))
    )
    rows = [
        {
            "item": item,
            "valid": item.expires_on is None or item.expires_on >= today,
            "used": reuses.get(item.file_id, 0),
        }
        for item in items
    ]
    counts = {
        "total": len(rows),
        "valid": sum(1 for r in rows if r["valid"]),
        "results": sum(1 for r in rows if r["item"].source == VaultItem.Source.RESULT),
    }
    return render(request, "web/portal/vault.html", {"rows": rows, "counts": counts, "applicant": applicant})
