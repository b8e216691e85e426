"""The one error type services raise for a refused action, rendered by every API as
``{"error": {"code", "message", "fields"?}}`` with a 4xx status."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. ``message`` is shown to users (Vietnamese)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class NotFound(DomainError):
    """Not found, or not the caller's to see: both answer the same (STYLE: selectors)."""

    def __init__(self, message: str = "Không tìm thấy.") -> None:
        super().__init__("not_found", message, status=404)


class Forbidden(DomainError):
    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__("forbidden", message, status=403)


class TooManyRequests(DomainError):
    """Refused for now, not for good: the API answers 429 with ``Retry-After: retry_after`` seconds."""

    def __init__(self, code: str, message: str, *, retry_after: int) -> None:
        super().__init__(code, message, status=429)
        self.retry_after = max(1, int(retry_after))
