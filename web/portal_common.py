"""What the pages of the citizen portal share: whose dossier it is, the components with their files and
the papers of the data store that fit them, attaching a file (upload or reuse), the Vietnamese labels
of the timeline, and the error page.

Every write goes through the services the API uses (``documents.services.component_upload``,
``documents.digitization.component_reuse``); a refusal comes back as the service's Vietnamese message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Applicant, User
from catalog.models import ComponentRequirement
from catalog.parsing import component_is_situational
from documents import digitization
from documents import services as documents
from documents.models import ComponentFile, VaultItem
from dossiers import selectors
from dossiers.models import Dossier, DossierComponent
from dossiers.transitions import TRANSITIONS, Action, Status
from kernel.errors import DomainError, NotFound
from web.portal_forms import ReuseForm, UploadForm

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The applicant's own event when sending what a supplement request (or a return) asked for: an action of
# the registry (dossiers/actions/supplement.py) that leaves the state as it is.
SUPPLEMENT_SENT = Action.APPLICANT_SUPPLEMENT.value

EVENT_LABELS = {
    "create": _("Tạo bản nháp"),
    "edit_draft": _("Sửa bản nháp"),
    "issue_result": _("Phát hành kết quả điện tử (đã ký số)"),
}

STATUS_TONE = {
    Status.DRAFT: "muted",
    Status.SUBMITTED: "info",
    Status.RETURNED: "warn",
    Status.REFUSED: "bad",
    Status.WITHDRAWN: "muted",
    Status.RECEIVED: "info",
    Status.PROCESSING: "info",
    Status.AWAITING_SUPPLEMENT: "warn",
    Status.PAUSED: "warn",
    Status.RESOLVED: "ok",
    Status.DELIVERED: "ok",
    Status.STOPPED: "muted",
}


def event_label(action: str) -> StrOrPromise:
    """The name of an event of the timeline (translated when shown)."""
    try:
        return TRANSITIONS[Action(action)].label
    except ValueError:
        return EVENT_LABELS.get(action, _("Cập nhật hồ sơ"))


def applicant_of(user: User | AnonymousUser) -> Applicant | None:
    """The citizen or organisation behind a login, or None for staff."""
    return getattr(user, "applicant", None) if user.is_authenticated else None


def own_dossier(user: User | AnonymousUser, reference: str) -> Dossier:
    """A dossier the user filed (as applicant); anything else answers "not found" (STYLE: selectors)."""
    dossier = selectors.dossier_get(user=user, reference=reference)
    if not user.is_authenticated or dossier.applicant.user_id != user.pk:
        raise NotFound(gettext("Không tìm thấy hồ sơ."))
    return dossier


def error_page(request: HttpRequest, exc: DomainError, *, title: str = "") -> HttpResponse:
    """A refused request as a page, with the service's message and its 4xx status. Services and
    selectors refuse in Vietnamese, the API's language; a message the catalog knows («Không tìm thấy hồ
    sơ.») is shown in the page's language."""
    if not title:
        title = {
            403: gettext("Không được phép"),
            404: gettext("Không tìm thấy"),
            409: gettext("Chưa thực hiện được"),
            503: gettext("Tạm thời chưa có"),
        }.get(exc.status) or gettext("Chưa thực hiện được")
    message = gettext(exc.message) if exc.message else ""
    return render(request, "web/portal/error.html", {"title": title, "message": message}, status=exc.status)


def component_required(requirement: ComponentRequirement | None) -> bool:
    """Whether an online filing must carry a file for this paper: the catalog's ``mandatory`` flag
    (set on import from the national catalog's wording, ``catalog.parsing.component_is_mandatory``,
    and editable in the admin), except for papers the agency takes from national data and papers that
    depend on the situation or the channel (``catalog.parsing.component_is_situational``), which the
    officer checks at reception."""
    return (
        requirement is not None
        and requirement.mandatory
        and not requirement.from_national_data
        and not component_is_situational(requirement.name, requirement.section)
    )


def reusable_items(items: list[VaultItem], component: DossierComponent, today: date) -> list[VaultItem]:
    """The still-valid papers of the data store whose type matches the component (the API's rule)."""
    wanted = digitization.type_key(component.name)
    return [
        item
        for item in items
        if (item.expires_on is None or item.expires_on >= today)
        and wanted
        and item.type_key
        and (wanted in item.type_key or item.type_key in wanted)
    ]


@dataclass
class ComponentRow:
    """One paper of a dossier as the portal shows it: its files, whether it is required, and the forms
    to add a file."""

    component: DossierComponent
    required: bool
    files: list[ComponentFile]
    reusable: list[VaultItem]
    upload_form: UploadForm
    reuse_form: ReuseForm | None
    error: str = ""
    supplement_files: list[ComponentFile] = field(default_factory=list)

    @property
    def latest(self) -> ComponentFile | None:
        return self.files[-1] if self.files else None

    @property
    def missing(self) -> bool:
        return self.required and not self.files

    @property
    def group(self) -> str:
        """required | optional (a paper filed only in some situations) | note (asks for no paper)."""
        if self.required:
            return "required"
        requirement = self.component.requirement
        if requirement is not None and (requirement.originals or 0) + (requirement.copies or 0) > 0:
            return "optional"
        return "note" if requirement is not None else "optional"

    @property
    def section(self) -> str:
        requirement = self.component.requirement
        return requirement.section if requirement else ""


