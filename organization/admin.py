"""The organisation in the admin: units, agencies and people's roles in them.

Every save goes through ``organization.services`` (agency codes validated, agencies kept in the
province of the province administrator, roles granted and revoked under the rules of
``membership_refusal``); the forms ask the same checks first, so that a refusal shows as an error on
the form with its reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import User
from organization import services
from organization.admin_memberships import MembershipInlineBase, save_membership_formset
from organization.admin_policy import (
    adopt_saved,
    request_reach,
    show_refusal,
    with_actor,
)
from organization.history_admin import HistoryAdmin
from organization.models import AdministrativeUnit, Agency, LegacyUnit, Membership
from organization.selectors import membership_refusal


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(HistoryAdmin):
    list_display = ("code", "name", "kind", "level", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "name_folded")
    # Codes, levels and the hierarchy come from the statistics office's list (organization.loaders).
    readonly_fields = ("code", "level", "parent", "name_folded")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # units are loaded from the official list, never invented here

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        reach = request_reach(request)
        return obj is None or reach.superuser or obj.province.pk in reach.province.province_ids

    def save_model(self, request: HttpRequest, obj: AdministrativeUnit, form: Any, change: bool) -> None:
        saved = services.unit_update(
            actor=request.user,  # type: ignore[arg-type]
            unit=obj,
            name=obj.name,
            kind=obj.kind,
            latitude=obj.latitude,
            longitude=obj.longitude,
            area_km2=obj.area_km2,
        )
        adopt_saved(obj, saved)


@admin.register(LegacyUnit)
class LegacyUnitAdmin(HistoryAdmin):
    list_display = ("code", "name", "district_name", "province_name", "successor", "mapping")
    list_filter = ("province_name", "mapping")
    search_fields = ("code", "name", "district_name")
    autocomplete_fields = ["successor", "other_successors"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        reach = request_reach(request)
        if obj is None or reach.superuser:
            return True
        return obj.successor is not None and obj.successor.province.pk in reach.province.province_ids


class AgencyMembershipInline(MembershipInlineBase):
    autocomplete_fields = ["user"]


class AgencyForm(forms.ModelForm):
    actor: User

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        original = Agency.objects.get(pk=self.instance.pk) if self.instance.pk else None
        error = services.agency_refusal(
            actor=self.actor,
            agency=original,
            code=data["code"].strip(),
            kind=data["kind"],
            level=data["level"],
            unit=data["unit"],
            parent=data.get("parent"),
        )
        if error is not None:
            show_refusal(self, error)
        return data


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    form = AgencyForm
    list_display = ("code", "name", "kind", "level", "unit", "parent", "is_active", "is_test")
    list_filter = ("level", "kind", "is_active", "is_test")
    search_fields = ("code", "name", "name_folded")
    autocomplete_fields = ["unit", "parent"]
    inlines = [AgencyMembershipInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return with_actor(super().get_form(request, obj, change, **kwargs), request)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []  # roles are given once the agency exists

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        saved = services.agency_save(
            actor=request.user,  # type: ignore[arg-type]
            agency=Agency.objects.get(pk=obj.pk) if change else None,
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            level=obj.level,
            unit=obj.unit,
            parent=obj.parent,
            short_name=obj.short_name,
            address=obj.address,
            phone=obj.phone,
            email=obj.email,
            is_active=obj.is_active,
            is_test=obj.is_test,
        )
        adopt_saved(obj, saved)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_membership_formset(request, formset)


class MembershipForm(forms.ModelForm):
    actor: User

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        original = (
            Membership.objects.select_related("user", "agency").get(pk=self.instance.pk)
            if self.instance.pk
            else None
        )
        error = services.membership_change_refusal(
            actor=self.actor, membership=original, user=data["user"], agency=data["agency"], role=data["role"]
        )
        if error is not None:
            show_refusal(self, error)
        return data


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    form = MembershipForm
    list_display = ("user", "agency", "role", "is_active")
    list_filter = ("role", "is_active", "agency__level")
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ["user", "agency"]
    list_select_related = ("user", "agency")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return with_actor(super().get_form(request, obj, change, **kwargs), request)

    def _row_is_his(self, request: HttpRequest, obj: Membership) -> bool:
        return (
            membership_refusal(request_reach(request), user=obj.user, agency=obj.agency, role=obj.role)
            is None
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or self._row_is_his(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or self._row_is_his(request, obj))

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if change:
            saved = services.membership_update(
                actor=actor,
                membership=obj,
                user=obj.user,
                agency=obj.agency,
                role=obj.role,
                is_active=obj.is_active,
            )
        else:
            saved = services.membership_grant(actor=actor, agency=obj.agency, user=obj.user, role=obj.role)
            if not obj.is_active:
                saved = services.membership_update(
                    actor=actor,
                    membership=saved,
                    user=saved.user,
                    agency=saved.agency,
                    role=saved.role,
                    is_active=False,
                )
        adopt_saved(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_revoke(actor=request.user, membership=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        with transaction.atomic():  # all the selected roles or none
            for membership in queryset:
                services.membership_revoke(actor=request.user, membership=membership)  # type: ignore[arg-type]
