from __future__ import annotations

from django.contrib import admin

from organization.history_admin import HistoryAdmin
from worktime.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(HistoryAdmin):
    list_display = ("day", "kind", "reason", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("reason",)
