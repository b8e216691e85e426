"""The input boundary every request crosses before any view, form, query or service sees its text.

``InputBoundaryMiddleware`` refuses text the system cannot hold (``kernel.input_text``: control
characters, invalid UTF-8, lone surrogates, NaN in JSON, absurd nesting) with a 400 that names the
field — in the API's error shape under ``/api/``, as the Vietnamese 400 page elsewhere — and then
normalises what it accepted to Unicode NFC (STYLE: NFC on input), so that "Hòa" typed with combining
marks and "Hòa" precomposed are the same string everywhere after.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from integrations.emc import page as emc_page
from kernel.input_text import (
    MAX_JSON_DEPTH,
    BadText,
    check_json,
    check_text,
    decode_utf8,
    first_forbidden,
    form_pairs,
    parse_json,
    visible,
)

API_PREFIX = "/api/"
# Headers the code reads as text (bearer tokens; the client's address behind trusted proxies).
_CHECKED_HEADERS = {"HTTP_AUTHORIZATION": "Authorization", "HTTP_X_FORWARDED_FOR": "X-Forwarded-For"}


def _nfc_querydict(qd: QueryDict) -> QueryDict:
    if all(
        unicodedata.is_normalized("NFC", k)
        and all(unicodedata.is_normalized("NFC", v) for v in qd.getlist(k))
        for k in qd
    ):
        return qd
    normalised = QueryDict(mutable=True, encoding=qd.encoding)
    for key in qd:
        normalised.setlist(
            unicodedata.normalize("NFC", key), [unicodedata.normalize("NFC", v) for v in qd.getlist(key)]
        )
    normalised._mutable = False
    return normalised


def _query_bytes(value: str) -> bytes:
    """The query string's bytes. A WSGI server hands them on as a latin-1 string (PEP 3333); the test
    client and ASGI hand on text already decoded ("tháng" fits latin-1 too, but is not UTF-8 bytes)."""
    try:
        raw = value.encode("latin-1")
        raw.decode("utf-8")
    except UnicodeError:
        return value.encode("utf-8", "surrogatepass")
    return raw


def _check_multipart(request: HttpRequest) -> None:
    """Form fields of a multipart body (file contents are data, not text: only their names are checked).

    Django decodes multipart fields itself, replacing invalid UTF-8 with U+FFFD; that character is the
    only trace left of the damage, so here it counts as invalid text.
    """
    for name, values in request.POST.lists():
        check_text(name, "path", name)
        for value in values:
            check_text(value, "body", name)
            if "\ufffd" in value:
                raise BadText(visible(name), "encoding")
    for name, files in request.FILES.lists():
        check_text(name, "path", name)
        for upload in files:
            check_text(upload.name or "", "path", name)


def _check_json_body(request: HttpRequest) -> None:
    body = request.body
    if not body:
        return
    text = decode_utf8(body, "body")
    try:
        value = parse_json(text)
    except ValueError:
        return  # not JSON at all: the API answers that itself ("Cannot parse request body")
    check_json(value)
    if not unicodedata.is_normalized("NFC", text):
        request._body = unicodedata.normalize("NFC", text).encode("utf-8")


def check_request(request: HttpRequest) -> None:
    """Raise ``BadText`` for the first piece of ``request`` the system refuses; normalise the rest."""
    # Django has already percent-encoded again any invalid UTF-8 in the path (what views see is ASCII
    # there); control characters it leaves.
    check_text(request.path_info, "path", "path")
    form_pairs(_query_bytes(request.META.get("QUERY_STRING", "")), "query")
    request.GET = _nfc_querydict(request.GET)  # type: ignore[assignment]
    for key, label in _CHECKED_HEADERS.items():
        if key in request.META:
            check_text(request.META[key], "path", label)
    # A bad cookie is dropped, not refused: the person cannot see or fix it (another site's script may
    # have set it), and a 400 on every page would lock them out. Nothing reads a dropped cookie.
    request.COOKIES = {
        name: value
        for name, value in request.COOKIES.items()
        if first_forbidden(name, "path") is None and first_forbidden(value, "path") is None
    }
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        _check_json_body(request)
    elif request.method == "POST" and content_type == "application/x-www-form-urlencoded":
        form_pairs(request.body, "body")
        request.POST = _nfc_querydict(request.POST)  # type: ignore[assignment]
    elif request.method == "POST" and content_type == "multipart/form-data":
        _check_multipart(request)
        request.POST = _nfc_querydict(request.POST)  # type: ignore[assignment]


def _detail(bad: BadText) -> str:
    if bad.problem == "control":
        return gettext("Có ký tự điều khiển không được phép (U+%(code)04X).") % {"code": bad.char or 0}
    if bad.problem == "surrogate":
        return gettext("Có ký tự Unicode không hợp lệ (U+%(code)04X).") % {"code": bad.char or 0}
    if bad.problem == "json_depth":
        return gettext("Nội dung JSON lồng sâu quá %(max)d cấp.") % {"max": MAX_JSON_DEPTH}
    if bad.problem == "json_number":
        return gettext("Nội dung JSON có số không hợp lệ (NaN, Infinity hoặc vượt giới hạn).")
    return gettext("Không phải văn bản UTF-8 hợp lệ.")


def _api_error(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, object] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return JsonResponse({"error": body}, status=status, json_dumps_params={"ensure_ascii": False})


class InputBoundaryMiddleware:
    """Refuses, for pages and API alike, text the system cannot hold; normalises the rest to NFC.

    Placed before the session and authentication middleware: the session key and the bearer token
    reach the database only after they have been checked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith(API_PREFIX)
        try:
            check_request(request)
        except BadText as bad:
            message = gettext("Dữ liệu gửi lên có ký tự không hợp lệ.")
            if is_api:
                return _api_error(400, "invalid_text", message, {bad.field: [_detail(bad)]})
            # Rendered like Django's own 400 page (no request context): the same template serves both.
            page = render_to_string(
                "400.html", {"message": message, "field": bad.field, "detail": _detail(bad)}
            )
            return HttpResponseBadRequest(page)
        except RequestDataTooBig:
            if not is_api:
                raise  # Django answers its 400 page
            return _api_error(413, "too_large", gettext("Nội dung gửi lên quá lớn."))
        except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
            if not is_api:
                raise
            return _api_error(400, "bad_request", gettext("Nội dung gửi lên không đúng định dạng."))
        return self.get_response(request)


