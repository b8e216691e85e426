"""Writes for accounts: logins (password, second factor), passwords, API tokens, recovery codes, the
revocation of every credential a person holds, and accounts' own fields.

Logins are throttled by ``accounts.login_guard`` (per account and per client address, shared by every
app server). Staff and administrators (``selectors.is_privileged``) complete a login with a second
factor: a TOTP code (``accounts.totp``) or a one-time recovery code.

Who may change whose account is decided in ``organization.selectors`` (``account_refusal``,
``password_refusal``): rights come from roles, and nobody manages an account of his own rank or above.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts import login_guard, reading, totp
from accounts.authority import authority
from accounts.login_guard import LoginRefused
from accounts.models import (
    AccountEvent,
    ApiToken,
    RecoveryCode,
    SecondFactor,
    User,
    credentials_fingerprint,
    hash_token,
)
from accounts.passwords import password_problems
from accounts.selectors import can_administer_login, is_privileged, second_factor_of, token_is_active
from kernel.errors import DomainError, Forbidden, NotFound
from kernel.ratelimit import client_address
from kernel.text import nfc

TOKEN_PREFIX = "mc_"
RECOVERY_CODE_COUNT = 10
# 31 letters and digits that cannot be mistaken for one another (no i, l, o, 0, 1); 16 of them ≈ 79 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16

OTP_REQUIRED = gettext_noop(
    "Tài khoản cán bộ cần mã xác thực hai bước: gửi thêm trường otp (mã 6 chữ số trong ứng dụng xác "
    "thực, hoặc một mã khôi phục)."
)
OTP_INVALID = gettext_noop("Mã xác thực không đúng, đã hết hạn hoặc đã được dùng.")
OTP_INVALID_FEW_LEFT = gettext_noop(
    "Mã xác thực không đúng, đã hết hạn hoặc đã được dùng. Còn %(left)d lần thử trước khi tài khoản bị "
    "tạm khóa."
)
ENROLMENT_REQUIRED = gettext_noop(
    "Tài khoản cán bộ phải đăng ký xác thực hai bước trước khi lấy mã truy cập API: đăng nhập một lần "
    "trên trang web (/dang-nhap/) để đăng ký ứng dụng xác thực, rồi gửi mã của ứng dụng trong trường otp."
)
NOT_ADMINISTERED = gettext_noop("Không tìm thấy tài khoản, hoặc bạn không quản trị tài khoản này.")
PASSWORD_CHANGE_REQUIRED = gettext_noop(
    "Mật khẩu của tài khoản cán bộ chưa đạt yêu cầu (ít nhất 12 ký tự, không phổ biến, không giống tên "
    "đăng nhập): đăng nhập trên trang web (/dang-nhap/) để đặt mật khẩu mới."
)


def _address(request: HttpRequest | None) -> str:
    return client_address(request) if request is not None else ""


def _event(*, user: User, kind: str, actor: User | None, address: str = "", note: str = "") -> AccountEvent:
    return AccountEvent.objects.create(
        user=user, actor=actor, kind=kind, at=timezone.now(), address=address[:64], note=note[:300]
    )


# ---------------------------------------------------------------------------------------------------
# Logging in


class SecondStep(StrEnum):
    """What a login still needs after the password."""

    NONE = "none"  # citizens and businesses: logged in
    VERIFY = "verify"  # staff with a second factor: a code
    ENROL = "enrol"  # staff without one: enrol an authenticator app first


@dataclass(frozen=True)
class PasswordChecked:
    user: User
    second_step: SecondStep
    # Staff whose password predates the staff rules choose a new one before going on.
    password_change_required: bool


def login_password(*, request: HttpRequest | None, username: str, password: str) -> PasswordChecked:
    """The password step of a login (web and API), throttled per account and per address. A user who
    needs nothing more is *not* yet counted as logged in: the caller calls ``login_completed``."""
    attempt = login_guard.begin(address=_address(request) or "unknown", username=username)
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User) or not user.is_active:
        login_guard.failed(attempt)
    if not is_privileged(user):
        return PasswordChecked(user, SecondStep.NONE, password_change_required=False)
    step = SecondStep.VERIFY if second_factor_of(user) is not None else SecondStep.ENROL
    weak = bool(password_problems(user=user, password=password, staff=True))
    return PasswordChecked(user, step, password_change_required=weak)


def login_second_factor(*, request: HttpRequest | None, user: User, code: str) -> None:
    """The code step: a TOTP code (once per time step) or an unused recovery code. Throttled like the
    password step; the account's attempts start again from zero once it succeeds."""
    attempt = login_guard.begin(address=_address(request) or "unknown", username=user.username)
    how = _second_factor_check(user=user, code=code)
    if how is None:
        login_guard.failed(
            attempt, code="otp_invalid", template=OTP_INVALID, template_few_left=OTP_INVALID_FEW_LEFT
        )
    if how == "recovery":
        _event(
            user=user,
            kind=AccountEvent.Kind.RECOVERY_CODE_USED,
            actor=user,
            address=_address(request),
            note=f"còn {RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()} mã",
        )
    login_guard.succeeded(user.username)


