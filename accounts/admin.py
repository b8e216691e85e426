from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, Applicant, User
from motcua.history_admin import HistoryAdmin
from organization.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(HistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Thông tin thêm"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "national_id", "tax_code", "phone", "unit")
    list_filter = ("kind",)
    search_fields = ("name", "national_id", "tax_code", "phone")
    autocomplete_fields = ["unit", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "digest", "prefix", "created_at", "expires_at", "last_used_at")
    search_fields = ("user__username", "prefix")

    def has_add_permission(self, request: object) -> bool:
        return False
