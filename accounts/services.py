"""Writes for accounts: API tokens, applicant profiles, and accounts' own fields and passwords.

Who may change whose account is decided in ``organization.selectors`` (``account_refusal``,
``password_refusal``): rights come from roles, and nobody manages an account of his own rank or above.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, User, hash_token
from motcua.errors import DomainError, Forbidden
from motcua.text import nfc
from organization.selectors import account_refusal, admin_reach, password_refusal

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


def _password_errors(password: str, user: User) -> DomainError | None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return DomainError("weak_password", "Mật khẩu chưa đủ mạnh.", fields={"password": list(exc.messages)})
    return None


def _username_taken(username: str, user: User | None = None) -> DomainError | None:
    taken = User.objects.filter(username__iexact=username)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        return DomainError(
            "username_taken",
            "Tên đăng nhập đã được sử dụng.",
            status=409,
            fields={"username": ["Đã tồn tại."]},
        )
    return None


@transaction.atomic
def user_create(*, actor: User, username: str, password: str, full_name: str = "", email: str = "") -> User:
    """An account without any role (for a superuser to make an administrator of, or a citizen's).
    Administrators create staff accounts with ``organization.services.staff_user_create``, which gives
    the first role in the same step."""
    if not actor.is_superuser:
        raise Forbidden("Chỉ quản trị hệ thống mới tạo được tài khoản không thuộc cơ quan nào.")
    username = username.strip()
    if not username:
        raise DomainError("username_required", "Cần tên đăng nhập.", fields={"username": ["Bắt buộc nhập."]})
    if error := _username_taken(username):
        raise error
    user = User(username=username, full_name=nfc(full_name).strip(), email=email.strip())
    if error := _password_errors(password, user):
        raise error
    user.set_password(password)
    user.save()
    return user


# What an account's owner may change himself; the rest of the account is managed by others.
OWN_FIELDS = frozenset({"full_name", "first_name", "last_name", "email", "phone"})
SUPERUSER_FIELDS = frozenset({"username", "is_superuser"})


def user_update_refusal(*, actor: User, user: User, fields: set[str]) -> str | None:
    """Why ``actor`` may not change these ``fields`` of ``user``'s account, or None."""
    if not fields:
        return None
    if user.pk == actor.pk:
        if fields <= OWN_FIELDS or (actor.is_superuser and fields <= OWN_FIELDS | {"username"}):
            return None
        return "Bạn không thể tự cấp, bỏ quyền hay khóa tài khoản của chính mình."
    if fields & SUPERUSER_FIELDS and not actor.is_superuser:
        return "Chỉ quản trị hệ thống mới được đổi tên đăng nhập hoặc cấp, bỏ quyền quản trị hệ thống."
    return account_refusal(admin_reach(actor), user)


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    username: str | None = None,
    full_name: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Change an account's own fields (None: unchanged). Roles are changed with the membership services,
    the password with ``user_set_password``."""
    user = User.objects.select_for_update().get(pk=user.pk)
    wanted: dict[str, object] = {
        "username": username.strip() if username is not None else None,
        "full_name": nfc(full_name).strip() if full_name is not None else None,
        "first_name": nfc(first_name).strip() if first_name is not None else None,
        "last_name": nfc(last_name).strip() if last_name is not None else None,
        "email": email.strip() if email is not None else None,
        "phone": phone.strip() if phone is not None else None,
        "is_active": is_active,
        "is_superuser": is_superuser,
    }
    changes = {
        name: value for name, value in wanted.items() if value is not None and value != getattr(user, name)
    }
    if why := user_update_refusal(actor=actor, user=user, fields=set(changes)):
        raise Forbidden(why)
    if "username" in changes:
        if not changes["username"]:
            raise DomainError(
                "username_required", "Cần tên đăng nhập.", fields={"username": ["Bắt buộc nhập."]}
            )
        if error := _username_taken(str(changes["username"]), user):
            raise error
    if changes.get("email"):
        try:
            validate_email(str(changes["email"]))
        except ValidationError as exc:
            raise DomainError(
                "invalid_email", "Thư điện tử không hợp lệ.", fields={"email": list(exc.messages)}
            ) from exc
    if not changes:
        return user
    for name, value in changes.items():
        setattr(user, name, value)
    user.save(update_fields=list(changes))
    return user


@transaction.atomic
def user_set_password(
    *, actor: User | None, user: User, password: str | None, old_password: str | None = None
) -> User:
    """Set ``user``'s password; ``None`` turns password logins off for the account.

    The one place a password changes after the account is created: whatever must follow a change
    belongs here. One's own password needs the current one (``old_password``); another person's needs
    authority over the account and, for another administrator's, a superuser (``password_refusal``).
    ``actor`` None means a system command.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and actor.pk == user.pk:
        if old_password is None or not user.check_password(old_password):
            raise Forbidden("Mật khẩu hiện tại không đúng.")
    elif actor is not None and (why := password_refusal(admin_reach(actor), user)):
        raise Forbidden(why)
    if password is None:
        user.set_unusable_password()
    else:
        if error := _password_errors(password, user):
            raise error
        user.set_password(password)
    user.save(update_fields=["password"])
    return user
