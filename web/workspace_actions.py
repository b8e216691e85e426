"""Every action on a dossier as a dialog: which ones this officer may take now, the form of each, the
preview of the paper it produces, and the call to the one service that does it.

Which buttons show is worked out from the transition table and the same role and step rules the
services apply; the services stay the judges. An action submitted anyway (a second extension, another
tab that is out of date) is refused by its service, whose Vietnamese message is shown in the dialog
with the service's 4xx status, and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.models import User
from catalog.models import Channel
from documents import digitization, results
from documents import services as document_services
from documents.results import ISSUE_STATES, ISSUER_ROLES
from dossiers import selectors, services
from dossiers.models import DeliveryMethod, Dossier, DossierComponent, DossierStep
from dossiers.transitions import TRANSITIONS, Action, Status, allowed_actions
from kernel.errors import DomainError, NotFound
from organization.models import Agency, Membership, Role
from organization.selectors import agency_subtree
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
    style: str = ""  # "" (main), "secondary", "danger"
    multipart: bool = False
    done: str = ""  # the confirmation shown after success
    warning: str = ""  # said in the dialog before confirming: what cannot be undone

    @property
    def basis(self) -> str:
        """The legal basis of the transition, shown under the dialog's title."""
        known = {a.value: a for a in Action}
        return TRANSITIONS[known[self.slug]].basis if self.slug in known else ""

    @property
    def preview(self) -> str | None:
        return PREVIEW_FORMS.get(self.slug)


def _spec(action: Action, form: type[wf.AccessibleForm], style: str = "", done: str = "") -> ActionSpec:
    return ActionSpec(action.value, TRANSITIONS[action].label, form, style, done=done)


ACTIONS: dict[str, ActionSpec] = {
    spec.slug: spec
    for spec in (
        _spec(Action.RECEIVE, wf.ConfirmForm, done="Đã tiếp nhận hồ sơ."),
        _spec(Action.RETURN_FOR_COMPLETION, wf.ItemsForm, "secondary", "Đã trả lại hồ sơ để bổ sung."),
        _spec(Action.REFUSE, wf.ReasonForm, "danger", "Đã từ chối tiếp nhận hồ sơ."),
        _spec(Action.WITHDRAW, wf.NoteForm, "secondary", "Đã ghi nhận rút hồ sơ."),
        _spec(Action.FORWARD, wf.ForwardForm, done="Đã chuyển hồ sơ sang bước tiếp theo."),
        _spec(Action.SEND_BACK, wf.SendBackForm, "secondary", "Đã trả lại bước trước."),
        _spec(Action.CONSULT, wf.ConsultForm, "secondary", "Đã gửi lấy ý kiến liên thông."),
        _spec(Action.CONSULT_REPLY, wf.ConsultReplyForm, done="Đã gửi ý kiến trả lời."),
        _spec(Action.REQUEST_SUPPLEMENT, wf.ItemsForm, "secondary", "Đã gửi yêu cầu bổ sung hồ sơ."),
        _spec(
            Action.RECEIVE_SUPPLEMENT, wf.NoteForm, done="Đã nhận hồ sơ bổ sung; thời hạn tính lại từ đầu."
        ),
        _spec(Action.PAUSE, wf.ReasonForm, "secondary", "Đã tạm dừng giải quyết."),
        _spec(Action.RESUME, wf.NoteForm, done="Đã tiếp tục giải quyết."),
        _spec(Action.EXTEND, wf.ExtendForm, "secondary", "Đã xin lỗi và hẹn lại ngày trả kết quả."),
        _spec(Action.RESOLVE, wf.ResolveForm, done="Đã ban hành kết quả giải quyết."),
        _spec(Action.DELIVER, wf.DeliverForm, done="Đã trả kết quả."),
        _spec(Action.STOP, wf.ReasonForm, "danger", "Đã dừng giải quyết hồ sơ."),
        ActionSpec(
            ISSUE_RESULT,
            "Phát hành kết quả điện tử (ký số)",
            wf.IssueResultForm,
            multipart=True,
            done="Đã ký số và phát hành kết quả điện tử.",
            warning=(
                "Mỗi hồ sơ phát hành một kết quả điện tử. Sau khi ký số, kết quả vào kho dữ liệu của "
                "người nộp và không phát hành lại được: hãy kiểm tra kỹ tệp, tên và số, ký hiệu."
            ),
        ),
    )
}

# Refusals put on the fields they name (service field → form field).
FIELD_MAP = {
    "agencies": "agency_1",
    **{f"agencies.{i}": f"agency_{i + 1}" for i in range(wf.CONSULT_ROWS)},
}


