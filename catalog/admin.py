"""Administration of the catalog. Versions in force are read-only: an administrator copies one into a
draft, edits the draft, and a publication decision puts it in force (docs/domain.md §3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.models import (
    ComponentRequirement,
    LegalBasis,
    Procedure,
    ProcedureCase,
    ProcedureField,
    ProcedureResult,
    ProcedureVersion,
    ProcessingOption,
    PublicationDecision,
    PublicationItem,
    Workflow,
    WorkflowStep,
)
from integrations.dvcqg.catalog_sync import REFUSED, catalog_sync
from kernel.errors import DomainError
from kernel.text import nfc
from organization.admin_policy import PolicyAdmin, PolicyStackedInline, PolicyTabularInline
from organization.history_admin import HistoryAdmin


@admin.register(ProcedureField)
class ProcedureFieldAdmin(HistoryAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class VersionLinkInline(PolicyTabularInline):
    model = ProcedureVersion
    fields = ("link", "status", "effective_from", "effective_to", "source", "change_note", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ("-number",)

    @admin.display(description=_("phiên bản"))
    def link(self, obj: ProcedureVersion) -> str:
        url = reverse("admin:catalog_procedureversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{} — {}</a>', url, obj.number, obj.name[:80])

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(PolicyAdmin):
    list_display = ("code", "shown_name", "in_force", "latest_number", "is_test")
    list_filter = ("is_test",)
    search_fields = ("code", "search_text")
    list_select_related = ("current_version", "latest_version")
    readonly_fields = ("code", "current_version", "latest_version", "created_at", "updated_at")
    inlines = [VersionLinkInline]
    actions = ["make_draft", "sync_national"]

    @admin.display(description=_("tên thủ tục"))
    def shown_name(self, obj: Procedure) -> str:
        version = obj.shown_version
        return version.name[:120] if version else ""

    @admin.display(description=_("hiệu lực tại tỉnh"), boolean=True)
    def in_force(self, obj: Procedure) -> bool:
        return obj.current_version_id is not None

    @admin.display(description=_("phiên bản mới nhất"))
    def latest_number(self, obj: Procedure) -> int | None:
        return obj.latest_version.number if obj.latest_version else None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            ("current_version", "latest_version", "created_at", "updated_at")
            if obj is None
            else self.readonly_fields
        )

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # The only field of a procedure edited here: test mode, through its service.
        services.procedure_set_test(actor=request.user, procedure=obj, is_test=obj.is_test)  # type: ignore[arg-type]

    @admin.action(description=_("Tạo phiên bản dự thảo để sửa đổi"))
    def make_draft(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        for procedure in queryset:
            source = procedure.current_version or procedure.latest_version
            if source is None:
                continue
            try:
                draft = services.version_clone_as_draft(version=source, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{procedure.code}: {exc.message}", messages.WARNING)
            else:
                self.message_user(
                    request,
                    gettext("%(code)s: đã tạo phiên bản dự thảo số %(number)s.")
                    % {"code": procedure.code, "number": draft.number},
                )

    @admin.action(
        description=_("Đồng bộ từ CSDL quốc gia (thay đổi thành phiên bản dự thảo)"), permissions=["change"]
    )
    def sync_national(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        # The same right as making a draft by hand: a changed national record becomes a draft version.
        try:
            report = catalog_sync(codes=[p.code for p in queryset])
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        for row in report.rows:
            self.message_user(
                request, row.line(), messages.WARNING if row.outcome == REFUSED else messages.INFO
            )
        self.message_user(request, report.summary(), messages.WARNING if report.refused else messages.SUCCESS)


class DraftOnlyInline(PolicyStackedInline):
    extra = 0

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is None or obj.status == ProcedureVersion.Status.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class CaseInline(DraftOnlyInline):
    model = ProcedureCase
    fields = ("position", "name")


class OptionInline(DraftOnlyInline):
    model = ProcessingOption
    fields = (
        ("channel", "case", "position"),
        ("time_amount", "time_unit", "time_assumed"),
        "time_text",
        ("free", "fee_text"),
        "description",
    )


class TemplateNamesField(forms.CharField):
    """A paper's template names edited one per line (stored as a list, docs/adr/0025)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return [nfc(line.strip()) for line in str(value or "").splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        for name in value:
            if len(name) > 500:
                raise forms.ValidationError(gettext("Tên tệp mẫu dài quá 500 ký tự."))


class ComponentForm(forms.ModelForm):
    form_names = TemplateNamesField(
        label=_("mẫu đơn, tờ khai"), required=False, help_text=_("Mỗi dòng một tên tệp mẫu.")
    )

    class Meta:
        model = ComponentRequirement
        fields = (
            "position",
            "section",
            "case",
            "name",
            "form_names",
            "form_file",
            "originals",
            "copies",
            "quantity_text",
            "mandatory",
            "from_national_data",
            "exempt_when_reused",
        )


class ComponentInline(DraftOnlyInline):
    model = ComponentRequirement
    form = ComponentForm
    fields = (
        ("position", "section", "case"),
        "name",
        ("form_names", "form_file"),
        ("originals", "copies", "quantity_text"),
        ("mandatory", "from_national_data", "exempt_when_reused"),
    )


class ResultInline(DraftOnlyInline):
    model = ProcedureResult
    fields = (("position", "code"), "name", "description")


