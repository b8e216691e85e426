"""Every action on a dossier as a dialog: which ones this officer may take now, the form of each, the
preview of the paper it produces, and the call to the one service that does it.

Which buttons show is the registry's answer (``dossiers/actions/registry.py``: the transition table,
the roles, the steps and each action's own rule, checked once per page); this module keeps only the
presentation — forms, labels, previews, confirmations. An action submitted anyway (a second extension, another
tab that is out of date) is refused by its service, whose Vietnamese message is shown in the dialog
with the service's 4xx status, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.models import User
from catalog.models import Channel
from documents import digitization, results
from documents import services as document_services
from dossiers import selectors
from dossiers.actions import processing, registry
from dossiers.actions.base import ActionContext
from dossiers.actions.supplement import supply_by_default
from dossiers.models import DeliveryMethod, Dossier, DossierComponent, DossierStep
from dossiers.transitions import TRANSITIONS, Action, Status
from kernel.errors import DomainError, NotFound
from organization.models import Agency, Role
from web import workspace_forms as wf
from web.workspace_common import acting_user, error_page, is_htmx, officer_view
from web.workspace_previews import PREVIEW_FORMS, preview_context, render_preview
from worktime.calendar import VN_TZ
from worktime.services import work_calendar

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ISSUE_RESULT = "issue_result"


@dataclass(frozen=True)
class ActionSpec:
    slug: str
    label: StrOrPromise
    form: type[wf.AccessibleForm]
    # "" (main), "secondary", "e-result" (the signed electronic copy, apart from issuing the result),
    # "destructive" (ends the dossier: shown last, outlined, never beside the main action as a solid
    # button; its dialog warns and confirms in red).
    style: str = ""
    multipart: bool = False
    done: str = ""  # the confirmation shown after success
    warning: str = ""  # said in the dialog before confirming: what cannot be undone
    hint: StrOrPromise = ""  # under the title: what the action is, where labels alone could mislead

    @property
    def destructive(self) -> bool:
        return self.style == "destructive"

    @property
    def basis(self) -> str:
        """The legal basis of the action (the registry's, from the transition table), under the title."""
        return registry.entry(self.slug).basis if self.slug in registry.ENTRIES else ""

    @property
    def preview(self) -> str | None:
        return PREVIEW_FORMS.get(self.slug)


def _spec(
    action: Action,
    form: type[wf.AccessibleForm],
    style: str = "",
    done: str = "",
    *,
    label: StrOrPromise | None = None,
    warning: str = "",
    hint: StrOrPromise = "",
) -> ActionSpec:
    return ActionSpec(
        action.value,
        label if label is not None else TRANSITIONS[action].label,
        form,
        style,
        done=done,
        warning=warning,
        hint=hint,
    )


FINAL_WARNING = "Hồ sơ sẽ kết thúc ở trạng thái «{state}» và không hoàn tác được: hãy kiểm tra kỹ lý do."


ACTIONS: dict[str, ActionSpec] = {
    spec.slug: spec
    for spec in (
        _spec(Action.RECEIVE, wf.ConfirmForm, done="Đã tiếp nhận hồ sơ."),
        _spec(Action.RETURN_FOR_COMPLETION, wf.ItemsForm, "secondary", "Đã trả lại hồ sơ để bổ sung."),
        _spec(
            Action.REFUSE,
            wf.ReasonForm,
            "destructive",
            "Đã từ chối tiếp nhận hồ sơ.",
            warning=FINAL_WARNING.format(state="Từ chối tiếp nhận"),
        ),
        _spec(Action.WITHDRAW, wf.NoteForm, "secondary", "Đã ghi nhận rút hồ sơ."),
        _spec(Action.FORWARD, wf.ForwardForm, done="Đã chuyển hồ sơ sang bước tiếp theo."),
        _spec(Action.SEND_BACK, wf.SendBackForm, "secondary", "Đã trả lại bước trước."),
        _spec(Action.CONSULT, wf.ConsultForm, "secondary", "Đã gửi lấy ý kiến liên thông."),
        _spec(Action.CONSULT_REPLY, wf.ConsultReplyForm, done="Đã gửi ý kiến trả lời."),
        _spec(Action.REQUEST_SUPPLEMENT, wf.SupplementForm, "secondary", "Đã gửi yêu cầu bổ sung hồ sơ."),
        _spec(
            Action.RECEIVE_SUPPLEMENT, wf.NoteForm, done="Đã nhận hồ sơ bổ sung; thời hạn tính lại từ đầu."
        ),
        _spec(Action.PAUSE, wf.ReasonForm, "secondary", "Đã tạm dừng giải quyết."),
        _spec(Action.RESUME, wf.NoteForm, done="Đã tiếp tục giải quyết."),
        _spec(Action.EXTEND, wf.ExtendForm, "secondary", "Đã xin lỗi và hẹn lại ngày trả kết quả."),
        _spec(
            Action.RESOLVE,
            wf.ResolveForm,
            done="Đã ban hành kết quả giải quyết.",
            label=_("Ban hành kết quả (văn bản giấy)"),
            hint=_(
                "Ghi nhận quyết định giải quyết (hoặc từ chối) đã ký trên giấy; hồ sơ chuyển về bộ phận "
                "một cửa để trả. Bản điện tử có ký số là một thao tác riêng."
            ),
        ),
        _spec(Action.DELIVER, wf.DeliverForm, done="Đã trả kết quả."),
        _spec(
            Action.STOP,
            wf.ReasonForm,
            "destructive",
            "Đã dừng giải quyết hồ sơ.",
            warning=FINAL_WARNING.format(state="Dừng giải quyết"),
        ),
        ActionSpec(
            ISSUE_RESULT,
            _("Phát hành bản điện tử có ký số (PDF)"),
            wf.IssueResultForm,
            style="e-result",
            hint=_(
                "Ký số tệp PDF của văn bản kết quả và đưa vào kho dữ liệu của người nộp (kiểm tra được "
                "bằng mã QR); không thay cho việc ban hành kết quả."
            ),
            multipart=True,
            done="Đã ký số và phát hành kết quả điện tử.",
            warning=(
                "Mỗi hồ sơ phát hành một kết quả điện tử. Sau khi ký số, kết quả vào kho dữ liệu của "
                "người nộp và không phát hành lại được: hãy kiểm tra kỹ tệp, tên và số, ký hiệu."
            ),
        ),
    )
}

# At a leader's approval step (dossiers.actions.processing.approval_steps) forward and send_back are
# his decision: the same actions and dialogs, named as what he decides.
APPROVAL: dict[str, ActionSpec] = {
    Action.FORWARD.value: _spec(
        Action.FORWARD,
        wf.ForwardForm,
        done="Đã phê duyệt; hồ sơ chuyển sang bước tiếp theo.",
        label=_("Phê duyệt"),
        hint=_("Đồng ý với đề xuất của các bước trước; hồ sơ chuyển sang bước tiếp theo của quy trình."),
    ),
    Action.SEND_BACK.value: _spec(
        Action.SEND_BACK,
        wf.SendBackForm,
        "secondary",
        "Đã không phê duyệt; hồ sơ trả lại bước trước.",
        label=_("Không phê duyệt"),
        hint=_("Không đồng ý với đề xuất; hồ sơ trả lại bước trước kèm lý do để xử lý lại."),
    ),
}


def presented(spec: ActionSpec, ctx: ActionContext) -> ActionSpec:
    """``spec`` as this officer meets it now: at his approval step, forward and send_back are
    "Phê duyệt" and "Không phê duyệt"."""
    if spec.slug in APPROVAL and processing.approval_steps(ctx, Action(spec.slug)):
        return APPROVAL[spec.slug]
    return spec


# Refusals put on the fields they name (service field → form field).
FIELD_MAP = {
    "agencies": "agency_1",
    **{f"agencies.{i}": f"agency_{i + 1}" for i in range(wf.CONSULT_ROWS)},
    **{f"agencies.{i}.agency": f"agency_{i + 1}" for i in range(wf.CONSULT_ROWS)},
}


# ---------------------------------------------------------------------------------------------
# Who may do what now: the registry's answer (dossiers/actions/registry.py)


def available_actions(ctx: ActionContext) -> list[ActionSpec]:
    """The actions to offer on ``ctx.dossier`` now: those the registry does not refuse and this page
    has a dialog for (none on a draft: it is still the applicant's)."""
    if ctx.dossier.status == Status.DRAFT:
        return []
    found = [presented(ACTIONS[a.value], ctx) for a in registry.offered(ctx) if a.value in ACTIONS]
    if results.issue_refusal(dossier=ctx.dossier, actor=ctx.actor) is None:
        found.append(ACTIONS[ISSUE_RESULT])
    # Ending the dossier comes last, apart from the work that moves it on.
    return sorted(found, key=lambda spec: spec.destructive)


# ---------------------------------------------------------------------------------------------
# Forms


def _user_choice(user: User, agency: Agency | None = None) -> tuple[str, str]:
    return (user.username, f"{user.display_name} ({user.username})" + (f" — {agency.name}" if agency else ""))


def _holders(step: DossierStep) -> list[tuple[str, str]]:
    """Who may be handed ``step`` (the registry's rule), one choice per person."""
    seen: dict[str, tuple[str, str]] = {}
    for m in processing.holders(step):
        seen.setdefault(m.user.username, _user_choice(m.user, m.agency))
    return list(seen.values())


def _step_label(step: DossierStep) -> str:
    return f"Bước {step.position}: {step.name} ({Role(step.role).label}, {step.agency.name})"


def build_form(
    spec: ActionSpec, ctx: ActionContext, data: Any = None, files: Any = None
) -> wf.AccessibleForm:
    dossier = ctx.dossier
    kwargs: dict[str, Any] = {}
    initial: dict[str, Any] = {}
    if spec.slug == Action.FORWARD:
        steps = processing.open_steps(ctx, Action.FORWARD) or ctx.active_steps()
        kwargs["steps"] = [(str(s.position), _step_label(s)) for s in steps]
        following = processing.following(ctx, steps[0]) if steps else []
        kwargs["assignees"] = _holders(following[0]) if len(following) == 1 else []
    elif spec.slug == Action.SEND_BACK:
        steps = processing.open_steps(ctx, Action.SEND_BACK) or ctx.active_steps()
        kwargs["steps"] = [(str(s.position), _step_label(s)) for s in steps]
        if spec is APPROVAL[Action.SEND_BACK]:
            kwargs["reason_label"] = _("Lý do không phê duyệt")
    elif spec.slug == Action.CONSULT:
        agencies = (
            Agency.objects.filter(is_active=True, province_id=dossier.province_id)
            .exclude(pk=dossier.handling_agency_id)
            .order_by("level", "name")
        )
        kwargs["agencies"] = [(a.code, a.name) for a in agencies]
    elif spec.slug == Action.CONSULT_REPLY:
        kwargs["agencies"] = [(a.code, a.name) for a in processing.replying_agencies(ctx)]
    elif spec.slug == Action.EXTEND and dossier.due_at is not None:
        suggested = work_calendar().add(dossier.due_at, 2, "working_day")
        initial["new_appointment"] = timezone.localtime(suggested, VN_TZ).replace(tzinfo=None)
    elif spec.slug == Action.REQUEST_SUPPLEMENT:
        initial["supply_by"] = supply_by_default(timezone.now(), work_calendar())
    elif spec.slug == Action.DELIVER and dossier.channel == Channel.ONLINE and dossier.results.exists():
        # Filed online with a signed e-result: delivered online unless the officer says otherwise.
        initial["method"] = DeliveryMethod.ONLINE
    elif spec.slug == ISSUE_RESULT:
        names = list(dossier.version.results.order_by("position").values_list("name", flat=True)[:1])
        initial["title"] = names[0] if names else ""
    return spec.form(data, files, initial=initial, **kwargs)


# What a form's fields are called in the registry's input, where the names differ.
FIELD_NAMES: dict[str, dict[str, str]] = {Action.WITHDRAW: {"note": "reason"}}


def run(spec: ActionSpec, dossier: Dossier, actor: User, form: wf.AccessibleForm) -> Dossier:
    """Run the action through the registry with the cleaned input."""
    data = dict(form.cleaned_data)
    if spec.slug == ISSUE_RESULT:
        upload = data["file"]
        _check_size(upload)
        results.result_issue(
            dossier=dossier,
            data=upload.read(),
            title=data["title"],
            number=data.get("number", ""),
            actor=actor,
            name=upload.name or "",
        )
        return dossier
    if isinstance(form, wf.ConsultForm):
        data["agencies"] = [
            {"agency": code, "task": task, "working_days": days, "lead": lead}
            for code, task, days, lead in form.requests()
        ]
    for name, field in FIELD_NAMES.get(spec.slug, {}).items():
        data[field] = data.pop(name, "")
    return registry.run(spec.slug, dossier=dossier, actor=actor, fields=data)


def _check_size(upload: Any) -> None:
    limit = document_services.upload_limits().max_bytes
    if upload.size is not None and upload.size > limit:
        message = f"Tệp quá lớn: {upload.size / 1024 / 1024:.1f} MB, tối đa {limit // 1024 // 1024} MB."
        raise DomainError("file_too_large", message, fields={"file": [message]})


# ---------------------------------------------------------------------------------------------
# Views


def dossier_url(dossier: Dossier) -> str:
    return reverse("web:workspace_dossier", args=[dossier.reference])


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)


