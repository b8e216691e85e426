from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kiosk.models import Counter, QueueTicket
from organization.admin_policy import PolicyAdmin
from organization.history_admin import HistoryAdmin


@admin.register(Counter)
class CounterAdmin(HistoryAdmin):
    list_display = ("centre", "number", "name", "own_line", "is_active")
    list_filter = ("is_active", "own_line")
    search_fields = ("name", "centre__code", "centre__name")
    autocomplete_fields = ["centre"]
    filter_horizontal = ["fields"]


@admin.register(QueueTicket)
class QueueTicketAdmin(PolicyAdmin):
    """Tickets are issued and called only through the kiosk; the admin shows them."""

    list_display = (
        "day",
        "centre",
        "line_name",
        "shown_number",
        "status",
        "issued_at",
        "counter",
        "finished_at",
    )
    list_filter = ("status", "day")
    search_fields = ("centre__code", "centre__name", "line_name")
    date_hierarchy = "day"
    list_select_related = ("centre", "counter")

    @admin.display(description=_("số thứ tự"), ordering="number")
    def shown_number(self, ticket: QueueTicket) -> str:
        return ticket.display_number  # with the line's letter, as on the ticket

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
