"""Login for API clients (with the second factor for staff), logout, the caller's own tokens and password,
who the caller is; and the administrators' second-factor reset and unlock."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import logout as session_logout
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accounts import selectors, services
from accounts.models import ApiToken, User
from kernel.api_errors import ErrorOut, errors
from kernel.ratelimit import client_address
from organization.selectors import user_roles

router = Router(tags=["Đăng nhập"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(
        None,
        description="Cán bộ, quản trị: mã 6 chữ số của ứng dụng xác thực, hoặc một mã khôi phục. "
        "Công dân, doanh nghiệp: bỏ trống.",
    )


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


class TokenInfoOut(Schema):
    id: UUID = Field(..., description="Mã của mã truy cập, để thu hồi")
    prefix: str = Field(..., description="Đầu mã, để nhận ra; không đủ để đăng nhập")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool = Field(..., description="Còn dùng được: chưa hết hạn, chưa bị thu hồi, mật khẩu chưa đổi")
    current: bool = Field(..., description="Là mã đang dùng cho yêu cầu này")


class PasswordIn(Schema):
    old_password: str
    new_password: str


def _token_info(token: ApiToken, request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "api_token", None)
    return {
        "id": token.uuid,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
        "active": selectors.token_is_active(token),
        "current": current is not None and current.pk == token.pk,
    }


def _caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **errors(401, 403, 429)},
    summary="Lấy mã truy cập (bearer token)",
)
def token(request: HttpRequest, data: TokenIn) -> dict[str, object]:
    """Đăng nhập bằng tên đăng nhập và mật khẩu; cán bộ, quản trị gửi thêm `otp` (mã xác thực hai bước).

    - 401 `invalid_credentials`: sai tên đăng nhập hoặc mật khẩu (không nói tên nào sai);
      `otp_required`: tài khoản cán bộ chưa gửi `otp`; `otp_invalid`: mã sai, hết hạn hoặc đã dùng.
    - 403 `second_factor_enrolment_required`: cán bộ chưa đăng ký xác thực hai bước — đăng nhập một lần
      trên web để đăng ký; `password_change_required`: mật khẩu cán bộ chưa đạt yêu cầu — đặt mật khẩu
      mới trên web.
    - 429 `account_locked` (tài khoản tạm khóa sau nhiều lần sai) hoặc `too_many_attempts` (quá nhiều
      lần sai từ một địa chỉ), với `Retry-After` (giây).
    """
    raw, issued = services.token_issue(
        request=request, username=data.username, password=data.password, otp=data.otp
    )
    return {"token": raw, "expires_at": issued.expires_at}


@router.post("/auth/logout", response={204: None}, summary="Đăng xuất: thu hồi mã truy cập đang dùng")
def logout(request: HttpRequest) -> Status[None]:
    """Thu hồi mã truy cập (bearer token) của yêu cầu này; gọi bằng phiên trình duyệt thì kết thúc phiên."""
    token = getattr(request, "api_token", None)
    if token is not None:
        services.token_revoke_own(user=_caller(request), token=token)
    else:
        session_logout(request)
    return Status(204, None)


@router.get("/auth/tokens", response=list[TokenInfoOut], summary="Các mã truy cập của tôi")
def token_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Mọi mã truy cập API của người gọi, mới nhất trước (không bao giờ có mã đầy đủ hay mã băm)."""
    return [_token_info(token, request) for token in selectors.token_list(user=_caller(request))]


@router.post(
    "/auth/tokens/{token_id}/revoke",
    response={200: TokenInfoOut, 404: ErrorOut},
    summary="Thu hồi một mã truy cập của tôi",
)
def token_revoke(request: HttpRequest, token_id: UUID) -> dict[str, Any]:
    """Thu hồi một mã của chính người gọi (mã của người khác: 404, như mã không có)."""
    user = _caller(request)
    found = selectors.token_get(user=user, token_uuid=str(token_id))
    return _token_info(services.token_revoke_own(user=user, token=found), request)


@router.post(
    "/auth/password",
    response={204: None, 400: ErrorOut, 429: ErrorOut},
    summary="Đổi mật khẩu của tôi",
)
def password_change(request: HttpRequest, data: PasswordIn) -> Status[None]:
    """Đổi mật khẩu (cần mật khẩu hiện tại). Mọi mã truy cập API của người đó bị thu hồi — kể cả mã
    đang dùng — và mọi phiên đăng nhập khác kết thúc; gọi bằng phiên trình duyệt thì phiên này vẫn giữ.
    Cán bộ, quản trị: ít nhất 12 ký tự; mọi người: không phổ biến, không giống tên đăng nhập."""
    user = _caller(request)
    services.password_change(
        request=request, user=user, old_password=data.old_password, new_password=data.new_password
    )
    if getattr(request, "api_token", None) is None:
        update_session_auth_hash(request, user)
    return Status(204, None)


@router.post(
    "/users/{username}/second-factor/reset",
    response={204: None, 404: ErrorOut},
    summary="Đặt lại xác thực hai bước của một cán bộ",
)
def second_factor_reset(request: HttpRequest, username: str) -> Status[None]:
    """Quản trị cấp trên (quản trị hệ thống với mọi người; quản trị tỉnh với cán bộ trong tỉnh; quản trị
    cơ quan với cán bộ thường của cơ quan) xóa xác thực hai bước và mã khôi phục của một người, ví dụ khi
    mất điện thoại. Mọi phiên và mã truy cập của người đó kết thúc; lần đăng nhập sau họ đăng ký lại."""
    actor = _caller(request)
    target = selectors.administered_login(actor=actor, username=username)
    services.second_factor_reset(actor=actor, user=target, address=client_address(request))
    return Status(204, None)


@router.post(
    "/users/{username}/unlock",
    response={204: None, 404: ErrorOut},
    summary="Mở khóa đăng nhập của một cán bộ",
)
def login_unlock(request: HttpRequest, username: str) -> Status[None]:
    """Quản trị cấp trên mở khóa sớm tài khoản bị tạm khóa do đăng nhập sai nhiều lần."""
    actor = _caller(request)
    target = selectors.administered_login(actor=actor, username=username)
    services.login_unlock(actor=actor, user=target, address=client_address(request))
    return Status(204, None)


@router.get("/me", response=MeOut, summary="Tài khoản đang đăng nhập và vai trò")
def me(request: HttpRequest) -> dict[str, object]:
    user = _caller(request)
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