class LegalInline(DraftOnlyInline):
    model = LegalBasis
    fields = (("position", "number"), "title")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(HistoryAdmin):
    list_display = (
        "procedure",
        "number",
        "name_short",
        "status",
        "field",
        "online_level",
        "effective_from",
        "parsed",
    )
    list_filter = (
        "status",
        "online_level",
        "boundary_free",
        "at_province",
        "at_commune",
        "at_ministry",
        "source",
        "field",
    )
    search_fields = ("procedure__code", "name")
    list_select_related = ("procedure", "field")
    autocomplete_fields = ["field", "agencies"]
    inlines = [CaseInline, OptionInline, ComponentInline, ResultInline, LegalInline]
    readonly_fields = (
        "procedure",
        "number",
        "status",
        "effective_from",
        "effective_to",
        "source",
        "source_url",
        "content_hash",
        "created_at",
        "created_by",
        "issues_list",
    )
    fieldsets = (
        (
            None,
            {"fields": ("procedure", "number", "status", ("effective_from", "effective_to"), "change_note")},
        ),
        (
            _("Nội dung"),
            {
                "fields": (
                    "name",
                    "field",
                    ("at_ministry", "at_province", "at_commune", "at_other"),
                    "issuing_body",
                    "procedure_type",
                    "subjects",
                    "national_decision",
                )
            },
        ),
        (
            _("Cấu hình tại tỉnh"),
            {"fields": ("online_level", "boundary_free", "after_15h_next_day", "agencies")},
        ),
        (
            _("Cơ quan"),
            {
                "classes": ("collapse",),
                "fields": (
                    "competent_agency_text",
                    "implementing_agency_text",
                    "authorized_agency_text",
                    "coordinating_agency_text",
                    "reception_address",
                ),
            },
        ),
        (
            _("Trình tự, yêu cầu"),
            {
                "classes": ("collapse",),
                "fields": ("steps_text", "requirements_text", "component_notes", "related_text"),
            },
        ),
        (
            _("Nguồn"),
            {
                "classes": ("collapse",),
                "fields": ("source", "source_url", "content_hash", "created_at", "created_by", "issues_list"),
            },
        ),
    )

    @admin.display(description=_("tên"))
    def name_short(self, obj: ProcedureVersion) -> str:
        return obj.name[:90]

    @admin.display(description=_("phân tích đủ"), boolean=True)
    def parsed(self, obj: ProcedureVersion) -> bool:
        return obj.fully_parsed

    @admin.display(description=_("trường chưa phân tích được"))
    def issues_list(self, obj: ProcedureVersion) -> str:
        if not obj.parse_issues:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><b>{}</b>: {} <i>{}</i></li>",
                (
                    (i.get("field", ""), i.get("reason", ""), i.get("excerpt", "")[:120])
                    for i in obj.parse_issues
                ),
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new versions come from the importer or from "create a draft" on a procedure

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != ProcedureVersion.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.procedure_refresh_search(obj.procedure)


class PublicationItemInline(PolicyTabularInline):
    model = PublicationItem
    extra = 1
    autocomplete_fields = ["procedure", "version", "replaces"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is None or obj.status == PublicationDecision.Status.DRAFT
        ) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.status == PublicationDecision.Status.DRAFT) and super().has_add_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is None or obj.status == PublicationDecision.Status.DRAFT
        ) and super().has_delete_permission(request, obj)


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(HistoryAdmin):
    list_display = ("number", "title", "scope", "signed_on", "effective_on", "status", "applied_at")
    list_filter = ("scope", "status", "year")
    search_fields = ("number", "title")
    readonly_fields = ("status", "applied_at", "applied_by")
    inlines = [PublicationItemInline]
    actions = ["apply"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == PublicationDecision.Status.APPLIED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: PublicationDecision, form: Any, change: bool) -> None:
        obj.year = obj.signed_on.year if obj.signed_on else 0
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Áp dụng quyết định (đưa các phiên bản vào hiệu lực)"))
    def apply(self, request: HttpRequest, queryset: QuerySet[PublicationDecision]) -> None:
        for decision in queryset:
            try:
                services.decision_apply(decision=decision, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{decision.number}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, gettext("%(number)s: đã áp dụng.") % {"number": decision.number})


@admin.register(ProcedureCase)
class ProcedureCaseAdmin(PolicyAdmin):
    search_fields = ("name", "version__procedure__code")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False


class StepInline(PolicyTabularInline):
    model = WorkflowStep
    extra = 0
    fields = (
        "position",
        "name",
        "role",
        "agency",
        "duration_amount",
        "duration_unit",
        "parallel_group",
        "is_lead",
    )
    autocomplete_fields = ["agency"]


@admin.register(Workflow)
class WorkflowAdmin(HistoryAdmin):
    list_display = ("procedure", "level", "agency", "number", "status", "name")
    list_filter = ("status", "level")
    search_fields = ("procedure__code", "name", "approval_decision")
    autocomplete_fields = ["procedure", "agency"]
    readonly_fields = ("problems",)
    inlines = [StepInline]
    actions = ["activate"]

    @admin.display(description=_("kiểm tra với thời hạn giải quyết"))
    def problems(self, obj: Workflow) -> str:
        if obj.pk is None:
            return "—"
        found = services.workflow_check(obj)
        if not found:
            return gettext("Tổng thời gian các bước khớp thời hạn giải quyết.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in found)))

    @admin.action(description=_("Áp dụng quy trình (thay quy trình đang áp dụng)"))
    def activate(self, request: HttpRequest, queryset: QuerySet[Workflow]) -> None:
        for workflow in queryset:
            try:
                services.workflow_activate(workflow=workflow)
            except DomainError as exc:
                self.message_user(request, f"{workflow}: {exc.message}", messages.ERROR)
                continue
            warnings = services.workflow_check(workflow)
            level = messages.WARNING if warnings else messages.SUCCESS
            self.message_user(
                request,
                gettext("%(workflow)s: đã áp dụng.") % {"workflow": workflow}
                + "".join(f" {w}" for w in warnings),
                level,
            )