# ---------------------------------------------------------------------------------------------
# Who may do what now


def acting_agency(user: User, dossier: Dossier, action: Action) -> Agency | None:
    """The agency ``user`` would act for (the same search as the service's role check), or None."""
    if user.is_superuser:
        return dossier.handling_agency
    whose, roles = services.ROLES_FOR[action]
    places = {
        "receiving": [dossier.receiving_agency],
        "handling": [dossier.handling_agency],
        "either": [dossier.handling_agency, dossier.receiving_agency],
    }[whose]
    for place in places:
        membership = services.acting_membership(user, place, roles)
        if membership is not None:
            return membership.agency
    return None


def _groups(steps: list[DossierStep]) -> list[list[DossierStep]]:
    groups: list[list[DossierStep]] = []
    for step in sorted(steps, key=lambda s: s.position):
        if groups and step.parallel_group and groups[-1][0].parallel_group == step.parallel_group:
            groups[-1].append(step)
        else:
            groups.append([step])
    return groups


def _may_hold(user: User, step: DossierStep) -> bool:
    """The service's step check: the step's role (or a leader) there, and the assignee if named."""
    if user.is_superuser:
        return True
    membership = services.acting_membership(user, step.agency, {Role(step.role), Role.LEADER})
    return membership is not None and (
        not step.assignee_id or step.assignee_id == user.pk or membership.role == Role.LEADER
    )


@dataclass
class Situation:
    """What the dossier's steps and consultations allow, read once per page."""

    steps: list[DossierStep]
    groups: list[list[DossierStep]]

    @classmethod
    def of(cls, dossier: Dossier) -> Situation:
        steps = list(dossier.steps.select_related("agency", "assignee", "finished_by").order_by("position"))
        return cls(steps=steps, groups=_groups(steps))

    def group_index(self, step: DossierStep) -> int:
        return next(i for i, group in enumerate(self.groups) if any(s.pk == step.pk for s in group))

    def active(self) -> list[DossierStep]:
        return [s for s in self.steps if s.state == DossierStep.State.ACTIVE]

    def forwardable(self, user: User) -> list[DossierStep]:
        found = []
        for step in self.active():
            index = self.group_index(step)
            others = [
                s for s in self.groups[index] if s.pk != step.pk and s.state == DossierStep.State.ACTIVE
            ]
            if (others or index + 1 < len(self.groups)) and _may_hold(user, step):
                found.append(step)
        return found

    def sendable_back(self, user: User) -> list[DossierStep]:
        return [s for s in self.active() if self.group_index(s) > 0 and _may_hold(user, s)]

    def following(self, step: DossierStep) -> list[DossierStep]:
        """The steps a forward from ``step`` would start (none while a parallel branch still runs)."""
        index = self.group_index(step)
        others = [s for s in self.groups[index] if s.pk != step.pk and s.state == DossierStep.State.ACTIVE]
        if others or index + 1 >= len(self.groups):
            return []
        return self.groups[index + 1]

    def at_last_step(self) -> bool:
        active = max((s.position for s in self.active()), default=0)
        return not any(s.state == DossierStep.State.WAITING and s.position >= active for s in self.steps)


def _replying_agencies(user: User, dossier: Dossier) -> list[Agency]:
    open_ones = [
        c.agency for c in dossier.consultations.filter(answered_at__isnull=True).select_related("agency")
    ]
    if user.is_superuser:
        return open_ones
    return [
        a
        for a in open_ones
        if services.acting_membership(user, a, {Role.SPECIALIST, Role.LEADER}) is not None
    ]


def may_issue_result(user: User, dossier: Dossier, situation: Situation) -> bool:
    """The service's rules: a leader or clerk there, at the last step or resolved, nothing issued yet."""
    if dossier.status not in ISSUE_STATES or results.issued_result(dossier) is not None:
        return False
    if (
        not user.is_superuser
        and services.acting_membership(user, dossier.handling_agency, ISSUER_ROLES) is None
    ):
        return False
    return dossier.status == Status.RESOLVED or situation.at_last_step()


