"""Login for API clients, and who the caller is."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.throttling import AnonRateThrottle, BaseThrottle

from accounts import services
from accounts.models import User
from motcua.api_errors import errors
from organization.selectors import user_roles

router = Router(tags=["Đăng nhập"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


class RoleOut(Schema):
    agency: str
    agency_name: str
    role: str
    role_name: str


class MeOut(Schema):
    uuid: str
    username: str
    full_name: str
    is_superuser: bool
    roles: list[RoleOut]


def _login_throttle() -> list[BaseThrottle]:
    return [AnonRateThrottle(settings.MOTCUA_LOGIN_RATE)]


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **errors(401, 429)},
    throttle=_login_throttle(),
    summary="Lấy mã truy cập (bearer token)",
)
def token(request: HttpRequest, data: TokenIn) -> dict[str, object]:
    raw, issued = services.token_issue(request=request, username=data.username, password=data.password)
    return {"token": raw, "expires_at": issued.expires_at}


@router.get("/me", response=MeOut, summary="Tài khoản đang đăng nhập và vai trò")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    assert isinstance(user, User)
    return {
        "uuid": str(user.uuid),
        "username": user.username,
        "full_name": user.display_name,
        "is_superuser": user.is_superuser,
        "roles": [
            {
                "agency": m.agency.code,
                "agency_name": m.agency.name,
                "role": m.role,
                "role_name": m.get_role_display(),
            }
            for m in user_roles(user)
        ],
    }
