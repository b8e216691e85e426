"""Protected reads of the organisation, and the one place that says which agencies a user's roles reach.

Deny by default: a user sees an agency's protected data only through an active membership whose
role grants the capability (docs/adr/0003-roles-and-scopes.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet, signals

from accounts.models import Applicant, User
from kernel.errors import DomainError, Forbidden, NotFound
from kernel.generations import bump_on, current
from kernel.jsonrows import instances, json_rows, own_fields
from kernel.memo import forget, keep, remember
from kernel.text import fold
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
    # Administrators manage accounts, roles and settings, not dossiers: their roles open none, nor the
    # applicants' files and data (ADR 0003). The monitor reads every dossier of the province.
    "dossiers.view": frozenset(
        {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.MONITOR}
    ),
}
DOSSIER_ROLES = CAPABILITIES["dossiers.view"]


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

    def __or__(self, other: Scope) -> Scope:
        if self.everything or other.everything:
            return Scope(everything=True, agency_ids=frozenset())
        agency_ids = self.agency_ids | other.agency_ids
        province_ids = self.province_ids | other.province_ids
        whole = (self.agency_ids - self.local_ids) | (other.agency_ids - other.local_ids)
        return Scope(
            everything=False,
            agency_ids=agency_ids,
            province_ids=province_ids,
            local_ids=frozenset(agency_ids - whole),
        )


NOTHING = Scope(everything=False, agency_ids=frozenset())
EVERYTHING = Scope(everything=True, agency_ids=frozenset())


AGENCY_TREE = "organization.agency_tree"


def _children() -> dict[int, tuple[int, ...]]:
    """The agency tree (parent id → child ids), read in one query and kept while no agency is written
    (kernel.generations)."""

    def read() -> dict[int, tuple[int, ...]]:
        tree: dict[int, list[int]] = {}
        for pk, parent_id in Agency.objects.filter(parent_id__isnull=False).values_list("pk", "parent_id"):
            tree.setdefault(parent_id, []).append(pk)
        return {parent: tuple(children) for parent, children in tree.items()}

    return current(AGENCY_TREE, read)


def agency_subtree(root_ids: Iterable[int]) -> set[int]:
    """The agencies and every agency below them (divisions of a department, and so on)."""
    found = set(root_ids)
    if not found:
        return found
    children = _children()
    frontier = set(found)
    while frontier:
        frontier = {child for parent in frontier for child in children.get(parent, ())} - found
        found |= frontier
    return found


def agency_ancestors(agency_id: int) -> list[int]:
    """The agency and the agencies above it, nearest first: a member of a unit acts for every agency
    it is inside. From the agency tree (``_children``), not one query per level."""
    parents = remember(
        "organization.agency_parents",
        lambda: {child: parent for parent, children in _children().items() for child in children},
    )
    chain: list[int] = []
    current: int | None = agency_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def active_memberships(user: User) -> tuple[Membership, ...]:
    """The user's active memberships with their agencies, read once per request (kernel.memo) — or
    with the user (``with_memberships``: at authentication, ``MembershipReader``)."""
    return remember(
        ("organization.memberships", user.pk),
        lambda: tuple(
            Membership.objects.filter(user_id=user.pk, is_active=True).select_related("agency").order_by("pk")
        ),
    )


def holds_roles(user: User) -> bool:
    """Whether ``user`` holds a role at some agency, active or not (the pages' menu offers him the
    workspace): the active memberships held for the request answer without a query when there are."""
    return bool(active_memberships(user)) or Membership.objects.filter(user_id=user.pk).exists()


_MEMBERSHIP_FIELDS = (*own_fields(Membership), *(f"agency__{name}" for name in own_fields(Agency)))


def with_memberships(queryset: QuerySet[Any], user: str = "pk") -> QuerySet[Any]:
    """``queryset`` with each row's user's active memberships and their agencies, in the same
    statement (kernel.jsonrows); ``keep_memberships`` keeps them for the request."""
    active = Membership.objects.filter(is_active=True)
    return queryset.annotate(_json_memberships=json_rows(active, "user", _MEMBERSHIP_FIELDS, outer=user))


def keep_memberships(row: Any, user: User) -> None:
    """What ``with_memberships`` read on ``row``, kept as the request's ``active_memberships(user)``."""
    if "_json_memberships" not in row.__dict__:
        return
    found = instances(Membership, row.__dict__.pop("_json_memberships"), row._state.db or "default")
    keep(("organization.memberships", user.pk), tuple(sorted(found, key=lambda m: m.pk)))


