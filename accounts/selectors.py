"""Protected reads about logins: who needs a second factor, a person's own tokens and security events,
and which administrator may reset whose second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.authority import authority
from accounts.models import AccountEvent, ApiToken, RecoveryCode, SecondFactor, User, credentials_fingerprint
from kernel.errors import NotFound

# The secret printed by ``load_demo`` and README for the demo's staff: public, so accepted only in demo
# mode (``MOTCUA_DEMO``); anywhere else a factor with it counts as no factor and the person enrols anew.
DEMO_OTP_SECRET = "MOTCUADEMOHUNGYENMOTCUADEMOHUNGY"


def is_privileged(user: User | AnonymousUser) -> bool:
    """Staff and administrators: anyone with an active role in an agency, Django staff, superusers.
    They log in with a second factor and need the stronger password (``accounts.passwords``)."""
    if not user.is_authenticated and not isinstance(user, User):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(user.pk) and authority().holds_role(user)


def second_factor_of(user: User) -> SecondFactor | None:
    """The person's usable second factor, or None (not enrolled, reset, or the public demo secret
    outside demo mode)."""
    factor = SecondFactor.objects.filter(user=user).first()
    if factor is None:
        return None
    if factor.secret == DEMO_OTP_SECRET and not settings.MOTCUA_DEMO:
        return None
    return factor


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The caller's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user).select_related("user").order_by("-created_at", "-pk")


def token_is_active(token: ApiToken) -> bool:
    """Whether a token still opens the API: not revoked, not expired, its holder active and still
    holding the password and security stamp it was issued under (``ApiToken.fingerprint``)."""
    if token.revoked_at is not None or token.expires_at <= timezone.now() or not token.user.is_active:
        return False
    user = token.user
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return token.fingerprint in {credentials_fingerprint(value) for value in hashes}


def token_get(*, user: User, token_uuid: str) -> ApiToken:
    """One of the caller's own tokens; someone else's answers like an unknown one."""
    token = ApiToken.objects.filter(user=user, uuid=token_uuid).first()
    if token is None:
        raise NotFound("Không tìm thấy mã truy cập.")
    return token


def account_events(*, user: User, limit: int = 20) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(user=user).select_related("actor")[:limit]


def administers_logins(actor: User | AnonymousUser) -> bool:
    """Whether ``actor`` may reset someone's second factor or unlock a login at all (decides what the
    pages offer; ``can_administer_login`` decides for one person)."""
    if not actor.is_authenticated or not actor.is_active:
        return False
    return actor.is_superuser or authority().administers_accounts(actor)


def can_administer_login(actor: User, target: User) -> bool:
    """A higher administrator of ``target``: the one rule of who manages whose account
    (``accounts.authority``, decided by ``organization.selectors.account_refusal``: a superuser over everyone else, a province
    administrator over the staff of his province below his rank, an agency administrator over the
    ordinary staff of his agency). Nobody administers his own login."""
    if not actor.is_active or actor.pk == target.pk:
        return False
    return authority().account_refusal(actor, target) is None


def administered_login(*, actor: User, username: str) -> User:
    """The person whose login ``actor`` administers; anyone else answers like an unknown username."""
    target = User.objects.filter(username=username.strip()).first()
    if target is None or not can_administer_login(actor, target):
        raise NotFound(gettext_noop("Không tìm thấy tài khoản, hoặc bạn không quản trị tài khoản này."))
    return target
