from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from organization.history_admin import HistoryAdmin
from targets.models import Target


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ("year", "position", "name", "unit_type", "comparison", "threshold", "measure")
    list_display_links = ("name",)
    list_filter = ("year", "unit_type", "measure")
    search_fields = ("code", "name", "legal_basis")
    ordering = ("-year", "position", "unit_type")
    fieldsets = (
        (None, {"fields": ("year", "unit_type", "position", "code", "name")}),
        (_("Cách đánh giá"), {"fields": ("measure", "comparison", "threshold")}),
        (_("Căn cứ"), {"fields": ("legal_basis",)}),
    )
