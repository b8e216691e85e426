"""The REST API root: ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``, docs at ``/api/v1/docs``.

Authentication: ``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``, or the browser
session (with CSRF). Every endpoint needs a login unless it says ``auth=None``. Every error is
``{"error": {"code", "message", "fields"?}}`` with a 4xx status.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, SessionAuth

from accounts.services import token_authenticate
from kernel.api_errors import ErrorOut
from kernel.errors import DomainError, TooManyRequests

logger = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # for POST /auth/logout, GET /auth/tokens
        return found.user


class LocalTimeEncoder(NinjaJSONEncoder):
    """Instants travel in local time with their offset (2026-03-02T09:30:00+07:00), as officials read them."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese text travels as UTF-8, not as \\u escapes; instants in local time."""

    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_ERROR_DESCRIPTIONS = {
    400: "Yêu cầu không hợp lệ (ký tự điều khiển, văn bản không phải UTF-8, JSON không đọc được)",
    401: "Chưa đăng nhập",
    403: "Không có quyền (với phiên đăng nhập trên trình duyệt: thiếu mã CSRF)",
    413: "Nội dung gửi lên quá lớn",
    422: "Dữ liệu gửi lên không hợp lệ",
}


class MotcuaAPI(NinjaAPI):
    """Adds to every operation of the OpenAPI document the errors the framework answers for it,
    whatever the operation does: 400 (the input boundary, an unreadable body), 401 when it needs a
    login, 403 when it also writes (a browser session's CSRF check), 413 and 422 when it takes
    parameters or a body. Statuses an operation answers itself are declared in its router
    (``kernel.api_errors.errors``)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("ErrorOut", error_schema)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                statuses = [400]
                if operation.get("security"):
                    statuses.append(401)
                    if method.upper() not in {"GET", "HEAD", "OPTIONS"}:
                        statuses.append(403)
                if operation.get("parameters") or operation.get("requestBody"):
                    statuses.append(422)
                if operation.get("requestBody"):
                    statuses.append(413)
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    responses.setdefault(  # ninja keys responses by int: a router's own 400 wins
                        status,
                        {
                            "description": _ERROR_DESCRIPTIONS[status],
                            "content": {"application/json": {"schema": _ERROR_REF}},
                        },
                    )
        return schema


api = MotcuaAPI(
    renderer=Utf8JSONRenderer(),
    title="motcua API",
    version="1",
    description=(
        "API của Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh. "
        "Đăng nhập: `POST /api/v1/auth/token` rồi gửi `Authorization: Bearer <token>`."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# Vietnamese messages for the validation errors users meet most; others keep pydantic's text.
_VALIDATION_MESSAGES = {
    "missing": "Bắt buộc nhập.",
    "string_type": "Phải là chuỗi ký tự.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "decimal_parsing": "Phải là số.",
    "bool_parsing": "Phải là true hoặc false.",
    "datetime_parsing": "Thời điểm không hợp lệ (định dạng ISO 8601, ví dụ 2026-02-13T10:00:00+07:00).",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ (định dạng ISO 8601).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "enum": "Giá trị không thuộc danh sách cho phép.",
    "literal_error": "Giá trị không thuộc danh sách cho phép.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
    "greater_than": "Giá trị quá nhỏ.",
    "string_too_long": "Quá dài.",
    "string_too_short": "Quá ngắn.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
    "dict_type": "Nội dung phải là một đối tượng JSON.",
}
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "payload"}


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if str(part) not in _LOCATIONS]
        # ninja nests a body schema under its parameter name; drop it when it's the only level left.
        name = ".".join(loc[1:] if len(loc) > 1 and loc[0] in {"data", "payload"} else loc) or "__all__"
        message = _VALIDATION_MESSAGES.get(error.get("type", ""), error.get("msg", "Không hợp lệ."))
        fields.setdefault(name, []).append(message)
    return fields


@api.exception_handler(ValidationError)
def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(
        request, 422, "invalid", "Dữ liệu gửi lên không hợp lệ.", _validation_fields(exc.errors)
    )


@api.exception_handler(DomainError)
def _on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        "unauthenticated",
        "Cần đăng nhập: gửi 'Authorization: Bearer <token>' hoặc đăng nhập trên trình duyệt.",
    )


@api.exception_handler(AuthorizationError)
def _on_unauthorized(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, "forbidden", "Bạn không có quyền thực hiện thao tác này.")


@api.exception_handler(PermissionDenied)
def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", "Bạn không có quyền thực hiện thao tác này.")


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", "Không tìm thấy.")


@api.exception_handler(ObjectDoesNotExist)
def _on_does_not_exist(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "not_found", "Không tìm thấy.")


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
}


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc.message) if hasattr(exc, "message") else str(exc)
    if exc.status_code == 429:
        message = "Quá nhiều yêu cầu, vui lòng thử lại sau."
    return error_response(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), message)


@api.exception_handler(Exception)
def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return error_response(request, 500, "internal_error", "Lỗi hệ thống, vui lòng thử lại sau.")


def _mount() -> None:
    from accounts.api import router as accounts_router
    from audit.api import router as audit_router
    from catalog.api import router as catalog_router
    from documents.api import router as documents_router
    from documents.results_api import router as results_router
    from dossiers.api import public_router as dossier_public_router
    from dossiers.api import router as dossier_router
    from dossiers.forms_api import router as forms_router
    from dossiers.history_api import router as history_router
    from integrations.dvcqg.inbound_api import router as portal_inbound_router
    from organization.api import router as organization_router
    from reports.api import router as reports_router
    from reports.api_dashboard import router as reports_dashboard_router
    from serviceindex.api import router as serviceindex_router
    from targets.api import router as targets_router
    from worktime.api import router as worktime_router

    api.add_router("/", accounts_router)
    api.add_router("/", organization_router)
    api.add_router("/", catalog_router)
    api.add_router("/", worktime_router)
    api.add_router("/", dossier_router)
    api.add_router("/", dossier_public_router)
    api.add_router("/", history_router)
    api.add_router("/", forms_router)
    api.add_router("/", audit_router)
    api.add_router("/", documents_router)
    api.add_router("/", results_router)
    api.add_router("/", reports_router)
    api.add_router("/", serviceindex_router)
    api.add_router("/", reports_dashboard_router)
    api.add_router("/", targets_router)
    api.add_router("/", portal_inbound_router)


_mount()