class MembershipReader:
    """The memberships read with the user at authentication (accounts.reading)."""

    def annotate(self, queryset: QuerySet[Any], user: str) -> QuerySet[Any]:
        return with_memberships(queryset, user)

    def keep(self, row: Any, user: User) -> None:
        keep_memberships(row, user)

    def shape(self) -> tuple[str, ...]:
        return ("_json_memberships",)


def forget_on_change(**kwargs: object) -> None:
    """A membership or an agency written in this request: what the request remembered is stale."""
    forget()


for _model in (Agency, Membership):
    signals.post_save.connect(forget_on_change, sender=_model, dispatch_uid=f"memo.{_model.__name__}.save")
    signals.post_delete.connect(
        forget_on_change, sender=_model, dispatch_uid=f"memo.{_model.__name__}.delete"
    )
# After the memo's: a request that writes an agency goes on under the tree's new generation.
bump_on(AGENCY_TREE, Agency)


def user_scope(user: User | AnonymousUser, roles: Iterable[Role] | None = None) -> Scope:
    """Agencies ``user`` reaches through ``roles`` (any role when None). Superusers reach all."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True, agency_ids=frozenset())
    assert isinstance(user, User)
    wanted = None if roles is None else frozenset(roles)
    return remember(("organization.user_scope", user.pk, wanted), lambda: _scope(user, wanted))


def _scope(user: User, roles: frozenset[Role] | None) -> Scope:
    province_ids: set[int] = set()
    roots: set[int] = set()
    for membership in active_memberships(user):
        if not membership.agency.is_active or (roles is not None and membership.role not in roles):
            continue
        if membership.role in PROVINCE_WIDE_ROLES:
            province_ids.add(membership.agency.province_id)
        else:
            roots.add(membership.agency_id)
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


# --- Administrative authority: who may manage which accounts and roles (docs/adr/0007) ---------------


class Authority(IntEnum):
    """How far someone's administrative roles reach over an agency or over another person's account."""

    NONE = 0
    AGENCY = 1  # agency administrator: his agency and the agencies below it
    PROVINCE = 2  # province administrator: every agency of his province
    SYSTEM = 3  # superuser


# The authority a role gives its holder over the province: nobody manages a holder of a rank equal to
# or above his own, and granting or revoking a role needs one level above its rank, so nobody appoints
# a peer. The monitor is no administrator but reads every dossier of the province: an agency
# administrator who could reset a monitor's password would read the whole province through him.
ROLE_RANK: dict[str, Authority] = {
    Role.PROVINCE_ADMIN: Authority.PROVINCE,
    Role.AGENCY_ADMIN: Authority.AGENCY,
    Role.MONITOR: Authority.AGENCY,
}
# Roles that make their holder an administrator (the admin site opens for them).
ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.AGENCY_ADMIN})

_GRANT_REFUSALS = {
    Authority.PROVINCE: "Chỉ quản trị hệ thống mới được giao hoặc thu hồi vai trò Quản trị tỉnh.",
    Authority.AGENCY: "Chỉ quản trị cấp tỉnh mới được giao hoặc thu hồi vai trò này.",
}


def role_rank(role: str) -> Authority:
    return ROLE_RANK.get(role, Authority.NONE)


@dataclass(frozen=True)
class AdminReach:
    """Where a person's administrative roles reach: computed once per request by the admin."""

    user_id: int | None
    superuser: bool
    province: Scope  # through active province-admin memberships
    agency: Scope  # through active agency-admin memberships

    @property
    def top(self) -> Authority:
        """The highest authority held anywhere: what the admin offers at all."""
        if self.superuser:
            return Authority.SYSTEM
        if self.province.agency_ids:
            return Authority.PROVINCE
        if self.agency.agency_ids:
            return Authority.AGENCY
        return Authority.NONE

    def at(self, agency: Agency | int) -> Authority:
        """The authority held over one agency."""
        if self.superuser:
            return Authority.SYSTEM
        if self.province.allows(agency):
            return Authority.PROVINCE
        if self.agency.allows(agency):
            return Authority.AGENCY
        return Authority.NONE

    def scope(self, at_least: Authority) -> Scope:
        """The agencies over which this person holds at least ``at_least``."""
        if self.superuser:
            return EVERYTHING
        if at_least >= Authority.SYSTEM:
            return NOTHING
        if at_least == Authority.PROVINCE:
            return self.province
        return self.province | self.agency


# System loaders (``actor=None`` in the services) act with every authority.
SYSTEM_REACH = AdminReach(user_id=None, superuser=True, province=EVERYTHING, agency=EVERYTHING)


