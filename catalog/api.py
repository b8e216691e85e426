"""The public procedure catalog: search and detail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from catalog import selectors
from catalog.models import Procedure
from catalog.presentation import CatalogParams, procedure_payload
from kernel.api_errors import errors
from kernel.pagination import Page, PageParams, paginate

router = Router(tags=["Danh mục thủ tục hành chính"])


class FieldOut(Schema):
    code: str
    name: str


class ProcedureItemOut(Schema):
    code: str
    name: str
    field: FieldOut | None
    levels: list[str]
    online_level: str
    boundary_free: bool
    in_force: bool = Field(..., description="Đang có hiệu lực tại tỉnh")
    version: int


def _item(procedure: Procedure) -> dict[str, Any]:
    version = procedure.shown_version
    assert version is not None
    return {
        "code": procedure.code,
        "name": version.name,
        "field": version.field,
        "levels": version.levels,
        "online_level": version.online_level,
        "boundary_free": version.boundary_free,
        "in_force": procedure.current_version_id == version.pk,
        "version": version.number,
    }


@router.get("/procedures", auth=None, response=Page[ProcedureItemOut], summary="Tìm thủ tục hành chính")
def procedure_list(
    request: HttpRequest, params: Query[CatalogParams], paging: Query[PageParams]
) -> dict[str, Any]:
    page = paginate(selectors.procedure_search(selectors.CatalogFilters(**params.dict())), paging)
    page["items"] = [_item(p) for p in page["items"]]
    return page


class FeeOut(Schema):
    name: str
    amount: int | None = Field(None, description="Đồng")
    text: str


class OptionOut(Schema):
    channel: str
    case: str | None
    time_amount: Decimal | None
    time_unit: str
    time_assumed: bool
    time_text: str
    free: bool | None
    fees: list[FeeOut]
    fee_text: str
    description: str


class ComponentOut(Schema):
    section: str
    case: str | None
    name: str
    form_names: list[str] = Field(description="Tên các tệp mẫu, theo thứ tự trên trang quốc gia")
    form_name: str = Field(description="Các tệp mẫu trong một chuỗi, cách nhau bởi «; » (cũ)")
    originals: int | None
    copies: int | None
    quantity_text: str
    mandatory: bool
    from_national_data: bool
    exempt_when_reused: bool


class ResultOut(Schema):
    name: str
    code: str
    description: str


class LegalOut(Schema):
    title: str
    number: str


class AgencyRefOut(Schema):
    code: str
    name: str


class VersionRefOut(Schema):
    number: int
    status: str
    effective_from: date | None
    effective_to: date | None
    change_note: str


class StepOut(Schema):
    position: int
    name: str
    role: str
    agency: AgencyRefOut | None
    duration_amount: Decimal
    duration_unit: str
    parallel_group: str
    is_lead: bool


class WorkflowOut(Schema):
    level: str
    agency: AgencyRefOut | None
    number: int
    name: str
    approval_decision: str
    steps: list[StepOut]
    problems: list[str] = Field(..., description="Cảnh báo, ví dụ tổng thời gian các bước khác thời hạn")


class ProcedureOut(Schema):
    code: str
    version: int
    status: str
    effective_from: date | None
    effective_to: date | None
    in_force: bool
    name: str
    field: FieldOut | None
    levels: list[str]
    issuing_body: str
    procedure_type: str
    subjects: str
    national_decision: str
    competent_agency_text: str
    implementing_agency_text: str
    authorized_agency_text: str
    coordinating_agency_text: str
    reception_address: str
    steps_text: str
    requirements_text: str
    component_notes: str = Field(description="Ghi chú đi kèm danh sách giấy tờ (không phải giấy tờ phải nộp)")
    related_text: str
    online_level: str
    boundary_free: bool
    after_15h_next_day: bool
    agencies: list[AgencyRefOut]
    options: list[OptionOut]
    components: list[ComponentOut]
    results: list[ResultOut]
    legal_basis: list[LegalOut]
    source_url: str
    parse_issues: list[dict[str, str]]
    versions: list[VersionRefOut]
    workflows: list[WorkflowOut]


@router.get(
    "/procedures/{code}",
    auth=None,
    response={200: ProcedureOut, **errors(404)},
    summary="Chi tiết thủ tục hành chính",
)
def procedure_detail(request: HttpRequest, code: str, version: int | None = None) -> dict[str, Any]:
    procedure, shown = selectors.procedure_get(code, version)
    return procedure_payload(procedure, shown)
