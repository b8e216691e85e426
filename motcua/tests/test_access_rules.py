"""Deny by default: every URL declares who may open it, and every API operation not listed as public
requires a login (STYLE, after manage.get.gov)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from motcua.api import api

# Reference data and public services anyone may read without logging in.
PUBLIC_API = {
    ("POST", "/auth/token"),
    ("GET", "/units"),
    ("GET", "/agencies"),
    ("GET", "/agencies/{code}"),
    ("GET", "/procedures"),
    ("GET", "/procedures/{code}"),
    ("GET", "/calendar/due"),
    ("GET", "/calendar/{year}"),
    ("GET", "/public/dossiers/{code}"),
    ("GET", "/verify/{verification_id}"),
    ("POST", "/verify"),
    ("GET", "/index"),
    ("GET", "/index/units/{agency_code}/history"),
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_web_view_declares_its_access():
    undeclared = []
    for route, callback in _walk(get_resolver().url_patterns):
        if route.startswith(("quan-tri/", "api/v1/")):
            continue  # the admin checks staff itself; the API is checked below
        view = getattr(callback, "view_class", None) or callback
        if getattr(callback, "access", None) is None and getattr(view, "access", None) is None:
            undeclared.append(route)
    assert undeclared == []


def test_every_api_operation_needs_login_unless_listed_public():
    schema = api.get_openapi_schema()
    found_public = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
    }
    assert found_public == PUBLIC_API


def test_admin_requires_staff(client, officer_a):
    assert client.get("/quan-tri/").status_code == 302
    client.force_login(officer_a)
    assert client.get("/quan-tri/").status_code == 302
