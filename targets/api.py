"""Targets API: the targets of a year and each unit's progress against them, scoped to the caller."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from kernel.api_errors import errors
from kernel.errors import DomainError
from reports.selectors import report_scope
from targets.models import Target
from targets.progress import Progress, Result, default_period, progress

router = Router(tags=["Chỉ tiêu"])

MAX_DAYS = 366 * 10


class TargetParams(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Năm giao chỉ tiêu (mặc định năm nay)")
    agency: str | None = Field(None, description="Mã định danh của một đơn vị (sở, ngành hoặc UBND xã)")
    from_: date | None = Field(None, alias="from", description="Ngày đầu kỳ (mặc định 01/01 của năm)")
    to: date | None = Field(None, description="Ngày cuối kỳ (mặc định hôm nay, hoặc 31/12 với năm đã qua)")


class TargetOut(Schema):
    code: str
    name: str
    unit_type: str
    unit_type_label: str
    measure: str
    measure_label: str
    comparison: str = Field(..., description="gte (≥) hoặc lte (≤)")
    threshold: float = Field(..., description="Chỉ tiêu (%)")
    threshold_text: str = Field(..., description="Ví dụ: ≥ 80%")
    legal_basis: str
    position: int


class TargetResultOut(Schema):
    code: str
    value: float | None = Field(..., description="Tỷ lệ đạt được (%); null khi chưa có dữ liệu")
    numerator: int | None
    denominator: int | None
    threshold: float
    comparison: str
    status: str = Field(..., description="met | missed | no_data")
    status_label: str
    note: str


class TargetUnitOut(Schema):
    code: str
    name: str
    unit_type: str
    results: list[TargetResultOut]
    missed: list[str] = Field(..., description="Mã các chỉ tiêu chưa đạt")
    no_data: list[str]


class TargetsOut(Schema):
    year: int
    targets_year: int | None = Field(..., description="Năm của bộ chỉ tiêu được áp dụng")
    from_: date = Field(..., alias="from")
    to: date
    agency: str | None
    targets: list[TargetOut]
    units: list[TargetUnitOut]


def target_payload(target: Target) -> dict[str, Any]:
    return {
        "code": target.code,
        "name": target.name,
        "unit_type": target.unit_type,
        "unit_type_label": target.get_unit_type_display(),
        "measure": target.measure,
        "measure_label": target.get_measure_display(),
        "comparison": target.comparison,
        "threshold": float(target.threshold),
        "threshold_text": target.threshold_text,
        "legal_basis": target.legal_basis,
        "position": target.position,
    }


def result_payload(result: Result) -> dict[str, Any]:
    reading = result.reading
    return {
        "code": result.target.code,
        "value": reading.value,
        "numerator": reading.numerator,
        "denominator": reading.denominator,
        "threshold": float(result.target.threshold),
        "comparison": result.target.comparison,
        "status": result.status.value,
        "status_label": result.status_label,
        "note": reading.note,
    }


def scoped_progress(request: HttpRequest, params: TargetParams) -> Progress:
    """The progress of the units the caller may see, for the year and period asked."""
    today = timezone.localdate()
    year = params.year or (params.to or params.from_ or today).year
    default_start, default_end = default_period(year, today)
    start = params.from_ or default_start
    end = params.to or max(start, default_end)
    if end < start:
        raise DomainError(
            "invalid_period",
            "Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ.",
            fields={"to": ["Trước ngày đầu kỳ."]},
        )
    if (end - start).days > MAX_DAYS:
        raise DomainError("period_too_long", "Kỳ báo cáo dài nhất 10 năm.", fields={"to": ["Kỳ quá dài."]})
    scope = report_scope(request.user, params.agency)
    return progress(year, scope=scope, start=start, end=end)


@router.get(
    "/targets",
    response={200: TargetsOut, **errors(403, 404)},
    by_alias=True,
    summary="Chỉ tiêu cải cách TTHC và mức độ đạt của từng đơn vị",
)
def targets(request: HttpRequest, params: Query[TargetParams]) -> dict[str, Any]:
    """Mười chỉ tiêu giao hằng năm (Phụ lục Công văn của UBND tỉnh năm 2024, sửa được theo năm và
    loại đơn vị) và tỷ lệ đạt được của từng sở, ngành, UBND xã trong phạm vi người gọi được xem, từ
    đầu năm đến nay hoặc trong kỳ chọn. ``missed``: các chỉ tiêu đơn vị chưa đạt."""
    result = scoped_progress(request, params)
    return {
        "year": result.year,
        "targets_year": result.targets_year,
        "from": result.start,
        "to": result.end,
        "agency": params.agency,
        "targets": [target_payload(t) for t in result.targets],
        "units": [
            {
                "code": row.unit.code,
                "name": row.unit.name,
                "unit_type": row.unit.unit_type.value,
                "results": [result_payload(r) for r in row.results],
                "missed": row.missed,
                "no_data": [r.target.code for r in row.results if r.reading.value is None],
            }
            for row in result.units
        ],
    }
