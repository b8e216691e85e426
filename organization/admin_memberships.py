"""People's roles edited inline in the admin — on an account's page and on an agency's page: each row
added, changed or deleted is checked like the Membership admin's form, and saved through the
membership services."""

from __future__ import annotations

from typing import Any

from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from accounts.models import User
from organization import services
from organization.admin_policy import PolicyTabularInline, adopt_saved
from organization.models import Membership
from organization.selectors import admin_reach, membership_refusal


class MembershipFormSet(BaseInlineFormSet):
    """Roles edited inside an account's or an agency's page: each row added, changed or deleted is
    checked like the Membership admin's form, and saved through the membership services."""

    actor: User

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        reach = admin_reach(self.actor)
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            deleting = bool(self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME))
            existing = form.instance.pk is not None
            if (not existing and deleting) or not (form.has_changed() or deleting):
                continue
            original = (
                Membership.objects.select_related("user", "agency").get(pk=form.instance.pk)
                if existing
                else None
            )
            if deleting and original is not None:
                error = membership_refusal(
                    reach, user=original.user, agency=original.agency, role=original.role
                )
            else:
                error = services.membership_change_refusal(
                    actor=self.actor,
                    membership=original,
                    user=form.instance.user,
                    agency=form.instance.agency,
                    role=form.instance.role,
                )
            if error is not None:
                form.add_error(None, error.message)


def save_membership_formset(request: HttpRequest, formset: Any) -> None:
    actor = request.user
    formset.save(commit=False)
    for membership in formset.deleted_objects:
        services.membership_revoke(actor=actor, membership=membership)  # type: ignore[arg-type]
    for membership, _changed in formset.changed_objects:
        services.membership_update(
            actor=actor,  # type: ignore[arg-type]
            membership=membership,
            user=membership.user,
            agency=membership.agency,
            role=membership.role,
            is_active=membership.is_active,
        )
    for membership in formset.new_objects:
        saved = services.membership_grant(
            actor=actor,  # type: ignore[arg-type]
            agency=membership.agency,
            user=membership.user,
            role=membership.role,
        )
        if not membership.is_active:
            saved = services.membership_update(
                actor=actor,  # type: ignore[arg-type]
                membership=saved,
                user=saved.user,
                agency=saved.agency,
                role=saved.role,
                is_active=False,
            )
        adopt_saved(membership, saved)


class MembershipInlineBase(PolicyTabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"actor": request.user})
