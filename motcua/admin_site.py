"""The admin site (``/quan-tri/``): it opens for superusers and administrators (``organization.admin_policy``),
sends everyone else to the site's login or a refusal, and shows every refusal as a page in the admin
with its reason instead of a bare 403 or a server error.

``is_staff`` means nothing here: access comes from roles, and the one login page is the site's
(``web:login``), so whatever guards logins guards the admin too.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from kernel.errors import DomainError
from organization.admin_policy import request_reach
from organization.selectors import Authority


class MotcuaAdminSite(admin.AdminSite):
    site_header = _("Quản trị hệ thống giải quyết thủ tục hành chính")
    site_title = _("Quản trị motcua")
    index_title = _("Danh mục và cấu hình")

    def has_permission(self, request: HttpRequest) -> bool:
        return request_reach(request).top > Authority.NONE

    def refused(self, request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
        title = gettext("Không tìm thấy") if status == 404 else gettext("Không thực hiện được")
        referer = request.headers.get("Referer", "")
        came_from_here = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        context = {
            **self.each_context(request),
            "title": title,
            "message": message,
            "back_url": referer if came_from_here and referer != request.build_absolute_uri() else "",
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/refused.html", context, status=status)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not self.has_permission(request):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                return self.refused(request, gettext("Tài khoản của bạn không có vai trò quản trị."))
            try:
                response: HttpResponse = view(request, *args, **kwargs)
            except PermissionDenied as exc:
                message = str(exc) or gettext("Bạn không có quyền thực hiện thao tác này.")
                return self.refused(request, message)
            except Http404 as exc:
                return self.refused(request, str(exc) or gettext("Không tìm thấy."), status=404)
            except DomainError as exc:
                # A service refused what a form could not foresee (a concurrent change): nothing was
                # saved, the transaction of the admin view rolled back.
                return self.refused(request, exc.message, status=exc.status)
            return response

        if not cacheable:
            inner = never_cache(inner)
        if not getattr(view, "csrf_exempt", False):
            inner = csrf_protect(inner)
        return update_wrapper(inner, view)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for the whole site: the admin's own form would bypass what guards it."""
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if request.user.is_authenticated:
            return self.refused(request, gettext("Tài khoản của bạn không có vai trò quản trị."))
        return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """One page changes one's own password (``web:password_change``): it checks the current one under
        the login's throttle and ends one's other sessions and API tokens."""
        return HttpResponseRedirect(reverse("web:password_change"))
