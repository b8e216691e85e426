from __future__ import annotations

from django.contrib import admin

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
