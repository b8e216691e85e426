"""Who may do what in the admin (``/quan-tri/``): one table, every right from a role (docs/adr/0007).

Django's own permissions and groups grant nothing here: they are rows a non-superuser with the
"change user" permission could hand to himself. Instead the admin opens for superusers and for holders
of an active administrator role (``organization.selectors.ADMIN_ROLES``), and ``POLICY`` says, for each
registered model, the authority each action needs: ``SYSTEM`` (superusers), ``PROVINCE`` (province
administrators, over their province) or ``AGENCY`` (agency administrators too, over their agency and
the agencies below it). Rows that belong to an agency are scoped to the actor's reach; "not yours"
answers like "not found". Per-object rules that depend on more than the agency (whose account, which
role) live with the model's admin and the services it calls.

Every ModelAdmin derives from ``PolicyAdmin`` and every inline from ``PolicyInline``; a system check
(``motcua.E010``) and a test fail when a model is registered without an entry here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import InlineModelAdmin
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext

from accounts.models import User
from kernel.errors import DomainError
from organization.models import AdministrativeUnit, Agency
from organization.selectors import AdminReach, Authority, admin_reach, visible_users

S, P, A = Authority.SYSTEM, Authority.PROVINCE, Authority.AGENCY


class Rule(NamedTuple):
    """The authority each admin action on a model needs, and how its rows belong to an agency."""

    view: Authority
    add: Authority
    change: Authority
    delete: Authority
    # The foreign key naming the agency a row belongs to ("pk": the row is an agency); None: the rows
    # are the province's reference data, not scoped.
    agency: str | None = None


SUPERUSERS_ONLY = Rule(S, S, S, S)
PROVINCE_ADMINS = Rule(P, P, P, P)

POLICY: dict[str, Rule] = {
    # Accounts: administrators manage the staff of their reach (accounts/admin.py adds whose account
    # and which fields); citizens' profiles, API tokens: superusers.
    "accounts.User": Rule(view=A, add=A, change=A, delete=S),
    "accounts.Applicant": SUPERUSERS_ONLY,
    "accounts.ApiToken": SUPERUSERS_ONLY,
    # The organisation: units come from the statistics office's list (names and positions corrected
    # here); agencies by the province administrator; roles by both administrators, within reach.
    "organization.AdministrativeUnit": Rule(view=P, add=S, change=P, delete=S),
    "organization.LegacyUnit": Rule(view=P, add=S, change=P, delete=S),
    "organization.Agency": Rule(view=A, add=P, change=P, delete=S, agency="pk"),
    "organization.Membership": Rule(view=A, add=A, change=A, delete=A, agency="agency"),
    # The province's reference data: catalog, calendar, counters, targets, index methodology.
    "worktime.CalendarOverride": PROVINCE_ADMINS,
    "catalog.ProcedureField": PROVINCE_ADMINS,
    "catalog.Procedure": PROVINCE_ADMINS,
    "catalog.ProcedureVersion": PROVINCE_ADMINS,
    "catalog.PublicationDecision": PROVINCE_ADMINS,
    "catalog.ProcedureCase": PROVINCE_ADMINS,
    "catalog.Workflow": PROVINCE_ADMINS,
    "kiosk.Counter": Rule(P, P, P, P, agency="centre"),
    "kiosk.QueueTicket": Rule(view=P, add=S, change=S, delete=S, agency="centre"),
    "targets.Target": PROVINCE_ADMINS,
    "serviceindex.Methodology": PROVINCE_ADMINS,
    "serviceindex.Indicator": PROVINCE_ADMINS,
    "serviceindex.IndexPublication": Rule(view=P, add=S, change=S, delete=S),
    # Operational data with personal data or keys: read through the application, superusers here.
    "dossiers.Dossier": SUPERUSERS_ONLY,
    "documents.StoredFile": SUPERUSERS_ONLY,
    "documents.ComponentFile": SUPERUSERS_ONLY,
    "documents.ResultDocument": SUPERUSERS_ONLY,
    "documents.VaultItem": SUPERUSERS_ONLY,
    "documents.CertifiedCopy": SUPERUSERS_ONLY,
    "documents.SigningCredential": SUPERUSERS_ONLY,
    "outbox.OutboxMessage": SUPERUSERS_ONLY,
    "integrations.Exchange": SUPERUSERS_ONLY,
    # The runs of the periodic jobs (jobs/schedule.py): read-only, superusers.
    "jobs.JobRun": SUPERUSERS_ONLY,
    # Notices to applicants: the province's texts; the log holds personal data (superusers).
    "notices.NoticeTemplate": Rule(view=P, add=S, change=P, delete=S),
    "notices.Notice": SUPERUSERS_ONLY,
}


def rule_for(model: type[Model]) -> Rule:
    """Deny by default: a model without an entry is for superusers only."""
    return POLICY.get(model._meta.label, SUPERUSERS_ONLY)


def request_reach(request: HttpRequest) -> AdminReach:
    """The actor's reach, computed once per request (the admin asks for it dozens of times)."""
    reach: AdminReach | None = getattr(request, "_admin_reach", None)
    if reach is None or reach.user_id != request.user.pk:
        reach = admin_reach(request.user)
        request._admin_reach = reach  # type: ignore[attr-defined]
    return reach


def has_admin_access(user: Any) -> bool:
    """Whether the admin opens for ``user`` at all (also used to show the link to it)."""
    return admin_reach(user).top > Authority.NONE


