"""The notices in the admin: the templates' texts, edited by province administrators through
``notices.services.template_update`` (a text that does not render is refused on the form with the
reason); the log of notices, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from notices import services
from notices.models import Notice, NoticeTemplate
from notices.rendering import PLACEHOLDERS
from organization.admin_policy import PolicyAdmin, adopt_saved, show_refusal


class NoticeTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NoticeTemplate
        fields = ["subject", "body"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        error = services.template_refusal(
            channel=self.instance.channel, subject=data.get("subject", ""), body=data.get("body", "")
        )
        if error is not None:
            show_refusal(self, error)
        return data


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(PolicyAdmin):
    form = NoticeTemplateForm
    list_display = ("kind", "channel", "subject", "updated_at", "updated_by")
    list_filter = ("kind", "channel")
    readonly_fields = ("kind", "channel", "placeholders", "updated_at", "updated_by")
    fields = ("kind", "channel", "subject", "body", "placeholders", "updated_at", "updated_by")

    @admin.display(description=_("Biến dùng được"))
    def placeholders(self, obj: NoticeTemplate) -> str:
        return format_html_join("", "<div><code>{{{{ {} }}}}</code> — {}</div>", PLACEHOLDERS.items())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one template per kind and channel, seeded; only their texts change

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: NoticeTemplate, form: Any, change: bool) -> None:
        saved = services.template_update(
            actor=request.user,  # type: ignore[arg-type]
            template=NoticeTemplate.objects.get(pk=obj.pk),
            subject=obj.subject,
            body=obj.body,
        )
        adopt_saved(obj, saved)


@admin.register(Notice)
class NoticeAdmin(PolicyAdmin):
    list_display = ("at", "dossier", "kind", "channel", "recipient", "status", "reason")
    list_filter = ("status", "channel", "kind")
    search_fields = ("dossier__code",)
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
