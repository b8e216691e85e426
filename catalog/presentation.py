"""What the API and the pages show of the catalog: the search parameters, validated once for both, and
the full public view of a procedure version."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from catalog import selectors
from catalog.models import Procedure, ProcedureVersion, Workflow
from catalog.services import workflow_check


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
                "component_notes",
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
                        "form_names",
                        "originals",
                        "copies",
                        "quantity_text",
                        "mandatory",
                        "from_national_data",
                        "exempt_when_reused",
                    )
                },
                "case": c.case.name if c.case else None,
                # One text for the clients that read a single template name (before docs/adr/0025).
                "form_name": "; ".join(c.form_names),
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