def content_security_policy(directives: dict[str, list[str]], **overrides: list[str]) -> str:
    """The header value of a policy given as ``{directive: [sources]}``."""
    merged = {**directives, **{name.replace("_", "-"): value for name, value in overrides.items()}}
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in merged.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Referrer-Policy,
    Cross-Origin-Opener-Policy, HSTS and nosniff come from Django's SecurityMiddleware settings).

    HTML gets the whole policy of ``MOTCUA_CSP``: scripts and styles only from our own static files,
    no inline script or style, no eval. Every other response (JSON, PDF, spreadsheets, files) gets only
    ``frame-ancestors``: Chromium shows a PDF through an internal ``<embed>`` that ``object-src 'none'``
    would block (crbug.com/271452), and the rest of the policy means nothing outside a page.

    ``frame-ancestors`` follows X-Frame-Options (set by XFrameOptionsMiddleware, which must run
    first, i.e. come after this one in MIDDLEWARE): 'self' for a view marked
    ``xframe_options_sameorigin`` (the counter prints the receipt from a frame of its page), 'none'
    otherwise. A view that sets its own policy keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # EMC's tracking snippet on the public pages: its inline script by hash, its server (integrations.emc).
        added = emc_page.csp_sources()
        self.directives: dict[str, list[str]] = {
            name: [*sources, *added.get(name, [])] for name, sources in settings.MOTCUA_CSP.items()
        }
        self.permissions = ", ".join(f"{feature}=()" for feature in settings.MOTCUA_PERMISSIONS_DENIED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        framing = {"SAMEORIGIN": ["'self'"], "DENY": ["'none'"]}.get(
            response.headers.get("X-Frame-Options", "").upper(), ["'none'"]
        )
        if "Content-Security-Policy" not in response.headers:
            if response.headers.get("Content-Type", "").startswith("text/html"):
                policy = content_security_policy(self.directives, frame_ancestors=framing)
            else:
                policy = content_security_policy({}, frame_ancestors=framing)
            response.headers["Content-Security-Policy"] = policy
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class LanguageMiddleware:
    """Vietnamese unless the user chose another language (the cookie set by ``set_language``).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: many Vietnamese users
    run browsers set to English and must still get the Vietnamese UI by default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
