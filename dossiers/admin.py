"""Dossiers in the admin are read-only: every change goes through the services (NĐ 61/2018 Art. 5)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dossiers.models import Consultation, Dossier, DossierEvent, DossierStep, Handover
from organization.admin_policy import PolicyAdmin, PolicyTabularInline


class ReadOnlyInline(PolicyTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ("seq", "action", "at", "actor_name", "from_status", "to_status", "reason", "due_after")


class StepInline(ReadOnlyInline):
    model = DossierStep
    fields = (
        "position",
        "name",
        "role",
        "agency",
        "state",
        "assignee",
        "started_at",
        "due_at",
        "finished_at",
        "timing",
    )


class HandoverInline(ReadOnlyInline):
    model = Handover
    fields = ("seq", "at", "kind", "from_name", "from_agency", "to_agency", "to_role", "step_due", "timing")


class ConsultationInline(ReadOnlyInline):
    model = Consultation
    fields = ("agency", "is_lead", "task", "due_at", "answered_at", "timing")


@admin.register(Dossier)
class DossierAdmin(PolicyAdmin):
    list_display = (
        "code",
        "procedure",
        "applicant_name",
        "status",
        "channel",
        "received_at",
        "due_at",
        "resolution_timing",
    )
    list_filter = ("status", "channel", "resolution_timing", "receiving_agency__level")
    search_fields = ("code", "search_text", "applicant_id_number")
    date_hierarchy = "received_at"
    inlines = [StepInline, HandoverInline, ConsultationInline, EventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Dossier._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