def component_rows(
    dossier: Dossier,
    *,
    bound: dict[int, tuple[UploadForm | None, ReuseForm | None, str]] | None = None,
    flag_missing: bool = False,
) -> list[ComponentRow]:
    """The dossier's papers in order with their file versions. ``bound`` carries the submitted forms
    (with their errors) of the component that was just refused; ``flag_missing`` puts the "required"
    error on every required paper without a file."""
    bound = bound or {}
    components = list(dossier.components.select_related("requirement").order_by("position"))
    files: dict[int, list[ComponentFile]] = {}
    for item in (
        ComponentFile.objects.filter(component__dossier=dossier)
        .select_related("file__blob")
        .order_by("version")
    ):
        files.setdefault(item.component_id, []).append(item)
    today = timezone.localdate()
    vault = list(VaultItem.objects.filter(owner_id=dossier.applicant_id).order_by("-created_at"))
    rows = []
    for component in components:
        upload_form, reuse_form, error = bound.get(component.pk, (None, None, ""))
        reusable = reusable_items(vault, component, today)
        auto_id = f"id_c{component.pk}_%s"
        if upload_form is None:
            upload_form = UploadForm(auto_id=auto_id)
        if reuse_form is None and reusable:
            reuse_form = ReuseForm(items=reusable, auto_id=auto_id)
        own = files.get(component.pk, [])
        row = ComponentRow(
            component=component,
            required=component_required(component.requirement),
            files=own,
            reusable=reusable,
            upload_form=upload_form,
            reuse_form=reuse_form,
            error=error,
            supplement_files=[f for f in own if f.supplement],
        )
        if flag_missing and row.missing and not upload_form.errors:
            # A bound, empty form carries the error like any refused upload does.
            upload_form = row.upload_form = UploadForm(data={}, files={}, auto_id=auto_id)
            upload_form.is_valid()
            upload_form.errors.clear()
            upload_form.add_error(
                "file", "Giấy tờ bắt buộc: hãy tải lên tệp hoặc dùng giấy tờ trong Kho dữ liệu."
            )
        rows.append(row)
    return rows


def attach_file(
    request: HttpRequest, dossier: Dossier, component_id: int
) -> tuple[bool, dict[int, tuple[UploadForm | None, ReuseForm | None, str]], int]:
    """Attach the posted file (upload) or data-store paper (reuse) to one component of ``dossier``.

    Returns (done, bound forms with errors for re-rendering, status). Nothing is stored when refused."""
    user = request.user
    assert isinstance(user, User)
    component = dossier.components.filter(pk=component_id).first()
    if component is None:
        raise NotFound("Không tìm thấy thành phần hồ sơ.")
    auto_id = f"id_c{component.pk}_%s"
    if "vault_item" in request.POST:
        today = timezone.localdate()
        items = reusable_items(
            list(VaultItem.objects.filter(owner_id=dossier.applicant_id)), component, today
        )
        reuse_form = ReuseForm(request.POST, items=items, auto_id=auto_id)
        if not reuse_form.is_valid():
            return False, {component.pk: (None, reuse_form, "")}, 400
        item = next(i for i in items if i.pk == reuse_form.cleaned_data["vault_item"])
        try:
            digitization.component_reuse(dossier=dossier, component=component, item=item, actor=user)
        except DomainError as exc:
            reuse_form.add_error("vault_item", exc.message)
            return False, {component.pk: (None, reuse_form, exc.message)}, exc.status
        return True, {}, 200
    upload_form = UploadForm(request.POST, request.FILES, auto_id=auto_id)
    if not upload_form.is_valid():
        return False, {component.pk: (upload_form, None, "")}, 400
    upload = upload_form.cleaned_data["file"]
    try:
        documents.component_upload(
            dossier=dossier, component=component, data=upload.read(), name=upload.name or "", actor=user
        )
    except DomainError as exc:
        upload_form.add_error("file", exc.message)
        return False, {component.pk: (upload_form, None, exc.message)}, exc.status
    return True, {}, 200


@dataclass
class RowGroup:
    slug: str
    title: str
    hint: str
    rows: list[ComponentRow]

    @property
    def open(self) -> bool:
        """Shown unfolded: the required papers, and any group with a file or an error in it."""
        return self.slug == "required" or any(
            r.files or r.upload_form.errors or (r.reuse_form is not None and r.reuse_form.errors)
            for r in self.rows
        )


def group_rows(rows: list[ComponentRow]) -> list[RowGroup]:
    """The papers in three groups: required, filed only in some situations, and the procedure's notes
    (lines of the catalog that ask for no paper), so that a long list stays readable."""
    groups = [
        RowGroup("required", "Giấy tờ bắt buộc", "", []),
        RowGroup(
            "optional",
            "Giấy tờ nộp tùy trường hợp",
            "Chỉ nộp nếu đúng với trường hợp của bạn.",
            [],
        ),
        RowGroup(
            "note",
            "Lưu ý và giấy tờ khác của thủ tục",
            "Các dòng hướng dẫn trong danh mục thủ tục; đính kèm tệp nếu cần.",
            [],
        ),
    ]
    by_slug = {g.slug: g for g in groups}
    for row in rows:
        by_slug[row.group].rows.append(row)
    return [g for g in groups if g.rows]
