"""Login throttle and lockout, for the web login and ``POST /api/v1/auth/token`` alike, counted in the
counters every app server shares (``kernel.ratelimit``: Redis with ``REDIS_URL``, else the database).

Two counters guard a login:

- per client address (``MOTCUA_LOGIN_RATE``, e.g. ``60/h``): failed attempts — a wrong password or a
  wrong code — from one address; once reached, that address is refused until its window ends. The
  address is the socket's unless ``MOTCUA_TRUSTED_PROXIES`` says otherwise, so a made-up
  ``X-Forwarded-For`` does not give a fresh allowance. Only failures count: a service centre's officers
  behind one address do not block each other by logging in.
- per account (``MOTCUA_LOGIN_LOCKOUT_FAILURES`` attempts within ``MOTCUA_LOGIN_LOCKOUT_MINUTES``):
  every attempt counts *before* the password is checked and a full success (password and, for staff,
  the second factor) resets the count. So a hundred guesses sent at once cannot all be checked: only
  the first N are, the rest are refused unread. The Nth failure locks the account for
  ``MOTCUA_LOGIN_LOCKOUT_MINUTES``; while locked it refuses even the right password.

An unknown username counts and locks exactly like a real one, and every refusal reads the same for
both, so neither the messages nor the lockout tell whether an account exists. (Anyone can lock an
account for a while by guessing at it: the price of a lockout; an administrator unlocks it early,
``accounts.services.login_unlock``.)
"""

from __future__ import annotations

import math
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from kernel import ratelimit
from kernel.errors import DomainError, TooManyRequests
from kernel.ratelimit import Limit


class LoginRefused(DomainError):
    """A login refused with a message made of ``template`` (a Vietnamese message id) and ``params``;
    the API shows it in Vietnamese, pages translate ``template`` first."""

    def __init__(self, code: str, template: str, params: dict[str, object] | None = None, status: int = 401):
        self.template = template
        self.params = params or {}
        super().__init__(code, template % self.params if self.params else template, status=status)


class LoginThrottled(TooManyRequests):
    """Too many failures from this address, or the account is locked: 429 with ``Retry-After``."""

    def __init__(self, code: str, template: str, resets_at: int) -> None:
        retry_after = max(1, resets_at - int(time.time()))
        until = timezone.localtime(datetime.fromtimestamp(resets_at, UTC))
        self.template = template
        self.params: dict[str, object] = {"time": f"{until:%H:%M}", "minutes": math.ceil(retry_after / 60)}
        super().__init__(code, template % self.params, retry_after=retry_after)


INVALID_CREDENTIALS = gettext_noop("Tên đăng nhập hoặc mật khẩu không đúng.")
ATTEMPTS_LEFT = gettext_noop(
    "Tên đăng nhập hoặc mật khẩu không đúng. Còn %(left)d lần thử trước khi tài khoản bị tạm khóa."
)
ACCOUNT_LOCKED = gettext_noop(
    "Tài khoản tạm thời bị khóa vì đăng nhập sai nhiều lần. Vui lòng thử lại sau %(time)s "
    "(khoảng %(minutes)d phút nữa), hoặc đề nghị quản trị mở khóa."
)
ADDRESS_BLOCKED = gettext_noop(
    "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng của bạn. Vui lòng thử lại sau %(time)s "
    "(khoảng %(minutes)d phút nữa)."
)
# Warn when this few attempts are left before the lock.
WARN_WHEN_LEFT = 3


@dataclass(frozen=True)
class Attempt:
    """One counted login attempt: on which account key, from which address, its number since the
    account's last success."""

    account: str
    address: str
    number: int


def _address_limit() -> Limit:
    return Limit.parse("login-address", settings.MOTCUA_LOGIN_RATE)


def _account_limit() -> Limit:
    return Limit(
        "login-account", settings.MOTCUA_LOGIN_LOCKOUT_FAILURES, settings.MOTCUA_LOGIN_LOCKOUT_MINUTES * 60
    )


def _lock_limit() -> Limit:
    return Limit("login-lock", 1, settings.MOTCUA_LOGIN_LOCKOUT_MINUTES * 60)


def account_key(username: str) -> str:
    """One counter for every spelling of a username (case, Unicode forms, spaces around it)."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def locked_until(username: str) -> int | None:
    """When the account's lock ends (epoch seconds), or None if it is not locked."""
    return _locked_until(account_key(username))


def _locked_until(key: str) -> int | None:
    lock = ratelimit.peek(_lock_limit(), key)
    return lock.resets_at if lock.value > 0 else None


def begin(*, address: str, username: str) -> Attempt:
    """Before a password or a code is checked: refuse a blocked address or a locked account, and count
    the attempt on the account."""
    address_limit, account_limit = _address_limit(), _account_limit()
    from_address = ratelimit.peek(address_limit, address)
    if from_address.value >= address_limit.count:
        raise LoginThrottled("too_many_attempts", ADDRESS_BLOCKED, from_address.resets_at)
    key = account_key(username)
    if (until := _locked_until(key)) is not None:
        raise LoginThrottled("account_locked", ACCOUNT_LOCKED, until)
    count = ratelimit.hit(account_limit, key)
    if count.value > account_limit.count:
        # More attempts arrived together than the account allows: the extra ones are not checked.
        raise LoginThrottled("account_locked", ACCOUNT_LOCKED, _lock(key))
    return Attempt(account=key, address=address, number=count.value)


def failed(
    attempt: Attempt,
    *,
    code: str = "invalid_credentials",
    template: str = INVALID_CREDENTIALS,
    template_few_left: str = ATTEMPTS_LEFT,
) -> NoReturn:
    """Count a failure on the address and raise the refusal: the lock if this was the account's last
    allowed attempt, otherwise ``template`` (``template_few_left``, with ``%(left)d``, when few are left)."""
    ratelimit.hit(_address_limit(), attempt.address)
    allowed = _account_limit().count
    if attempt.number >= allowed:
        raise LoginThrottled("account_locked", ACCOUNT_LOCKED, _lock(attempt.account))
    left = allowed - attempt.number
    if left <= WARN_WHEN_LEFT:
        raise LoginRefused(code, template_few_left, {"left": left})
    raise LoginRefused(code, template)


def succeeded(username: str) -> None:
    """A full login: the account's attempts start again from zero."""
    ratelimit.reset(_account_limit(), account_key(username))


def unlock(username: str) -> None:
    key = account_key(username)
    ratelimit.reset(_lock_limit(), key)
    ratelimit.reset(_account_limit(), key)


def _lock(key: str) -> int:
    """Lock the account (a lock already running keeps its end) and return when the lock ends."""
    ratelimit.reset(_account_limit(), key)
    return ratelimit.hit(_lock_limit(), key).resets_at
