"""Reports API for the leaders' dashboard: the summary per day or per month (charts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kernel.api_errors import errors
from kernel.errors import DomainError
from reports.selectors import report_scope
from reports.series import MAX_POINTS, Interval, point_count, series

router = Router(tags=["Báo cáo"])


class SeriesParams(Schema):
    from_: date = Field(..., alias="from", description="Ngày đầu (YYYY-MM-DD), tính cả ngày này")
    to: date = Field(..., description="Ngày cuối (YYYY-MM-DD), tính cả ngày này")
    interval: Interval = Field(Interval.MONTH, description="day | month")
    agency: str | None = Field(None, description="Mã định danh cơ quan (cùng các đơn vị trực thuộc)")


class PointOut(Schema):
    start: date
    end: date
    label: str = Field(..., description="dd/mm/yyyy theo ngày, mm/yyyy theo tháng")
    carried_over: int
    received: int
    received_online: int
    received_counter: int
    received_postal: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    stopped: int
    pending: int = Field(..., description="Chưa giải quyết cuối kỳ")
    pending_overdue: int = Field(..., description="Quá hạn cuối kỳ")
    digitized: int
    on_time_rate: float | None
    online_rate: float | None
    digitized_rate: float | None


class SeriesOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    interval: str
    agency: str | None
    points: list[PointOut]


@router.get(
    "/reports/series",
    response={200: SeriesOut, **errors(403, 404)},
    by_alias=True,
    summary="Số liệu giải quyết TTHC theo ngày hoặc theo tháng",
)
def report_series(request: HttpRequest, params: Query[SeriesParams]) -> dict[str, Any]:
    """Mỗi ngày / tháng trong kỳ: tiếp nhận, đã giải quyết (trước hạn, đúng hạn, quá hạn), dừng, chưa
    giải quyết và quá hạn cuối kỳ, tỷ lệ trực tuyến, tỷ lệ số hóa — tính từ số liệu ngày, trong phạm vi
    cơ quan người gọi được xem. Theo ngày tối đa 366 điểm, theo tháng tối đa 120 điểm."""
    if params.to < params.from_:
        raise DomainError(
            "invalid_period",
            "Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ.",
            fields={"to": ["Trước ngày đầu kỳ."]},
        )
    limit = MAX_POINTS[params.interval]
    if point_count(params.from_, params.to, params.interval) > limit:
        unit = "ngày" if params.interval is Interval.DAY else "tháng"
        raise DomainError(
            "period_too_long", f"Kỳ quá dài: tối đa {limit} {unit}.", fields={"to": ["Kỳ quá dài."]}
        )
    scope = report_scope(request.user, params.agency)
    points = series(params.from_, params.to, params.interval, scope=scope)
    return {
        "from": params.from_,
        "to": params.to,
        "interval": params.interval.value,
        "agency": params.agency,
        "points": [
            {"start": p.start, "end": p.end, "label": p.label(params.interval), **p.counts.as_dict()}
            for p in points
        ],
    }
