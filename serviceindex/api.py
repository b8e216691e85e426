"""Service index API (QĐ 766/QĐ-TTg): the published monthly table is public; staff may see the live
computation; the monitor or the province administrator freezes (publishes) a finished month."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accounts.models import User
from accounts.services import token_user
from kernel.api_errors import errors
from kernel.errors import DomainError, Forbidden
from serviceindex import selectors, services
from serviceindex.months import parse_month

router = Router(tags=["Chỉ số phục vụ người dân, doanh nghiệp"])


class IndicatorOut(Schema):
    code: str
    name: str
    points: float = Field(..., description="Điểm tối đa")
    target: float = Field(..., description="Chỉ tiêu (%): đạt từ mức này được điểm tối đa")
    rate: float | None = Field(..., description="Tỷ lệ đạt (%), null khi chưa có dữ liệu")
    score: float | None
    numerator: int | None
    denominator: int | None
    no_data: bool = Field(..., description="Chưa có dữ liệu: không tính điểm, không tính vào điểm tối đa")


class GroupOut(Schema):
    code: str
    name: str
    points: float
    score: float | None
    indicators: list[IndicatorOut]


class IndexUnitOut(Schema):
    code: str = Field(..., description="Mã định danh của cơ quan")
    name: str
    level: str = Field(..., description="province (sở, ban, ngành) | commune (UBND cấp xã)")
    score: float | None
    max_score: float = Field(..., description="Tổng điểm của các chỉ số có dữ liệu")
    rank: int | None = Field(..., description="Thứ hạng trong khối; null khi chưa có dữ liệu")
    rank_of: int = Field(..., description="Số đơn vị được xếp hạng trong khối")
    groups: list[GroupOut]


class GroupHeadOut(Schema):
    code: str
    name: str
    points: float


class MethodologyOut(Schema):
    name: str
    groups: list[GroupHeadOut]


class IndexOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    frozen: bool = Field(..., description="true: bảng đã công bố; false: số liệu tính trực tiếp")
    frozen_at: datetime | None
    methodology: MethodologyOut
    province: IndexUnitOut
    units: list[IndexUnitOut]


class HistoryRowOut(Schema):
    month: str
    score: float | None
    rank: int | None
    rank_of: int
    frozen: bool


class IndexParams(Schema):
    month: str | None = Field(None, description="Tháng (YYYY-MM); mặc định tháng công bố gần nhất")
    live: bool = Field(False, description="Cán bộ: xem số liệu tính trực tiếp (chưa công bố)")


class HistoryParams(Schema):
    from_: str | None = Field(None, alias="from", description="Tháng đầu (YYYY-MM); mặc định 11 tháng trước")
    to: str | None = Field(None, description="Tháng cuối (YYYY-MM); mặc định tháng hiện tại")


def _month(value: str, name: str = "month") -> date:
    try:
        return parse_month(value)
    except ValueError:
        raise DomainError(
            "invalid_month",
            f"Tháng không hợp lệ: «{value[:20]}» (định dạng YYYY-MM, ví dụ 2026-03).",
            status=422,
            fields={name: ["Định dạng YYYY-MM."]},
        ) from None


def _caller(request: HttpRequest) -> User | AnonymousUser:
    """The caller of a public endpoint: the bearer token's user, the session's, or anonymous."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = token_user(header[7:].strip())
        return user if user is not None else AnonymousUser()
    return request.user


def _require_staff(user: User | AnonymousUser) -> None:
    if not user.is_authenticated:
        raise DomainError("unauthenticated", "Cần đăng nhập để xem số liệu chưa công bố.", status=401)
    if not selectors.has_staff_role(user):
        raise Forbidden("Chỉ cán bộ, công chức được xem số liệu chưa công bố.")


@router.get(
    "/index",
    auth=None,
    response={200: IndexOut, **errors(401, 403, 404)},
    summary="Bảng chỉ số phục vụ người dân, doanh nghiệp của tháng",
)
def index_get(request: HttpRequest, params: Query[IndexParams]) -> dict[str, Any]:
    """Bảng chỉ số đã công bố của tháng (công khai): điểm, thứ hạng của từng sở, ngành và từng xã,
    điểm từng nhóm, từng chỉ số thành phần với tử số, mẫu số. Cán bộ có vai trò có thể gửi
    ``live=true`` để xem số liệu tính trực tiếp (``"frozen": false``)."""
    if params.live:
        _require_staff(_caller(request))
        month = _month(params.month) if params.month else timezone.localdate().replace(day=1)
        return selectors.live_table(month)
    if params.month:
        return selectors.published_table(selectors.publication_get(_month(params.month)))
    latest = selectors.latest_publication()
    if latest is None:
        raise DomainError("not_found", "Chưa có tháng nào được công bố.", status=404)
    return selectors.published_table(latest)


@router.post(
    "/index/{month}/freeze",
    response={201: IndexOut, **errors(403, 404, 409)},
    summary="Công bố (chốt) chỉ số của một tháng đã kết thúc",
)
def index_freeze(request: HttpRequest, month: str) -> Status[dict[str, Any]]:
    """Cán bộ kiểm soát TTHC hoặc quản trị tỉnh chốt số liệu tháng: bảng được lưu nguyên và công khai.
    Tháng chưa kết thúc hoặc đã công bố trả lỗi 409."""
    user = request.user
    assert isinstance(user, User)
    publication = services.publication_freeze(month=_month(month), actor=user, at=timezone.now())
    return Status(201, selectors.published_table(publication))


@router.get(
    "/index/units/{agency_code}/history",
    auth=None,
    response={200: list[HistoryRowOut], **errors(404)},
    summary="Điểm, thứ hạng của một đơn vị qua các tháng",
)
def unit_history(
    request: HttpRequest, agency_code: str, params: Query[HistoryParams]
) -> list[dict[str, Any]]:
    """Các tháng đã công bố (công khai); cán bộ có vai trò xem thêm các tháng chưa công bố, tính trực
    tiếp (``"frozen": false``)."""
    today = timezone.localdate()
    end = _month(params.to, "to") if params.to else today.replace(day=1)
    if params.from_:
        start = _month(params.from_, "from")
    else:
        year, month = divmod(end.year * 12 + end.month - 1 - 11, 12)
        start = date(year, month + 1, 1)
    return selectors.unit_history(
        user=_caller(request), agency_code=agency_code.strip(), start=start, end=end, today=today
    )
