"""Accounts in the admin. Administrators manage the accounts of the staff within their reach, under the
rules of ``organization.selectors`` (``account_refusal``, ``password_refusal``): superuser status, the
username and other administrators' passwords are a superuser's; nobody grants himself anything.
Every save goes through ``accounts.services`` / ``organization.services``.

``is_staff``, groups and Django permissions are not offered: they grant nothing in motcua (rights come
from roles, ``organization.admin_policy``), so the Group admin is not registered either.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services
from accounts.models import ApiToken, Applicant, User
from organization.admin_memberships import MembershipInlineBase, save_membership_formset
from organization.admin_policy import (
    PolicyAdmin,
    adopt_saved,
    not_found_message,
    request_reach,
    show_refusal,
    with_actor,
)
from organization.history_admin import HistoryAdmin
from organization.models import Agency, Role
from organization.selectors import (
    Authority,
    account_refusal,
    admin_reach,
    membership_refusal,
    password_refusal,
    role_rank,
    visible_users,
)
from organization.services import staff_user_create

admin.site.unregister(Group)


class StaffCreationForm(UserCreationForm):
    """A new account: for an administrator always a staff account with its first role in an agency
    within his reach; a superuser may leave both empty (an account to make an administrator of)."""

    actor: User

    agency = forms.ModelChoiceField(
        label=capfirst(_("cơ quan")), queryset=Agency.objects.none(), required=False
    )
    role = forms.ChoiceField(label=capfirst(_("vai trò")), choices=[("", "---------")], required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reach = admin_reach(self.actor)
        self.fields["agency"].queryset = reach.scope(Authority.AGENCY).filter(  # type: ignore[attr-defined]
            Agency.objects.filter(is_active=True).order_by("level", "code")
        )
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *((value, label) for value, label in Role.choices if role_rank(value) < reach.top),
        ]
        if not reach.superuser:
            self.fields["agency"].required = True
            self.fields["role"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, role = data.get("agency"), data.get("role")
        if bool(agency) != bool(role) and not self.errors:
            self.add_error("role" if agency else "agency", gettext("Chọn cả cơ quan và vai trò."))
        if agency and role and not self.errors:
            candidate = User(username=data.get("username", ""))
            error = membership_refusal(
                admin_reach(self.actor), user=candidate, agency=agency, role=role, new_account=True
            )
            if error is not None:
                show_refusal(self, error)
        return data


class AccountChangeForm(UserChangeForm):
    actor: User

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        why = services.user_update_refusal(
            actor=self.actor, user=User.objects.get(pk=self.instance.pk), fields=set(self.changed_data)
        )
        if why:
            self.add_error(None, why)
        return data


class UserMembershipInline(MembershipInlineBase):
    autocomplete_fields = ["agency"]

    def may_edit(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and self.parent_admin().can_manage_roles(request, obj)


# The fields of an account each save may change (roles and the password have their own routes).
ACCOUNT_FIELDS = (
    "username",
    "full_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "is_active",
    "is_superuser",
)


@admin.register(User)
class UserAdmin(HistoryAdmin, BaseUserAdmin):
    form = AccountChangeForm
    add_form = StaffCreationForm
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    filter_horizontal = ()
    inlines = [UserMembershipInline]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            fields = ("username", "full_name", "email", "agency", "role", "password1", "password2")
            return ((None, {"classes": ("wide",), "fields": fields}),)
        rights = ("is_active", "is_superuser") if request_reach(request).superuser else ("is_active",)
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Permissions"), {"fields": rights}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
            (_("Thông tin thêm"), {"fields": ("full_name", "phone")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        own = obj.pk == request.user.pk
        if request_reach(request).superuser:
            return ("is_active", "is_superuser") if own else ()
        return ("username", "last_login", "date_joined", *(("is_active",) if own else ()))

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ("is_active", "is_superuser") if request_reach(request).superuser else ("is_active",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return with_actor(super().get_form(request, obj, change=change, **kwargs), request)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []  # the first role is chosen on the add form

    def get_queryset(self, request: HttpRequest) -> Any:
        reach = request_reach(request)
        users = super().get_queryset(request)
        return users if reach.superuser else users.filter(pk__in=visible_users(reach).values("pk"))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        reach = request_reach(request)
        return obj is None or reach.superuser or visible_users(reach).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or obj.pk == request.user.pk:
            return True  # one's own name, e-mail and phone
        return account_refusal(request_reach(request), obj) is None

    def can_manage_roles(self, request: HttpRequest, obj: User) -> bool:
        reach = request_reach(request)
        if reach.superuser:
            return True
        return obj.pk != request.user.pk and account_refusal(reach, obj) is None

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        data = form.cleaned_data
        if not change:
            if data.get("agency"):
                saved = staff_user_create(
                    actor=actor,
                    agency=data["agency"],
                    username=data["username"],
                    full_name=data.get("full_name", ""),
                    email=data.get("email", ""),
                    password=data["password1"],
                    role=data["role"],
                )
            else:
                saved = services.user_create(
                    actor=actor,
                    username=data["username"],
                    password=data["password1"],
                    full_name=data.get("full_name", ""),
                    email=data.get("email", ""),
                )
        else:
            changes = {name: data[name] for name in form.changed_data if name in ACCOUNT_FIELDS}
            saved = services.user_update(actor=actor, user=obj, **changes)
        adopt_saved(obj, saved)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_membership_formset(request, formset)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Set another person's password through ``user_set_password``, where the rules are."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404(not_found_message(self.opts))
        if why := password_refusal(request_reach(request), user):
            raise PermissionDenied(why)
        if request.method == "POST":
            form = self.change_password_form(user, request.POST)
            usable = form.is_valid() and form.cleaned_data["set_usable_password"]
            if form.is_valid() and (usable or "unset-password" in request.POST):
                services.user_set_password(
                    actor=request.user,  # type: ignore[arg-type]
                    user=user,
                    password=form.cleaned_data["password1"] if usable else None,
                )
                self.log_change(request, user, self.construct_change_message(request, form, []))
                done = (
                    gettext("Password changed successfully.")
                    if usable
                    else gettext("Password-based authentication was disabled.")
                )
                messages.success(request, done)
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        # The page, the form's errors, and conflicting buttons are Django's (nothing is saved there).
        return super().user_change_password(request, id, form_url)


@admin.register(Applicant)
class ApplicantAdmin(PolicyAdmin):
    list_display = ("name", "kind", "national_id", "tax_code", "phone", "unit")
    list_filter = ("kind",)
    search_fields = ("name", "national_id", "tax_code", "phone")
    autocomplete_fields = ["unit", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(PolicyAdmin):
    list_display = ("prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "digest", "prefix", "created_at", "expires_at", "last_used_at")
    search_fields = ("user__username", "prefix")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
