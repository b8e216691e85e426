"""The public procedure catalog: search and detail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from catalog import selectors
from catalog.models import Procedure, ProcedureVersion, Workflow
from catalog.services import workflow_check
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


class CatalogParams(Schema):
    q: str | None = Field(None, max_length=200, description="Từ khóa hoặc mã thủ tục; không cần dấu")
    level: Literal["province", "commune", "ministry", "other"] | None = Field(
        None, description="Cấp thực hiện"
    )
    field: str | None = Field(None, description="Mã lĩnh vực, ví dụ ho-tich")
    agency: str | None = Field(None, description="Mã định danh cơ quan giải quyết")
    online: Literal["full", "partial", "none", "yes"] | None = Field(
        None, description="Mức dịch vụ công trực tuyến; yes = toàn trình hoặc một phần"
    )
    scope: Literal["province", "all"] = Field(
        "province",
        description="province: đang hiệu lực tại tỉnh; all: cả thủ tục quốc gia chưa công bố tại tỉnh",
    )
    ordering: Literal["code", "name"] = "code"


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
    form_name: str
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


def procedure_payload(procedure: Procedure, version: ProcedureVersion) -> dict[str, Any]:
    """The full public view of a version (also used by the web pages)."""
    workflows: list[Workflow] = selectors.procedure_workflows(procedure)
    return {
        **{
            name: getattr(version, name)
            for name in (
                "status",
                "effective_from",
                "effective_to",
                "name",
                "field",
                "levels",
                "issuing_body",
                "procedure_type",
                "subjects",
                "national_decision",
                "competent_agency_text",
                "implementing_agency_text",
                "authorized_agency_text",
                "coordinating_agency_text",
                "reception_address",
                "steps_text",
                "requirements_text",
                "related_text",
                "online_level",
                "boundary_free",
                "after_15h_next_day",
                "source_url",
                "parse_issues",
            )
        },
        "code": procedure.code,
        "version": version.number,
        "in_force": procedure.current_version_id == version.pk,
        "agencies": list(version.agencies.all()),
        "options": [
            {
                **{
                    n: getattr(o, n)
                    for n in (
                        "channel",
                        "time_amount",
                        "time_unit",
                        "time_assumed",
                        "time_text",
                        "free",
                        "fee_text",
                        "description",
                    )
                },
                "case": o.case.name if o.case else None,
                "fees": list(o.fees.all()),
            }
            for o in version.options.all()
        ],
        "components": [
            {
                **{
                    n: getattr(c, n)
                    for n in (
                        "section",
                        "name",
                        "form_name",
                        "originals",
                        "copies",
                        "quantity_text",
                        "mandatory",
                        "from_national_data",
                        "exempt_when_reused",
                    )
                },
                "case": c.case.name if c.case else None,
            }
            for c in version.components.all()
        ],
        "results": list(version.results.all()),
        "legal_basis": list(version.legal_basis.all()),
        "versions": list(procedure.versions.order_by("-number")),
        "workflows": [
            {
                "level": w.level,
                "agency": w.agency,
                "number": w.number,
                "name": w.name,
                "approval_decision": w.approval_decision,
                "steps": list(w.steps.all()),
                "problems": workflow_check(w),
            }
            for w in workflows
        ],
    }


@router.get(
    "/procedures/{code}",
    auth=None,
    response={200: ProcedureOut, **errors(404)},
    summary="Chi tiết thủ tục hành chính",
)
def procedure_detail(request: HttpRequest, code: str, version: int | None = None) -> dict[str, Any]:
    procedure, shown = selectors.procedure_get(code, version)
    return procedure_payload(procedure, shown)
