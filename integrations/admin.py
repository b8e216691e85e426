from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from integrations.models import Exchange
from organization.admin_policy import PolicyAdmin


@admin.register(Exchange)
class ExchangeAdmin(PolicyAdmin):
    """The exchange log, read-only: it is written by the partners' clients only."""

    list_display = ("at", "partner", "operation", "dossier_code", "outcome", "code", "attempt", "duration_ms")
    list_filter = ("partner", "outcome", "operation")
    search_fields = ("dossier_code",)
    date_hierarchy = "at"
    readonly_fields = (
        "partner",
        "operation",
        "dossier_code",
        "message",
        "attempt",
        "at",
        "duration_ms",
        "outcome",
        "code",
        "answer",
        "summary",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the log is the record of what was exchanged
