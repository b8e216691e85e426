"""URLs: the public site and workspace (``web``), the REST API (``/api/v1/``), the admin (``/quan-tri/``)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import include, path, re_path, reverse
from django.utils.http import urlencode
from django.views.i18n import set_language

from kernel.access import public
from motcua.api import api


@public
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown API paths answer in the API's error shape, not with an HTML page."""
    return JsonResponse(
        {"error": {"code": "not_found", "message": "Không có địa chỉ API này."}},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


@public
def admin_login(request: HttpRequest) -> HttpResponseRedirect:
    """The admin logs in through the site's login — throttled, with the second factor — never its own."""
    query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
    return HttpResponseRedirect(f"{reverse('web:login')}?{query}")


urlpatterns = [
    # Before the admin's own URLs, which it replaces.
    path("quan-tri/login/", admin_login, name="admin_login"),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("chi-so/", include("serviceindex.urls")),
    path("bao-cao/", include("reports.urls")),
    path("kiosk/", include("kiosk.urls")),
    path("tep-cong/", include("integrations.urls")),  # signed file links for the national portal
    path("", include("web.urls")),
]
