"""Reports API: the statutory summary (docs/domain.md §9) over the maintained facts, scoped to the caller."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kernel.api_errors import errors
from kernel.errors import DomainError
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


@router.get(
    "/reports/summary",
    response={200: SummaryOut, **errors(403, 404)},
    summary="Tổng hợp tình hình giải quyết TTHC theo kỳ",
)
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


# --- The same report as files (XLSX, PDF): reports/exports/ -----------------------------------

from django.http import HttpResponse  # noqa: E402

from reports import exports  # noqa: E402


def _file_response(content: bytes, content_type: str, filename: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export_report(request: HttpRequest, params: SummaryParams) -> exports.Report:
    """The export's tables: ``summary_rows`` grouped by agency unless asked otherwise."""
    group_by = params.group_by or GroupBy.AGENCY
    total, rows = summary_rows(request, params.model_copy(update={"group_by": group_by}))
    return exports.report_build(
        user=request.user,
        agency_code=params.agency,
        scope=report_scope(request.user, params.agency),
        start=params.from_,
        end=params.to,
        group_by=group_by,
        total=total,
        rows=rows,
    )


def _file_doc(content_type: str, description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/reports/summary.xlsx",
    summary="Báo cáo tình hình giải quyết TTHC (XLSX: Biểu tổng hợp và Biểu VI)",
    response=errors(403, 404),
    openapi_extra=_file_doc(exports.XLSX_CONTENT_TYPE, "Tệp Excel"),
)
def report_summary_xlsx(request: HttpRequest, params: Query[SummaryParams]) -> HttpResponse:
    """Cùng số liệu với /reports/summary (mặc định theo đơn vị). Trang "Biểu tổng hợp": bảng theo
    đơn vị / lĩnh vực / thủ tục với dòng Tổng cộng; trang "Biểu VI": biểu mẫu thống kê của báo cáo
    quý, các chỉ tiêu hệ thống không có số liệu để trống, ghi chú "Nhập thủ công"."""
    report = _export_report(request, params)
    return _file_response(
        exports.workbook_bytes(report),
        exports.XLSX_CONTENT_TYPE,
        report.filename("xlsx", params.agency),
        "attachment",
    )


@router.get(
    "/reports/summary.pdf",
    summary="Báo cáo tình hình giải quyết TTHC (PDF: Biểu tổng hợp A4 ngang và Biểu VI)",
    response=errors(403, 404, 503),
    openapi_extra=_file_doc("application/pdf", "Tệp PDF"),
)
def report_summary_pdf(request: HttpRequest, params: Query[SummaryParams]) -> HttpResponse:
    """Hai biểu như tệp XLSX, trình bày theo thể thức văn bản hành chính (quốc hiệu, tiêu ngữ)."""
    report = _export_report(request, params)
    return _file_response(
        exports.pdf_bytes(report), "application/pdf", report.filename("pdf", params.agency), "inline"
    )