def login_completed(*, user: User) -> None:
    """A login needing no second factor succeeded: the account's attempts start again from zero."""
    login_guard.succeeded(user.username)


def _second_factor_check(*, user: User, code: str, allow_recovery: bool = True) -> str | None:
    """ "totp" or "recovery" if ``code`` opens ``user``'s second factor now — using it up — else None."""
    factor = second_factor_of(user)
    if factor is None:
        return None
    cleaned = "".join(code.split()).replace("-", "").lower()
    if len(cleaned) == totp.DIGITS and cleaned.isdigit():
        step = totp.matching_step(factor.secret, cleaned, time.time(), after_step=factor.last_step)
        # The conditional update makes the step usable once even when two requests race with it.
        if step is not None and SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(
            last_step=step
        ):
            return "totp"
        return None
    if not allow_recovery or len(cleaned) != RECOVERY_LENGTH:
        return None
    found = RecoveryCode.objects.filter(
        user=user, digest=_recovery_digest(cleaned), used_at__isnull=True
    ).first()
    if found is not None and RecoveryCode.objects.filter(pk=found.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    ):
        return "recovery"
    return None


# ---------------------------------------------------------------------------------------------------
# The second factor


def _recovery_digest(cleaned: str) -> str:
    return hashlib.sha256(cleaned.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with new ones; the codes are returned only here."""
    RecoveryCode.objects.filter(user=user).delete()
    now = timezone.now()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=_recovery_digest(code), created_at=now) for code in codes
    )
    return ["-".join(code[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for code in codes]


def login_enrol(*, request: HttpRequest | None, user: User, secret: str, code: str) -> list[str]:
    """Enrol ``user``'s authenticator app: ``code`` must be the app's current code for ``secret``
    (throttled like a login). Returns the new recovery codes, to show once."""
    attempt = login_guard.begin(address=_address(request) or "unknown", username=user.username)
    step = totp.matching_step(secret, code, time.time())
    if step is None:
        login_guard.failed(
            attempt, code="otp_invalid", template=OTP_INVALID, template_few_left=OTP_INVALID_FEW_LEFT
        )
    codes = second_factor_enrol(
        actor=user, user=user, secret=secret, last_step=step, address=_address(request)
    )
    login_guard.succeeded(user.username)
    return codes


@transaction.atomic
def second_factor_enrol(
    *, actor: User | None, user: User, secret: str, last_step: int = 0, address: str = ""
) -> list[str]:
    """Record ``secret`` as ``user``'s second factor — its code checked by the caller (``actor`` is the
    person), or a loader's known secret (``actor`` None) — and return new recovery codes. A factor that
    is still usable is not replaced: that takes a reset by an administrator."""
    totp.secret_bytes(secret)  # a malformed secret fails here, before anything is written
    existing = SecondFactor.objects.select_for_update().filter(user=user).first()
    if existing is not None and second_factor_of(user) is not None:
        raise DomainError(
            "already_enrolled", gettext_noop("Tài khoản đã đăng ký xác thực hai bước."), status=409
        )
    SecondFactor.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "enrolled_at": timezone.now(), "last_step": last_step},
    )
    codes = _new_recovery_codes(user)
    _event(user=user, kind=AccountEvent.Kind.SECOND_FACTOR_ENROLLED, actor=actor, address=address)
    return codes


def recovery_codes_regenerate(*, request: HttpRequest | None, user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), against a current code of the authenticator app
    — a borrowed session alone must not yield codes. Throttled like a login."""
    if second_factor_of(user) is None:
        raise DomainError(
            "not_enrolled", gettext_noop("Tài khoản chưa đăng ký xác thực hai bước."), status=409
        )
    attempt = login_guard.begin(address=_address(request) or "unknown", username=user.username)
    if _second_factor_check(user=user, code=code, allow_recovery=False) is None:
        login_guard.failed(
            attempt, code="otp_invalid", template=OTP_INVALID, template_few_left=OTP_INVALID_FEW_LEFT
        )
    login_guard.succeeded(user.username)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _event(
            user=user,
            kind=AccountEvent.Kind.RECOVERY_CODES_GENERATED,
            actor=user,
            address=_address(request),
        )
    return codes


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User, address: str = "") -> None:
    """A higher administrator (``selectors.can_administer_login``; None: ``manage.py``) removes
    ``user``'s second factor and recovery codes — a lost phone. Every session and API token of the
    person ends; at the next login they enrol an authenticator app again."""
    if actor is not None and not can_administer_login(actor, user):
        raise NotFound(NOT_ADMINISTERED)
    SecondFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    _revoke_credentials(user)
    _event(user=user, kind=AccountEvent.Kind.SECOND_FACTOR_RESET, actor=actor, address=address)


