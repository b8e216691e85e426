from __future__ import annotations

from django.contrib import admin

from motcua.history_admin import HistoryAdmin
from motcua.text import fold
from organization.models import AdministrativeUnit, Agency, LegacyUnit, Membership


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "level", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "name_folded")
    readonly_fields = ("name_folded",)
    autocomplete_fields = ["parent"]


@admin.register(LegacyUnit)
class LegacyUnitAdmin(HistoryAdmin):
    list_display = ("code", "name", "district_name", "province_name", "successor", "mapping")
    list_filter = ("province_name", "mapping")
    search_fields = ("code", "name", "district_name")
    autocomplete_fields = ["successor", "other_successors"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "level", "unit", "parent", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name", "name_folded")
    autocomplete_fields = ["unit", "parent"]
    inlines = [MembershipInline]

    def save_model(self, request: object, obj: Agency, form: object, change: bool) -> None:
        obj.name_folded = fold(obj.name)
        obj.province = obj.unit.province
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("role", "is_active", "agency__level")
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ["user", "agency"]
