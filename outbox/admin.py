from __future__ import annotations

from django.contrib import admin

from organization.admin_policy import PolicyAdmin
from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PolicyAdmin):
    list_display = ("topic", "dossier_code", "created_at", "attempts", "delivered_at")
    list_filter = ("topic", ("delivered_at", admin.EmptyFieldListFilter))
    search_fields = ("dossier_code", "key")
    readonly_fields = (
        "topic",
        "key",
        "payload",
        "dossier_code",
        "created_at",
        "available_at",
        "attempts",
        "last_error",
        "delivered_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
