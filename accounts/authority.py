"""Who may manage whose account — asked here, decided above.

Rights come from roles (docs/adr/0007), and roles belong to ``organization``, a layer above accounts
(motcua/tests/test_layers.py). So accounts does not look roles up itself: ``organization`` plugs its
rule in when the project starts (``OrganizationConfig.ready``) and accounts asks through the functions
below. A project without it is misconfigured, and says so rather than guessing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from accounts.models import User


class Authority(Protocol):
    def holds_role(self, user: User) -> bool:
        """Whether ``user`` holds an active role in an agency (staff)."""

    def administers_accounts(self, actor: User) -> bool:
        """Whether ``actor`` holds an administrator's role at all."""

    def account_refusal(self, actor: User, user: User) -> str | None:
        """Why ``actor`` may not manage ``user``'s account (profile, activity, roles, login), or None."""

    def password_refusal(self, actor: User, user: User) -> str | None:
        """Why ``actor`` may not set ``user``'s password, or None."""


_authority: Authority | None = None


def install(authority: Authority) -> None:
    global _authority
    _authority = authority


def authority() -> Authority:
    if _authority is None:
        raise ImproperlyConfigured("No account authority installed: add 'organization' to INSTALLED_APPS.")
    return _authority
