"""Administration of the index methodology (effective-dated weights and targets) and a read-only view
of the published months."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from organization.admin_policy import PolicyAdmin, PolicyTabularInline
from organization.history_admin import HistoryAdmin
from serviceindex.models import IndexPublication, Indicator, Methodology


class IndicatorInline(PolicyTabularInline):
    model = Indicator
    fields = (
        "position",
        "group_code",
        "group_name",
        "group_points",
        "code",
        "name",
        "points",
        "target",
        "measure",
    )
    extra = 0
    ordering = ("position", "code")


@admin.register(Methodology)
class MethodologyAdmin(HistoryAdmin):
    list_display = ("name", "legal_basis", "effective_from")
    search_fields = ("name", "legal_basis")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ("code", "name", "group_name", "points", "target", "measure", "methodology")
    list_filter = ("methodology", "group_code", "measure")
    search_fields = ("code", "name", "group_name")
    ordering = ("methodology", "position")


@admin.register(IndexPublication)
class IndexPublicationAdmin(PolicyAdmin):
    """Published months are never edited: the frozen table is what the public saw."""

    list_display = ("month", "methodology", "frozen_at", "frozen_by")
    readonly_fields = ("month", "methodology", "frozen_at", "frozen_by", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