def _dialog(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    context.setdefault("ws_section", "inbox")
    template = "web/workspace/_dialog.html" if is_htmx(request) else "web/workspace/action_page.html"
    return render(request, template, context, status=status)


def _visible(request: HttpRequest, reference: str) -> Dossier:
    return selectors.dossier_get(user=request.user, reference=reference)


@officer_view
def action_dialog(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        return error_page(request, "Không có thao tác này.", status=404)
    try:
        dossier = _visible(request, reference)
    except NotFound as exc:
        return error_page(request, exc.message, status=404)
    user = acting_user(request)
    ctx = registry.context(dossier, user)
    spec = presented(spec, ctx)
    post = request.method == "POST"
    form = build_form(spec, ctx, request.POST if post else None, request.FILES if post else None)
    context: dict[str, Any] = {
        "dossier": dossier,
        "spec": spec,
        "form": form,
        "action_url": reverse("web:workspace_action", args=[dossier.reference, spec.slug]),
        "preview_url": reverse("web:workspace_preview", args=[dossier.reference, spec.slug])
        if spec.preview
        else None,
    }
    if not post:
        context["offered"] = spec.slug in {a.slug for a in available_actions(ctx)}
        return _dialog(request, context)
    if not form.is_valid():
        context["error"] = "Hãy kiểm tra lại các trường được đánh dấu."
        return _dialog(request, context, status=400)
    try:
        updated = run(spec, dossier, user, form)
    except DomainError as exc:
        form.add_domain_error(exc, FIELD_MAP)
        context["error"] = exc.message
        return _dialog(request, context, status=exc.status)
    return _done(request, dossier_url(updated), spec.done or "Đã thực hiện.")


@xframe_options_sameorigin  # shown in a frame of the action dialog
@officer_view
def action_preview(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """The form the action would produce with what is typed so far (GET: nothing is saved)."""
    if action not in PREVIEW_FORMS:
        return error_page(request, "Thao tác này không lập biểu mẫu.", status=404)
    try:
        dossier = _visible(request, reference)
    except NotFound as exc:
        return error_page(request, exc.message, status=404)
    user = acting_user(request)
    # The paper is headed by the agency the officer acts for, else by the one whose action it is.
    issuer = registry.acting_agency(registry.context(dossier, user), action) or (
        dossier.receiving_agency
        if registry.entry(action).who.whose == "receiving"
        else dossier.handling_agency
    )
    data = {
        key: request.GET.get(key, "")[:8000]
        for key in ("items", "reason", "note", "outcome", "new_appointment")
    }
    context = preview_context(action, dossier, actor=user, issuer=issuer, data=data, at=timezone.now())
    if is_htmx(request):
        # The dialog's frame then loads the form itself from this address, with what is typed so far.
        return render(
            request,
            "web/workspace/_preview.html",
            {
                "html": context is not None,
                "title": PREVIEW_TITLES.get(action, ""),
                "preview_url": request.path,
                "frame_url": f"{request.path}?{request.GET.urlencode()}",
            },
        )
    html = render_preview(PREVIEW_FORMS[action], context) if context is not None else None
    if html is None:
        return error_page(request, "Với nội dung đã chọn, thao tác này không lập biểu mẫu.", status=404)
    response = HttpResponse(html)
    # The form may only show itself: no script, nothing fetched but its fonts and inline images; the
    # dialog of the dossier page frames it.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


PREVIEW_TITLES = {
    "receive": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)",
    "return_for_completion": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
    "request_supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)",
    "refuse": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu 03)",
    "resolve": "Phiếu từ chối giải quyết hồ sơ (mẫu 03) — khi từ chối",
    "extend": "Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)",
    "stop": "Thông báo dừng giải quyết hồ sơ (mẫu 05)",
}


# ---------------------------------------------------------------------------------------------
# A component's files: scan at the counter (digitisation) or attach a file


COMPONENT_KINDS: dict[str, tuple[str, type[wf.AccessibleForm]]] = {
    "so-hoa": ("Số hóa giấy tờ (quét, ký số, lưu kho dữ liệu)", wf.DigitizeForm),
    "dinh-kem": ("Đính kèm tệp (phiên bản mới)", wf.UploadForm),
}


def component_run(
    kind: str, dossier: Dossier, component: DossierComponent, actor: User, request: HttpRequest, form: Any
) -> None:
    if kind == "so-hoa":
        uploads = request.FILES.getlist("files")
        for upload in uploads:
            _check_size(upload)
        scans = [(u.name or f"trang-{i + 1}", u.read()) for i, u in enumerate(uploads)]
        digitization.component_digitize(
            dossier=dossier,
            component=component,
            scans=scans,
            declared_pages=form.cleaned_data["declared_pages"],
            actor=actor,
        )
    else:
        upload = form.cleaned_data["file"]
        _check_size(upload)
        document_services.component_upload(
            dossier=dossier, component=component, data=upload.read(), name=upload.name or "", actor=actor
        )


@officer_view
def component_dialog(request: HttpRequest, reference: str, component_id: int, kind: str) -> HttpResponse:
    if kind not in COMPONENT_KINDS:
        return error_page(request, "Không có thao tác này.", status=404)
    try:
        dossier = _visible(request, reference)
    except NotFound as exc:
        return error_page(request, exc.message, status=404)
    component = dossier.components.filter(pk=component_id).first()
    if component is None:
        return error_page(request, "Không tìm thấy thành phần hồ sơ.", status=404)
    title, form_class = COMPONENT_KINDS[kind]
    post = request.method == "POST"
    form = form_class(request.POST if post else None, request.FILES if post else None)
    spec = ActionSpec(kind, title, form_class, multipart=True)
    context: dict[str, Any] = {
        "dossier": dossier,
        "spec": spec,
        "form": form,
        "component": component,
        "offered": True,
        "action_url": reverse("web:workspace_component", args=[dossier.reference, component.pk, kind]),
    }
    if not post:
        return _dialog(request, context)
    if not form.is_valid():
        context["error"] = "Hãy kiểm tra lại các trường được đánh dấu."
        return _dialog(request, context, status=400)
    try:
        component_run(kind, dossier, component, acting_user(request), request, form)
    except DomainError as exc:
        form.add_domain_error(exc)
        context["error"] = exc.message
        return _dialog(request, context, status=exc.status)
    done = "Đã số hóa giấy tờ." if kind == "so-hoa" else "Đã đính kèm tệp."
    return _done(request, dossier_url(dossier), done)


def component_actions(ctx: ActionContext) -> list[str]:
    """Which file actions to offer on the dossier's components: those documents' rules allow."""
    kinds = []
    if digitization.digitize_refusal(dossier=ctx.dossier, actor=ctx.actor) is None:
        kinds.append("so-hoa")
    if document_services.officer_attach_refusal(dossier=ctx.dossier, actor=ctx.actor) is None:
        kinds.append("dinh-kem")
    return kinds
