"""Protected reads of the organisation, and the one place that says which agencies a user's roles reach.

Deny by default: a user sees an agency's protected data only through an active membership whose
role grants the capability (docs/adr/0003-roles-and-scopes.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from accounts.models import User
from motcua.errors import NotFound
from motcua.text import fold
from organization.models import Agency, Membership, Role

# Roles whose reach is the whole province of the agency they belong to.
PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.MONITOR})

# Capability → roles that grant it over their scope.
CAPABILITIES: dict[str, frozenset[Role]] = {
    "members.view": frozenset({Role.AGENCY_ADMIN, Role.LEADER, Role.PROVINCE_ADMIN, Role.MONITOR}),
    "members.manage": frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN}),
    "workflow.manage": frozenset({Role.AGENCY_ADMIN, Role.PROVINCE_ADMIN}),
    "catalog.manage": frozenset({Role.PROVINCE_ADMIN}),
    "calendar.manage": frozenset({Role.PROVINCE_ADMIN}),
    "staff.view": frozenset(Role),
}


@dataclass(frozen=True)
class Scope:
    """The agencies a user reaches through some roles: every agency, or a set of ids."""

    everything: bool
    agency_ids: frozenset[int]
    # Provinces reached whole (monitor, province admin): their agencies are also in ``agency_ids``;
    # queries over many rows filter by province instead of listing hundreds of agencies.
    province_ids: frozenset[int] = frozenset()
    # Agencies reached one by one (``agency_ids`` minus those of ``province_ids``).
    local_ids: frozenset[int] = frozenset()

    def allows(self, agency: Agency | int) -> bool:
        agency_id = agency if isinstance(agency, int) else agency.pk
        return self.everything or agency_id in self.agency_ids

    def filter(self, queryset: QuerySet, field: str = "pk") -> QuerySet:
        return queryset if self.everything else queryset.filter(**{f"{field}__in": self.agency_ids})


NOTHING = Scope(everything=False, agency_ids=frozenset())


def agency_subtree(root_ids: Iterable[int]) -> set[int]:
    """The agencies and every agency below them (divisions of a department, and so on)."""
    found = set(root_ids)
    frontier = set(found)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def user_scope(user: User | AnonymousUser, roles: Iterable[Role] | None = None) -> Scope:
    """Agencies ``user`` reaches through ``roles`` (any role when None). Superusers reach all."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True, agency_ids=frozenset())
    memberships = Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    province_ids: set[int] = set()
    roots: set[int] = set()
    for role, agency_id, province_id in memberships.values_list("role", "agency_id", "agency__province_id"):
        if role in PROVINCE_WIDE_ROLES:
            province_ids.add(province_id)
        else:
            roots.add(agency_id)
    local = agency_subtree(roots)
    whole = (
        set(Agency.objects.filter(province_id__in=province_ids).values_list("pk", flat=True))
        if province_ids
        else set()
    )
    return Scope(
        everything=False,
        agency_ids=frozenset(local | whole),
        province_ids=frozenset(province_ids),
        local_ids=frozenset(local - whole),
    )


def user_can(user: User | AnonymousUser, capability: str, agency: Agency | int) -> bool:
    return user_scope(user, CAPABILITIES[capability]).allows(agency)


def user_roles(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("agency")
        .order_by("agency__code", "role")
    )


def agency_list(
    *,
    level: str | None = None,
    unit: str | None = None,
    kind: str | None = None,
    parent: str | None = None,
    q: str | None = None,
) -> QuerySet[Agency]:
    """Public list of active agencies, filtered. ``unit`` matches the agency's commune or province."""
    agencies = Agency.objects.filter(is_active=True).select_related("unit", "parent", "province")
    if level:
        agencies = agencies.filter(level=level)
    if kind:
        agencies = agencies.filter(kind=kind)
    if unit:
        agencies = agencies.filter(Q(unit__code=unit) | Q(province__code=unit))
    if parent:
        agencies = agencies.filter(parent__code=parent)
    if q:
        agencies = agencies.filter(Q(name_folded__contains=fold(q)) | Q(code__iexact=q.strip()))
    return agencies.order_by("level", "code")


def agency_members(*, user: User, agency_code: str) -> QuerySet[Membership]:
    """The members of an agency, for those allowed to see them; "not yours" answers like "not found"."""
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None or not user_can(user, "members.view", agency):
        raise NotFound("Không tìm thấy cơ quan.")
    return (
        Membership.objects.filter(agency=agency)
        .select_related("user", "agency")
        .order_by("user__username", "role")
    )