def _may(user: User, dossier: Dossier, action: Action, situation: Situation, at: datetime) -> bool:
    if action == Action.FORWARD:
        return bool(situation.forwardable(user))
    if action == Action.SEND_BACK:
        return bool(situation.sendable_back(user))
    if action == Action.CONSULT_REPLY:
        return bool(_replying_agencies(user, dossier))
    if action not in services.ROLES_FOR or acting_agency(user, dossier, action) is None:
        return False
    if action == Action.RETURN_FOR_COMPLETION:
        return not dossier.events.filter(action=Action.RETURN_FOR_COMPLETION).exists()
    if action == Action.EXTEND:
        if dossier.extension_count or dossier.due_at is None or at > dossier.due_at:
            return False
        calendar = work_calendar()
        return calendar.remaining_minutes(dossier.due_at, at) >= calendar.minutes_per_day
    if action == Action.RESOLVE:
        return (
            situation.at_last_step() and not dossier.consultations.filter(answered_at__isnull=True).exists()
        )
    return True


def available_actions(user: User, dossier: Dossier, at: datetime, situation: Situation) -> list[ActionSpec]:
    """The actions to offer ``user`` on ``dossier`` now (none on a draft: it is still the applicant's)."""
    if dossier.status == Status.DRAFT:
        return []
    found = [
        ACTIONS[action.value]
        for action in allowed_actions(Status(dossier.status))
        if action != Action.SUBMIT and _may(user, dossier, action, situation, at)
    ]
    if may_issue_result(user, dossier, situation):
        found.append(ACTIONS[ISSUE_RESULT])
    return found


# ---------------------------------------------------------------------------------------------
# Forms


def _user_choice(user: User, agency: Agency | None = None) -> tuple[str, str]:
    return (user.username, f"{user.display_name} ({user.username})" + (f" — {agency.name}" if agency else ""))


def _holders(step: DossierStep) -> list[tuple[str, str]]:
    """Who may hold ``step``: its role at its agency or a unit inside it."""
    memberships = (
        Membership.objects.filter(
            is_active=True,
            role=step.role,
            agency_id__in=agency_subtree([step.agency_id]),
            user__is_active=True,
        )
        .select_related("user", "agency")
        .order_by("user__full_name", "user__username")
    )
    seen: dict[str, tuple[str, str]] = {}
    for m in memberships:
        seen.setdefault(m.user.username, _user_choice(m.user, m.agency))
    return list(seen.values())


def _step_label(step: DossierStep) -> str:
    return f"Bước {step.position}: {step.name} ({Role(step.role).label}, {step.agency.name})"


def build_form(
    spec: ActionSpec,
    dossier: Dossier,
    user: User,
    situation: Situation,
    data: Any = None,
    files: Any = None,
) -> wf.AccessibleForm:
    kwargs: dict[str, Any] = {}
    initial: dict[str, Any] = {}
    if spec.slug == Action.FORWARD:
        steps = situation.forwardable(user) or situation.active()
        kwargs["steps"] = [(str(s.position), _step_label(s)) for s in steps]
        following = situation.following(steps[0]) if steps else []
        kwargs["assignees"] = _holders(following[0]) if len(following) == 1 else []
    elif spec.slug == Action.SEND_BACK:
        steps = situation.sendable_back(user) or situation.active()
        kwargs["steps"] = [(str(s.position), _step_label(s)) for s in steps]
    elif spec.slug == Action.CONSULT:
        agencies = (
            Agency.objects.filter(is_active=True, province_id=dossier.province_id)
            .exclude(pk=dossier.handling_agency_id)
            .order_by("level", "name")
        )
        kwargs["agencies"] = [(a.code, a.name) for a in agencies]
    elif spec.slug == Action.CONSULT_REPLY:
        kwargs["agencies"] = [(a.code, a.name) for a in _replying_agencies(user, dossier)]
    elif spec.slug == Action.EXTEND and dossier.due_at is not None:
        suggested = work_calendar().add(dossier.due_at, 2, "working_day")
        initial["new_appointment"] = timezone.localtime(suggested, VN_TZ).replace(tzinfo=None)
    elif spec.slug == Action.DELIVER and dossier.channel == Channel.ONLINE and dossier.results.exists():
        # Filed online with a signed e-result: delivered online unless the officer says otherwise.
        initial["method"] = DeliveryMethod.ONLINE
    elif spec.slug == ISSUE_RESULT:
        names = list(dossier.version.results.order_by("position").values_list("name", flat=True)[:1])
        initial["title"] = names[0] if names else ""
    return spec.form(data, files, initial=initial, **kwargs)


def _user_named(username: str) -> User | None:
    if not username:
        return None
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None:
        raise DomainError(
            "unknown_user", f"Không có cán bộ {username}.", fields={"assignee": ["Không tồn tại."]}
        )
    return found


