"""The rule of who manages whose account, from roles: what ``accounts.authority`` asks
(``organization.selectors``: a superuser over everyone else, a province administrator over the staff of
his province below his rank, an agency administrator over the ordinary staff of his agency)."""

from __future__ import annotations

from accounts.models import User
from organization.models import Membership
from organization.selectors import ADMIN_ROLES, account_refusal, admin_reach, password_refusal


class RoleAuthority:
    def holds_role(self, user: User) -> bool:
        return Membership.objects.filter(user_id=user.pk, is_active=True).exists()

    def administers_accounts(self, actor: User) -> bool:
        return Membership.objects.filter(
            user_id=actor.pk, is_active=True, role__in=list(ADMIN_ROLES)
        ).exists()

    def account_refusal(self, actor: User, user: User) -> str | None:
        return account_refusal(admin_reach(actor), user)

    def password_refusal(self, actor: User, user: User) -> str | None:
        return password_refusal(admin_reach(actor), user)
