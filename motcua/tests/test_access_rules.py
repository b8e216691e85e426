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
    ("GET", "/history/anchors"),
    ("GET", "/history/anchors/{day}"),
}

# Operations for a partner's system, not for users: only the partner's own token opens them (a user's
# token or session is no key), checked below and in integrations/tests/test_portal_inbound.py.
PARTNER_API = {
    ("POST", "/portal/inbound"): "PortalToken",
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
            continue  # the admin applies organization/admin_policy.py itself; the API is checked below
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


def test_partner_operations_take_only_the_partners_token():
    schema = api.get_openapi_schema()
    partner_schemes = set(PARTNER_API.values())
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            schemes = {name for requirement in operation.get("security", []) for name in requirement}
            if schemes & partner_schemes:
                found[(method.upper(), path.removeprefix("/api/v1"))] = schemes
    assert found == {key: {scheme} for key, scheme in PARTNER_API.items()}


def test_admin_requires_an_administrator_role(client, officer_a):
    """Anonymous visitors go to the site's login; an officer without an administrator role is refused
    (the persona-by-persona walk is web/tests/test_admin_access.py)."""
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/quan-tri/"
    client.force_login(officer_a)
    response = client.get("/quan-tri/")
    assert response.status_code == 403
    assert "Tài khoản của bạn không có vai trò quản trị." in response.content.decode()
