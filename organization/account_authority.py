"""The rule of who manages whose account, from roles: what ``accounts.authority`` asks
(``organization.selectors``: a superuser over everyone else, a province administrator over the staff of
his province below his rank, an agency administrator over the ordinary staff of his agency)."""

from __future__ import annotations

from accounts.models import User
from organization.selectors import (
    ADMIN_ROLES,
    account_refusal,
    active_memberships,
    admin_reach,
    password_refusal,
)


class RoleAuthority:
    # The active memberships are read once per request (organization.selectors.active_memberships).
    def holds_role(self, user: User) -> bool:
        return bool(active_memberships(user))

    def administers_accounts(self, actor: User) -> bool:
        return any(m.role in ADMIN_ROLES for m in active_memberships(actor))

    def account_refusal(self, actor: User, user: User) -> str | None:
        return account_refusal(admin_reach(actor), user)

    def password_refusal(self, actor: User, user: User) -> str | None:
        return password_refusal(admin_reach(actor), user)
