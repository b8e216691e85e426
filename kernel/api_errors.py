"""The API's error shape as an OpenAPI schema, for the ``response=`` declarations of the routers.

Every error is ``{"error": {"code", "message", "fields"?}}`` (``kernel.errors.DomainError``, the
exception handlers of ``motcua.api``, the input boundary of ``motcua.middleware``). A router declares
the statuses its own operation answers — ``response={200: DossierOut, **errors(403, 404, 409)}`` — and
``motcua.api`` adds those every operation may answer whatever it does (400 from the input boundary,
401 without a login, 422 for parameters that fail validation), so the OpenAPI document lists every
status a client can meet (a fuzzer checks it: ``motcua/tests/test_api_fuzz.py``).

Kept apart from ``motcua.api``, which imports every router: a router importing this cannot cycle.
"""

from __future__ import annotations

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``{status: ErrorOut}`` for a ``response=`` dict."""
    return dict.fromkeys(statuses, ErrorOut)
