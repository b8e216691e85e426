"""PDF forms of TT 03/2025/TT-VPCP for a dossier, and the ledger (Sổ theo dõi hồ sơ)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from accounts.models import User
from audit.services import Kind, record_access
from catalog.models import ProcedureField
from dossiers import forms, selectors
from kernel.api_errors import errors
from kernel.errors import DomainError, Forbidden, NotFound
from organization.models import Agency
from organization.selectors import DOSSIER_ROLES, user_scope

router = Router(tags=["Biểu mẫu"])

_PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "Tệp PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Personal data: not for shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/dossiers/{code}/forms/{form}.pdf",
    summary="Biểu mẫu của hồ sơ (PDF, TT 03/2025/TT-VPCP)",
    description=(
        "form: receipt (Giấy tiếp nhận và hẹn trả), supplement-request (Phiếu yêu cầu bổ sung), "
        "refusal (Phiếu từ chối), apology (Phiếu xin lỗi và hẹn lại), stop-notice (Thông báo dừng "
        "giải quyết), process-control (Phiếu kiểm soát quá trình: chỉ cán bộ, người nộp nhận 403). "
        "409 khi biểu mẫu không áp dụng cho trạng thái của hồ sơ."
    ),
    response=errors(403, 404, 409, 503),
    openapi_extra=_PDF_RESPONSE,
)
def dossier_form(request: HttpRequest, code: str, form: str) -> HttpResponse:
    if form not in forms.FORMS:
        raise NotFound(f"Không có biểu mẫu «{form}».")
    user = request.user
    assert isinstance(user, User)
    dossier = selectors.dossier_get(user=user, reference=code)
    if form not in forms.APPLICANT_FORMS and selectors.is_applicant_of(user, dossier):
        raise Forbidden(f"Biểu mẫu «{form}» là giấy tờ nội bộ của cơ quan, không cấp cho người nộp hồ sơ.")
    content = forms.render_form(dossier, form)
    record_access(actor=user, kind=Kind.FORM_PRINT, request=request, dossier=dossier, object_ref=form)
    return _pdf_response(content, f"{dossier.reference}-{form}.pdf")


class LedgerParams(Schema):
    agency: str = Field(..., min_length=1, max_length=35, description="Mã định danh cơ quan")
    field: str = Field(..., min_length=1, max_length=200, description="Mã lĩnh vực, ví dụ ho-tich")
    year: int = Field(..., ge=2000, le=2100, description="Năm tiếp nhận")


@router.get(
    "/ledger.pdf",
    summary="Sổ theo dõi hồ sơ của một cơ quan, theo lĩnh vực và năm (PDF, A4 ngang)",
    response=errors(403, 404, 503),
    openapi_extra=_PDF_RESPONSE,
)
def ledger(request: HttpRequest, params: Query[LedgerParams]) -> HttpResponse:
    scope = user_scope(request.user, DOSSIER_ROLES)  # the ledger lists applicants: no administrator
    if not scope.everything and not scope.agency_ids:
        raise Forbidden("Chỉ cán bộ, công chức được xem sổ theo dõi hồ sơ.")
    agency = Agency.objects.select_related("unit", "parent").filter(code=params.agency.strip()).first()
    if agency is None or not scope.allows(agency):
        raise NotFound("Không tìm thấy cơ quan.")
    field = ProcedureField.objects.filter(code=params.field.strip()).first()
    if field is None:
        raise DomainError(
            "unknown_field", f"Không có lĩnh vực mã {params.field}.", fields={"field": ["Không tồn tại."]}
        )
    content = forms.render_ledger(agency=agency, field=field, year=params.year)
    return _pdf_response(content, f"so-theo-doi-{agency.code}-{field.code}-{params.year}.pdf")