def admin_reach(user: User | AnonymousUser) -> AdminReach:
    if not user.is_authenticated or not user.is_active:
        return AdminReach(user_id=None, superuser=False, province=NOTHING, agency=NOTHING)
    if user.is_superuser:
        return AdminReach(user_id=user.pk, superuser=True, province=EVERYTHING, agency=EVERYTHING)
    # From the memberships held for the request (read with the user at authentication): most people
    # hold no administrator role, and the admin and its link stay shut without a query.
    held = {m.role for m in active_memberships(user) if m.agency.is_active and m.role in ADMIN_ROLES}
    return AdminReach(
        user_id=user.pk,
        superuser=False,
        province=user_scope(user, [Role.PROVINCE_ADMIN]) if Role.PROVINCE_ADMIN in held else NOTHING,
        agency=user_scope(user, [Role.AGENCY_ADMIN]) if Role.AGENCY_ADMIN in held else NOTHING,
    )


def account_rank(user: User) -> Authority:
    """What managing this account takes: the rank of its highest role, active or not (a revoked
    role can be restored by its own administrator, so it still counts), SYSTEM for a superuser."""
    if user.is_superuser:
        return Authority.SYSTEM
    roles = set(Membership.objects.filter(user_id=user.pk).values_list("role", flat=True))
    return max((role_rank(role) for role in roles), default=Authority.NONE)


def account_refusal(reach: AdminReach, user: User) -> str | None:
    """Why ``reach`` may not manage another person's account (profile, activity, roles), or None."""
    if reach.superuser:
        return None
    if user.is_superuser:
        return "Chỉ quản trị hệ thống mới quản lý được tài khoản quản trị hệ thống."
    if Applicant.objects.filter(user_id=user.pk).exists():
        return "Đây là tài khoản của người nộp hồ sơ: chỉ quản trị hệ thống mới quản lý được."
    agency_ids = set(Membership.objects.filter(user_id=user.pk).values_list("agency_id", flat=True))
    if not agency_ids:
        return "Tài khoản này chưa có vai trò ở cơ quan nào: chỉ quản trị hệ thống mới quản lý được."
    authority = min(reach.at(agency_id) for agency_id in agency_ids)
    if authority == Authority.NONE:
        return "Người này còn có vai trò ở cơ quan ngoài phạm vi quản lý của bạn."
    if account_rank(user) >= authority:
        return "Người này giữ vai trò quản trị hoặc kiểm soát ngang hoặc cao hơn quyền của bạn."
    return None


def password_refusal(reach: AdminReach, user: User) -> str | None:
    """Why ``reach`` may not set ``user``'s password, or None. One's own password is changed with the
    current one (the admin's "change password" page), never set by this route."""
    if user.pk == reach.user_id:
        return "Hãy đổi mật khẩu của chính bạn ở trang “Đổi mật khẩu” (cần mật khẩu hiện tại)."
    if reach.superuser:
        return None
    if why := account_refusal(reach, user):
        return why
    if Membership.objects.filter(user_id=user.pk, role__in=list(ADMIN_ROLES)).exists():
        return "Chỉ quản trị hệ thống mới được đặt mật khẩu của người quản trị khác."
    return None


def membership_refusal(
    reach: AdminReach, *, user: User, agency: Agency, role: str, new_account: bool = False
) -> DomainError | None:
    """Why ``reach`` may not give ``user`` the ``role`` in ``agency`` or take it away, or None.

    The same rule for both directions: the agency within reach, the role below the actor's authority
    there, the account his to manage (a brand-new account created in the same action is).
    """
    if role not in Role.values:
        return DomainError(
            "invalid_role", f"Vai trò không hợp lệ: {role}.", fields={"role": ["Không hợp lệ."]}
        )
    if reach.superuser:
        return None
    authority = reach.at(agency)
    if authority == Authority.NONE:
        return NotFound("Không tìm thấy cơ quan.")
    if user.pk is not None and user.pk == reach.user_id:
        return Forbidden("Bạn không thể tự giao hoặc thu hồi vai trò của chính mình.")
    if authority <= role_rank(role):
        return Forbidden(_GRANT_REFUSALS[role_rank(role)])
    if not new_account and (why := account_refusal(reach, user)):
        return Forbidden(why)
    return None


def visible_users(reach: AdminReach) -> QuerySet[User]:
    """The accounts an administrator sees: the people with a role in an agency within his reach."""
    users = User.objects.all()
    if reach.superuser:
        return users
    scope = reach.scope(Authority.AGENCY)
    members = Membership.objects.filter(agency_id__in=scope.agency_ids).values("user_id")
    return users.filter(pk__in=members)
