"""Writes for accounts: API tokens and applicant profiles."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, User, hash_token
from motcua.errors import DomainError

TOKEN_PREFIX = "mc_"


def token_issue(*, request: HttpRequest | None, username: str, password: str) -> tuple[str, ApiToken]:
    """Check the credentials and issue a new bearer token; the raw token is returned only here."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise DomainError("invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.", status=401)
    assert isinstance(user, User)
    return token_create(user=user)


def token_create(*, user: User, days: int | None = None) -> tuple[str, ApiToken]:
    """A new bearer token for ``user``; only its digest is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=hash_token(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 5],
        expires_at=timezone.now()
        + timedelta(days=days if days is not None else settings.MOTCUA_API_TOKEN_DAYS),
    )
    return raw, token


def token_user(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None if unknown, expired or revoked."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # Touch last_used at most once a minute: no write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, user: User, raw: str) -> None:
    ApiToken.objects.filter(user=user, digest=hash_token(raw), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
