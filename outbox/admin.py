from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kernel.errors import DomainError
from organization.admin_policy import PolicyAdmin, allows
from outbox import services
from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PolicyAdmin):
    """Read-only rows; the only writes are the two actions, through ``outbox.services`` (docs/adr/0016)."""

    list_display = ("topic", "dossier_code", "status", "attempts", "available_at", "error", "delivered_at")
    list_filter = ("status", "topic", "waiting_for_partner", ("last_error", admin.EmptyFieldListFilter))
    search_fields = ("dossier_code", "key")
    actions = ["retry_now", "cancel"]
    readonly_fields = (
        "topic",
        "key",
        "payload",
        "dossier_code",
        "status",
        "created_at",
        "available_at",
        "attempts",
        "last_attempt_at",
        "last_error",
        "waiting_for_partner",
        "claimed_by",
        "claimed_until",
        "delivered_at",
    )

    @admin.display(description=_("lỗi gần nhất"))
    def error(self, obj: OutboxMessage) -> str:
        return obj.last_error if len(obj.last_error) <= 80 else obj.last_error[:79] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a message is cancelled, not deleted: its row stays as the record

    def has_deliver_permission(self, request: HttpRequest) -> bool:
        return allows(request, self.rule, "change")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[OutboxMessage], decide: Any, done: str
    ) -> None:
        changed = 0
        for message in queryset.order_by("pk"):
            try:
                decide(message=message, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{message.key}: {exc.message}", messages.ERROR)
            else:
                self.log_change(request, message, done)
                changed += 1
        if changed:
            self.message_user(
                request,
                ngettext("%(done)s: %(count)d tin.", "%(done)s: %(count)d tin.", changed)
                % {"done": done, "count": changed},
            )

    @admin.action(description=_("Gửi lại ngay"), permissions=["deliver"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        self._decide(request, queryset, services.message_retry_now, gettext("Đã đặt gửi lại ngay"))

    @admin.action(description=_("Hủy, không gửi nữa"), permissions=["deliver"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        self._decide(request, queryset, services.message_cancel, gettext("Đã hủy"))
