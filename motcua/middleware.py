"""Normalise every piece of text a request brings to Unicode NFC (STYLE: NFC on input), so that
"Hòa" typed with combining marks and "Hòa" precomposed are the same string everywhere after."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation


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


class NfcInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _nfc_querydict(request.GET)  # type: ignore[assignment]
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in {"POST", "PUT", "PATCH"}:
            if content_type.startswith("application/json"):
                body = request.body
                try:
                    text = body.decode("utf-8")
                except UnicodeDecodeError:
                    text = None  # let the API answer the bad encoding
                if text is not None and not unicodedata.is_normalized("NFC", text):
                    request._body = unicodedata.normalize("NFC", text).encode("utf-8")
            elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                request.POST = _nfc_querydict(request.POST)  # type: ignore[assignment]
        return self.get_response(request)


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
