"""Administrative units and agencies (public reference data), and agency members (protected)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accounts.models import User
from kernel.api_errors import errors
from kernel.errors import DomainError, NotFound
from kernel.pagination import Page, PageParams, paginate
from kernel.text import fold
from organization import selectors, services
from organization.models import AdministrativeUnit, Agency, Role

router = Router(tags=["Tổ chức"])


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    level: str
    parent: str | None = Field(None, alias="parent.code")


class UnitFilters(Schema):
    level: Literal["province", "commune"] | None = None
    province: str | None = Field(None, description="Mã tỉnh (mã thống kê), ví dụ 33")
    q: str | None = Field(None, description="Tìm theo tên, không cần dấu")


@router.get("/units", auth=None, response=Page[UnitOut], summary="Đơn vị hành chính (từ 01/7/2025)")
def unit_list(request: HttpRequest, filters: Query[UnitFilters], paging: Query[PageParams]) -> dict[str, Any]:
    units = AdministrativeUnit.objects.select_related("parent").order_by("code")
    if filters.level:
        units = units.filter(level=filters.level)
    if filters.province:
        units = units.filter(parent__code=filters.province)
    if filters.q:
        units = units.filter(name_folded__contains=fold(filters.q))
    return paginate(units, paging)


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    unit: str = Field(..., alias="unit.code")
    unit_name: str = Field(..., alias="unit.name")
    parent: str | None = Field(None, alias="parent.code")


class AgencyFilters(Schema):
    level: Literal["central", "province", "commune"] | None = None
    unit: str | None = Field(None, description="Mã đơn vị hành chính (xã hoặc tỉnh)")
    kind: Literal[tuple(Agency.Kind.values)] | None = None  # type: ignore[valid-type]
    parent: str | None = Field(None, description="Mã định danh của cơ quan cấp trên")
    q: str | None = None


@router.get("/agencies", auth=None, response=Page[AgencyOut], summary="Cơ quan")
def agency_list(
    request: HttpRequest, filters: Query[AgencyFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    return paginate(selectors.agency_list(**filters.dict()), paging)


@router.get("/agencies/{code}", auth=None, response={200: AgencyOut, **errors(404)}, summary="Một cơ quan")
def agency_detail(request: HttpRequest, code: str) -> Agency:
    agency = Agency.objects.select_related("unit", "parent").filter(code=code, is_active=True).first()
    if agency is None:
        raise NotFound("Không tìm thấy cơ quan.")
    return agency


class MemberOut(Schema):
    username: str = Field(..., alias="user.username")
    full_name: str = Field(..., alias="user.display_name")
    role: str
    is_active: bool


class MemberIn(Schema):
    username: str = Field(..., min_length=3, max_length=150)
    role: Literal[tuple(Role.values)]  # type: ignore[valid-type]
    full_name: str = Field("", max_length=200)
    password: str | None = Field(None, description="Bắt buộc khi tạo tài khoản mới")


@router.get(
    "/agencies/{code}/members",
    response={200: list[MemberOut], **errors(403, 404)},
    summary="Cán bộ của cơ quan",
)
def member_list(request: HttpRequest, code: str) -> Any:
    assert isinstance(request.user, User)
    return list(selectors.agency_members(user=request.user, agency_code=code))


@router.post(
    "/agencies/{code}/members",
    response={201: MemberOut, **errors(403, 404, 409)},
    summary="Giao vai trò / tạo tài khoản cán bộ",
)
def member_add(request: HttpRequest, code: str, data: MemberIn) -> Status[Any]:
    actor = request.user
    assert isinstance(actor, User)
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not selectors.user_can(actor, "members.manage", agency):
        raise NotFound("Không tìm thấy cơ quan.")
    existing = User.objects.filter(username=data.username.strip()).first()
    if existing is None:
        if not data.password:
            raise DomainError(
                "password_required",
                "Cần mật khẩu để tạo tài khoản mới.",
                fields={"password": ["Bắt buộc nhập."]},
            )
        user = services.staff_user_create(
            actor=actor,
            agency=agency,
            username=data.username,
            full_name=data.full_name,
            password=data.password,
            role=data.role,
        )
        membership = user.memberships.get(agency=agency, role=data.role)
    else:
        membership = services.membership_grant(actor=actor, agency=agency, user=existing, role=data.role)
    return Status(201, membership)
