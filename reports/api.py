"""Reports API: the statutory summary (DOMAIN §9) over the maintained facts, scoped to the caller."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.errors import DomainError
from reports.selectors import group_labels, report_scope
from reports.summary import Counts, GroupBy, summary

router = Router(tags=["Báo cáo"])

MAX_DAYS = 366 * 10


class SummaryParams(Schema):
    from_: date = Field(..., alias="from", description="Ngày đầu kỳ (YYYY-MM-DD), tính cả ngày này")
    to: date = Field(..., description="Ngày cuối kỳ (YYYY-MM-DD), tính cả ngày này")
    agency: str | None = Field(None, description="Mã định danh cơ quan (cùng các đơn vị trực thuộc)")
    group_by: GroupBy | None = Field(None, description="agency | field | procedure | channel")


class CountsOut(Schema):
    carried_over: int = Field(..., description="Kỳ trước chuyển qua")
    received: int
    received_online: int
    received_counter: int
    received_postal: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    stopped: int = Field(..., description="Dừng giải quyết, rút hồ sơ sau tiếp nhận")
    pending: int = Field(..., description="Chưa giải quyết cuối kỳ")
    pending_in_time: int
    pending_overdue: int
    supplement_requests: int
    digitized: int
    reused: int
    paid_online: int
    e_results: int
    rated: int = Field(..., description="Hồ sơ đã giải quyết được người dân đánh giá")
    satisfied: int = Field(..., description="… đánh giá hài lòng, rất hài lòng")
    balanced: bool = Field(..., description="Kỳ trước + tiếp nhận = đã giải quyết + dừng + chưa giải quyết")
    on_time_rate: float | None = Field(..., description="% giải quyết trước và đúng hạn")
    online_rate: float | None
    progress_rate: float | None = Field(
        ..., description="% (giải quyết đúng hạn + chưa đến hạn) trên (đã giải quyết + đang giải quyết)"
    )
    digitized_rate: float | None
    reuse_rate: float | None
    e_result_rate: float | None
    satisfaction_rate: float | None


class RowOut(CountsOut):
    key: str
    name: str


class SummaryOut(Schema):
    from_: date = Field(..., alias="from")
    to: date
    agency: str | None
    group_by: str | None
    total: CountsOut
    rows: list[RowOut]


def summary_rows(request: HttpRequest, params: SummaryParams) -> tuple[Counts, list[tuple[str, str, Counts]]]:
    if params.to < params.from_:
        raise DomainError(
            "invalid_period",
            "Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ.",
            fields={"to": ["Trước ngày đầu kỳ."]},
        )
    if (params.to - params.from_).days > MAX_DAYS:
        raise DomainError("period_too_long", "Kỳ báo cáo dài nhất 10 năm.", fields={"to": ["Kỳ quá dài."]})
    scope = report_scope(request.user, params.agency)
    total = summary(params.from_, params.to, scope=scope)[None]
    rows: list[tuple[str, str, Counts]] = []
    if params.group_by:
        groups = summary(params.from_, params.to, scope=scope, group_by=params.group_by)
        labels = group_labels(params.group_by, list(groups))
        for key, counts in groups.items():
            code, name = labels.get(key, (str(key), str(key)))
            rows.append((code or str(key), name, counts))
        rows.sort(key=lambda row: (-row[2].received - row[2].carried_over, row[0]))
    return total, rows


@router.get("/reports/summary", response=SummaryOut, summary="Tổng hợp tình hình giải quyết TTHC theo kỳ")
def report_summary(request: HttpRequest, params: Query[SummaryParams]) -> dict[str, Any]:
    """Kỳ trước chuyển qua, tiếp nhận (trực tuyến / trực tiếp / bưu chính), đã giải quyết (trước hạn,
    đúng hạn, quá hạn), dừng, chưa giải quyết cuối kỳ (trong hạn, quá hạn), yêu cầu bổ sung — tính từ
    số liệu ngày, trong phạm vi cơ quan người gọi được xem."""
    total, rows = summary_rows(request, params)
    return {
        "from": params.from_,
        "to": params.to,
        "agency": params.agency,
        "group_by": params.group_by.value if params.group_by else None,
        "total": total.as_dict(),
        "rows": [{"key": code, "name": name, **counts.as_dict()} for code, name, counts in rows],
    }
