"""Public dossier lookup (tra cứu hồ sơ): by code typed in, or by the QR code every dossier form prints
(``/tra-cuu/?ma=<code>``, see ``dossiers.forms.lookup_url``). No login; what is shown and the
allowance per client are ``dossiers.lookup``'s."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dossiers.lookup import lookup_context
from kernel.access import public


def _render(request: HttpRequest, reference: str) -> HttpResponse:
    context, status = lookup_context(reference, request)
    template = "web/lookup_result.html" if request.headers.get("HX-Request") else "web/lookup.html"
    response = render(request, template, context, status=status)
    if status == 429:
        response["Retry-After"] = str(context["retry_after"])
    return response


@public
def lookup(request: HttpRequest) -> HttpResponse:
    """``/tra-cuu/`` — the form, and the result for ``?ma=`` (what the forms' QR code opens)."""
    return _render(request, request.GET.get("ma", ""))


@public
def lookup_code(request: HttpRequest, code: str) -> HttpResponse:
    """``/tra-cuu/<code>/`` — a shareable address of one dossier's public status."""
    return _render(request, code)