def login_unlock(*, actor: User | None, user: User, address: str = "") -> None:
    """End ``user``'s login lock early (after guesses by someone else), for a higher administrator."""
    if actor is not None and not can_administer_login(actor, user):
        raise NotFound(NOT_ADMINISTERED)
    login_guard.unlock(user.username)
    _event(user=user, kind=AccountEvent.Kind.UNLOCKED, actor=actor, address=address)


# ---------------------------------------------------------------------------------------------------
# Passwords, deactivation, revoking every credential


def _revoke_credentials(user: User) -> int:
    """End every session and API token of ``user``: a new security stamp changes the hash Django checks
    on each session request (``User.get_session_auth_hash``) and the one bound into each token."""
    user.security_stamp = secrets.token_hex(16)
    User.objects.filter(pk=user.pk).update(security_stamp=user.security_stamp)
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def credentials_revoke(*, user: User, actor: User, address: str = "") -> int:
    """ "Log out everywhere": the person (or a higher administrator) ends every session and API token;
    the caller keeps its own session with ``update_session_auth_hash``. Returns the tokens revoked."""
    if actor.pk != user.pk and not can_administer_login(actor, user):
        raise NotFound(NOT_ADMINISTERED)
    revoked = _revoke_credentials(user)
    _event(user=user, kind=AccountEvent.Kind.TOKENS_REVOKED, actor=actor, address=address)
    return revoked


def password_change(*, request: HttpRequest | None, user: User, old_password: str, new_password: str) -> None:
    """The person changes their own password. The current password is checked with the login's
    throttle (a borrowed session must not become a way to guess it); every other session and every API
    token ends — the caller keeps its own session with ``update_session_auth_hash``."""
    attempt = login_guard.begin(address=_address(request) or "unknown", username=user.username)
    if not user.check_password(old_password):
        try:
            login_guard.failed(attempt)
        except LoginRefused as exc:
            raise DomainError(
                "wrong_password",
                gettext_noop("Mật khẩu hiện tại không đúng."),
                fields={"old_password": ["Không đúng."]},
            ) from exc
    login_guard.succeeded(user.username)
    password_set(actor=user, user=user, password=new_password, address=_address(request))


@transaction.atomic
def password_set(*, actor: User | None, user: User, password: str | None, address: str = "") -> None:
    """Set ``user``'s password — the one place a password changes after the account is created: by the
    person (``actor`` is ``user``; their current password checked by ``password_change``), by whoever
    ``organization.selectors.password_refusal`` allows (another administrator's: a superuser only), or by
    ``manage.py`` (None). ``None`` turns password logins off. The rules of ``accounts.passwords`` apply;
    every session and API token of the person ends."""
    if actor is not None and actor.pk != user.pk and (why := authority().password_refusal(actor, user)):
        raise Forbidden(why)
    if password is None:
        user.set_unusable_password()
    else:
        if user.check_password(password):
            raise DomainError(
                "same_password",
                gettext_noop("Mật khẩu mới phải khác mật khẩu hiện tại."),
                fields={"new_password": [gettext_noop("Phải khác mật khẩu hiện tại.")]},
            )
        if problems := password_problems(user=user, password=password):
            raise DomainError(
                "weak_password", gettext_noop("Mật khẩu chưa đạt yêu cầu."), fields={"new_password": problems}
            )
        user.set_password(password)
    user.save(update_fields=["password"])
    _revoke_credentials(user)
    kind = AccountEvent.Kind.PASSWORD_CHANGED if actor == user else AccountEvent.Kind.PASSWORD_SET
    _event(user=user, kind=kind, actor=actor, address=address)