def agency_of(obj: Model, rule: Rule) -> int | None:
    if rule.agency is None:
        return None
    agency_id: int | None = obj.pk if rule.agency == "pk" else getattr(obj, f"{rule.agency}_id")
    return agency_id


def allows(request: HttpRequest, rule: Rule, action: str, obj: Model | None = None) -> bool:
    reach = request_reach(request)
    need: Authority = getattr(rule, action)
    if reach.top < need:
        return False
    if obj is None or reach.superuser or rule.agency is None:
        return True
    agency_id = agency_of(obj, rule)
    return agency_id is not None and reach.scope(need).allows(agency_id)


def scope_rows(request: HttpRequest, rule: Rule, queryset: QuerySet[Any]) -> QuerySet[Any]:
    reach = request_reach(request)
    if reach.superuser or rule.agency is None:
        return queryset
    field = "pk" if rule.agency == "pk" else f"{rule.agency}_id"
    return reach.scope(rule.view).filter(queryset, field)


def restrict_choices(request: HttpRequest, field: forms.Field | None, need: Authority) -> forms.Field | None:
    """Offer in a form only the agencies, accounts and units within the actor's reach, so that a form
    neither lists what is not his nor accepts it when posted by hand."""
    queryset = getattr(field, "queryset", None)
    reach = request_reach(request)
    if field is None or queryset is None or reach.superuser:
        return field
    model = queryset.model
    if model is Agency:
        field.queryset = reach.scope(need).filter(queryset)  # type: ignore[attr-defined]
    elif model is User:
        field.queryset = queryset.filter(pk__in=visible_users(reach).values("pk"))  # type: ignore[attr-defined]
    elif model is AdministrativeUnit:
        provinces = reach.scope(need).province_ids
        field.queryset = queryset.filter(Q(pk__in=provinces) | Q(parent_id__in=provinces))  # type: ignore[attr-defined]
    return field


def with_actor(form_class: type[forms.BaseForm], request: HttpRequest) -> Any:
    """The form class with the acting user attached, for its ``clean`` to ask the services' checks."""
    return type(
        form_class.__name__, (form_class,), {"actor": request.user, "__module__": form_class.__module__}
    )


def not_found_message(opts: Any) -> str:
    """The same words whether the object does not exist or is outside the actor's reach."""
    return gettext("Không tìm thấy %(name)s này.") % {"name": opts.verbose_name}


def show_refusal(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's refusal on a form: on the fields it names, else on the whole form."""
    named = [name for name in error.fields if name in form.fields]
    for name in named:
        form.add_error(name, error.fields[name])
    if not named:
        form.add_error(None, error.message)


def adopt_saved(obj: Model, saved: Model) -> None:
    """Make the admin's unsaved form instance the row a service saved: the admin's log entry, message
    and redirect that follow use it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class PolicyAdmin(admin.ModelAdmin):
    """The base of every ModelAdmin: permissions from ``POLICY``, rows and choices within reach."""

    @property
    def rule(self) -> Rule:
        return rule_for(self.model)

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> Any:
        # Django filters by the posted ids unchecked: "abc" would be a server error, not a refusal.
        try:
            for selected in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.opts.pk.to_python(selected)
        except ValidationError:
            self.message_user(request, gettext("Lựa chọn không hợp lệ."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return allows(request, self.rule, "view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allows(request, self.rule, "view", obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return allows(request, self.rule, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allows(request, self.rule, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return allows(request, self.rule, "delete", obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_rows(request, self.rule, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return restrict_choices(request, field, self.rule.change)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return restrict_choices(request, field, self.rule.change)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        # Refused alike whether the object exists or not when the model is not the actor's at all.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> Any:
        # Django redirects to the index with "perhaps it was deleted"; an object outside the actor's
        # reach is missing from his queryset, and both answer 404 like everywhere else in motcua.
        raise Http404(not_found_message(opts))


class PolicyInline(InlineModelAdmin):
    """The base of every inline: what may be done to the rows follows what may be done to the object
    they belong to; the rows and choices are scoped like the inline model's own admin."""

    def parent_admin(self) -> Any:
        return self.admin_site.get_model_admin(self.parent_model)

    @property
    def rule(self) -> Rule:
        return POLICY.get(self.model._meta.label) or rule_for(self.parent_model)

    def may_edit(self, request: HttpRequest, obj: Any) -> bool:
        parent = self.parent_admin()
        return bool(
            parent.has_change_permission(request, obj)
            if obj is not None
            else parent.has_add_permission(request)
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.parent_admin().has_view_permission(request, obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_edit(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_rows(request, self.rule, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return restrict_choices(request, field, self.rule.change)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return restrict_choices(request, field, self.rule.change)


class PolicyTabularInline(PolicyInline, admin.TabularInline):
    pass


class PolicyStackedInline(PolicyInline, admin.StackedInline):
    pass


@checks.register(checks.Tags.admin)
def every_admin_has_a_rule(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """A model registered in the admin without a rule, or an admin that does not apply the rules."""
    errors: list[checks.CheckMessage] = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label not in POLICY:
            errors.append(
                checks.Error(
                    f"{label} is registered in the admin without a rule in POLICY.", id="motcua.E010"
                )
            )
        if not isinstance(model_admin, PolicyAdmin):
            errors.append(
                checks.Error(f"The admin of {label} does not derive from PolicyAdmin.", id="motcua.E011")
            )
        errors.extend(
            checks.Error(
                f"The inline {inline.__name__} of {label} does not derive from PolicyInline.",
                id="motcua.E012",
            )
            for inline in model_admin.inlines
            if not issubclass(inline, PolicyInline)
        )
    return errors
