from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from worktime.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SimpleHistoryAdmin):
    list_display = ("day", "kind", "reason", "updated_at")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("reason",)