@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool, address: str = "") -> None:
    """Deactivate (or reactivate) a login, for a higher administrator (None: ``manage.py``). A
    deactivated person's sessions and API tokens end for good: reactivating does not revive them."""
    if actor is not None and not can_administer_login(actor, user):
        raise NotFound(NOT_ADMINISTERED)
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _revoke_credentials(user)
        _event(user=user, kind=AccountEvent.Kind.DEACTIVATED, actor=actor, address=address)


# ---------------------------------------------------------------------------------------------------
# API tokens


def token_issue(
    *, request: HttpRequest | None, username: str, password: str, otp: str | None = None
) -> tuple[str, ApiToken]:
    """Check the credentials — and, for staff, the second factor — and issue a new bearer token; the raw
    token is returned only here."""
    checked = login_password(request=request, username=username, password=password)
    user = checked.user
    if checked.second_step == SecondStep.NONE:
        login_completed(user=user)
        return token_create(user=user)
    if checked.password_change_required:
        raise LoginRefused("password_change_required", PASSWORD_CHANGE_REQUIRED, status=403)
    if checked.second_step == SecondStep.ENROL:
        raise LoginRefused("second_factor_enrolment_required", ENROLMENT_REQUIRED, status=403)
    if not (otp or "").strip():
        raise LoginRefused("otp_required", OTP_REQUIRED)
    login_second_factor(request=request, user=user, code=otp or "")
    return token_create(user=user)


def token_create(*, user: User, days: int | None = None) -> tuple[str, ApiToken]:
    """A new bearer token for ``user``, bound to their current password and security stamp; only its
    digest is stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=hash_token(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 5],
        fingerprint=credentials_fingerprint(user.get_session_auth_hash()),
        expires_at=timezone.now()
        + timedelta(days=days if days is not None else settings.MOTCUA_API_TOKEN_DAYS),
    )
    return raw, token


def token_current(raw: str) -> ApiToken | None:
    """The live token ``raw`` is (``selectors.token_is_active``), or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    # The user, and what the apps above read with him (accounts.reading), in the same statement.
    tokens = reading.annotated("token", lambda: ApiToken.objects.select_related("user"), "user_id")
    token = tokens.filter(digest=hash_token(raw)).first()
    if token is None or not token_is_active(token):
        return None
    reading.keep(token, token.user)
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The live token ``raw`` is (see ``token_current``), its last use noted."""
    token = token_current(raw)
    if token is None:
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: no write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_user(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None if unknown, expired or revoked."""
    token = token_authenticate(raw)
    return token.user if token is not None else None


@transaction.atomic
def token_revoke(*, user: User, raw: str) -> None:
    ApiToken.objects.filter(user=user, digest=hash_token(raw), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def token_revoke_own(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``user``'s own tokens (someone else's answers like an unknown one)."""
    if token.user_id != user.pk:
        raise NotFound("Không tìm thấy mã truy cập.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _password_errors(password: str, user: User) -> DomainError | None:
    if problems := password_problems(user=user, password=password):
        return DomainError(
            "weak_password", gettext_noop("Mật khẩu chưa đạt yêu cầu."), fields={"password": problems}
        )
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
    return authority().account_refusal(actor, user)


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
    the password with ``password_set`` / ``password_change``."""
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
    if changes.get("is_active") is False:
        # A deactivated person's sessions and tokens end for good (reactivating does not revive them).
        _revoke_credentials(user)
        _event(user=user, kind=AccountEvent.Kind.DEACTIVATED, actor=actor)
    return user


def user_set_password(
    *,
    actor: User | None,
    user: User,
    password: str | None,
    old_password: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """The admin's way to a password: one's own with the current one (``password_change``), another
    person's by the authority ``password_set`` checks; ``None`` turns password logins off. Returns the
    account as saved (new password hash and security stamp, for the session to keep up)."""
    if actor is not None and actor.pk == user.pk:
        if password is None:
            raise Forbidden(gettext_noop("Bạn không thể tắt đăng nhập bằng mật khẩu của chính mình."))
        password_change(request=request, user=user, old_password=old_password or "", new_password=password)
    else:
        password_set(actor=actor, user=user, password=password, address=_address(request))
    return user