def _agency_coded(code: str, field: str) -> Agency:
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise DomainError(
            "unknown_agency", f"Không có cơ quan mã {code}.", fields={field: ["Không tồn tại."]}
        )
    return agency


def _step_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def run(spec: ActionSpec, dossier: Dossier, actor: User, form: wf.AccessibleForm) -> Dossier:
    """Call the one service of the action with the cleaned input."""
    data = form.cleaned_data
    note = data.get("note", "")
    match spec.slug:
        case Action.RECEIVE:
            return services.dossier_receive(dossier=dossier, actor=actor)
        case Action.RETURN_FOR_COMPLETION:
            return services.dossier_return_for_completion(
                dossier=dossier, actor=actor, items=data["items"], reason=data.get("reason", "")
            )
        case Action.REFUSE:
            return services.dossier_refuse(dossier=dossier, actor=actor, reason=data["reason"])
        case Action.WITHDRAW:
            return services.dossier_withdraw(dossier=dossier, actor=actor, reason=note)
        case Action.FORWARD:
            return services.dossier_forward(
                dossier=dossier,
                actor=actor,
                step=_step_number(data.get("step")),
                assignee=_user_named(data.get("assignee", "")),
                note=note,
            )
        case Action.SEND_BACK:
            return services.dossier_send_back(
                dossier=dossier, actor=actor, step=_step_number(data.get("step")), reason=data["reason"]
            )
        case Action.CONSULT:
            assert isinstance(form, wf.ConsultForm)
            requests = [
                services.ConsultationInput(
                    agency=_agency_coded(code, f"agencies.{i}"),
                    task=task,
                    working_days=Decimal(days),
                    is_lead=lead,
                )
                for i, (code, task, days, lead) in enumerate(form.requests())
            ]
            return services.dossier_consult(dossier=dossier, actor=actor, requests=requests)
        case Action.CONSULT_REPLY:
            return services.dossier_consult_reply(
                dossier=dossier,
                actor=actor,
                agency=_agency_coded(data["agency"], "agency"),
                answer=data["answer"],
            )
        case Action.REQUEST_SUPPLEMENT:
            return services.dossier_request_supplement(
                dossier=dossier, actor=actor, items=data["items"], reason=data.get("reason", "")
            )
        case Action.RECEIVE_SUPPLEMENT:
            return services.dossier_receive_supplement(dossier=dossier, actor=actor, note=note)
        case Action.PAUSE:
            return services.dossier_pause(dossier=dossier, actor=actor, reason=data["reason"])
        case Action.RESUME:
            return services.dossier_resume(dossier=dossier, actor=actor, note=note)
        case Action.EXTEND:
            return services.dossier_extend(
                dossier=dossier, actor=actor, reason=data["reason"], new_appointment=data["new_appointment"]
            )
        case Action.RESOLVE:
            return services.dossier_resolve(dossier=dossier, actor=actor, outcome=data["outcome"], note=note)
        case Action.DELIVER:
            return services.dossier_deliver(dossier=dossier, actor=actor, method=data["method"], note=note)
        case Action.STOP:
            return services.dossier_stop(dossier=dossier, actor=actor, reason=data["reason"])
        case "issue_result":
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
    raise AssertionError(spec.slug)  # pragma: no cover


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
    situation = Situation.of(dossier)
    post = request.method == "POST"
    form = build_form(
        spec, dossier, user, situation, request.POST if post else None, request.FILES if post else None
    )
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
        context["offered"] = spec.slug in {
            a.slug for a in available_actions(user, dossier, timezone.now(), situation)
        }
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
    issuer = acting_agency(user, dossier, Action(action)) or (
        dossier.receiving_agency
        if action in (Action.RECEIVE, Action.RETURN_FOR_COMPLETION, Action.REFUSE)
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


def component_actions(user: User, dossier: Dossier) -> list[str]:
    """Which file actions to offer on the dossier's components (the services re-check)."""
    kinds = []
    officer = user.is_superuser or (
        services.acting_membership(user, dossier.receiving_agency, {Role.ONE_STOP_OFFICER}) is not None
    )
    if officer and dossier.status in digitization.DIGITIZE_STATES:
        kinds.append("so-hoa")
    attach_roles = {Role.ONE_STOP_OFFICER, Role.SPECIALIST}
    may_attach = user.is_superuser or any(
        services.acting_membership(user, agency, attach_roles) is not None
        for agency in (dossier.receiving_agency, dossier.handling_agency)
    )
    if may_attach and dossier.status in document_services.OFFICER_UPLOAD_STATES:
        kinds.append("dinh-kem")
    return kinds
