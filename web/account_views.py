"""One's own account: roles, password, second factor and recovery codes, API tokens, security events;
and, for administrators, resetting a colleague's second factor or unlocking their login."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import login_guard, selectors, services
from accounts.login_guard import LoginRefused, LoginThrottled
from accounts.models import User
from accounts.passwords import password_help_texts
from kernel.errors import DomainError, NotFound
from kernel.ratelimit import client_address
from organization.selectors import user_roles
from web.account_forms import CodeForm, PasswordChangeForm, UsernameForm
from web.login_views import NEW_RECOVERY_CODES, refusal_text


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    factor = selectors.second_factor_of(user)
    return render(
        request,
        "web/account.html",
        {
            "roles": user_roles(user),
            "privileged": selectors.is_privileged(user),
            "factor": factor,
            "codes_left": selectors.recovery_codes_left(user) if factor else 0,
            "code_form": CodeForm(),
            "tokens": [
                (token, selectors.token_is_active(token)) for token in selectors.token_list(user=user)[:50]
            ],
            "events": selectors.account_events(user=user),
            "administers": selectors.administers_logins(user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone changes their own password here; every other session and API token then ends."""

    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm  # type: ignore[assignment]
    success_url = reverse_lazy("web:account")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rules"] = password_help_texts(staff=selectors.is_privileged(_user(self.request)))
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        user = _user(self.request)
        try:
            services.password_change(
                request=self.request,
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except LoginThrottled as exc:
            form.add_error("old_password", refusal_text(exc))
            response = self.form_invalid(form)
            response.status_code = exc.status
            return response
        except DomainError as exc:
            if exc.code == "wrong_password":
                form.add_error("old_password", gettext(exc.message))
                return self.form_invalid(form)
            for field, problems in exc.fields.items():
                target = "new_password1" if field == "new_password" else field
                for problem in problems:
                    form.add_error(target, gettext(problem))
            if not exc.fields:
                form.add_error(None, gettext(exc.message))
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(
            self.request,
            gettext("Đã đổi mật khẩu. Các phiên đăng nhập khác và mọi mã truy cập API đã hết hiệu lực."),
        )
        return HttpResponseRedirect(self.get_success_url())


@never_cache
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made at enrolment, shown once."""
    shown = request.session.pop(NEW_RECOVERY_CODES, None)
    if not isinstance(shown, dict):
        return redirect("web:account")
    return render(
        request,
        "web/recovery_codes.html",
        {"codes": shown["codes"], "next": shown.get("next") or reverse("web:account"), "enrolled": True},
    )


@never_cache
@sensitive_post_parameters()
@require_POST
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    """New recovery codes against a current code of the authenticator app; shown once."""
    user = _user(request)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except (LoginRefused, LoginThrottled, DomainError) as exc:
            messages.error(request, refusal_text(exc))
        else:
            return render(
                request,
                "web/recovery_codes.html",
                {"codes": codes, "next": reverse("web:account"), "enrolled": False},
            )
    else:
        messages.error(request, gettext("Hãy nhập mã 6 chữ số trong ứng dụng xác thực."))
    return redirect(reverse("web:account") + "#xac-thuc-hai-buoc")


@require_POST
def token_revoke(request: HttpRequest, token_id: UUID) -> HttpResponse:
    user = _user(request)
    try:
        token = selectors.token_get(user=user, token_uuid=str(token_id))
    except NotFound as exc:
        raise Http404 from exc
    services.token_revoke_own(user=user, token=token)
    messages.success(request, gettext("Đã thu hồi mã truy cập %(prefix)s…") % {"prefix": token.prefix})
    return redirect(reverse("web:account") + "#ma-truy-cap")


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every other session and every API token; this session stays."""
    user = _user(request)
    count = services.credentials_revoke(user=user, actor=user, address=client_address(request))
    update_session_auth_hash(request, user)
    messages.success(
        request,
        gettext("Đã đăng xuất mọi nơi khác và thu hồi %(count)d mã truy cập API.") % {"count": count},
    )
    return redirect("web:account")


def login_admin(request: HttpRequest) -> HttpResponse:
    """For administrators: a colleague's second factor and login lock, by username."""
    actor = _user(request)
    if not selectors.administers_logins(actor):
        raise Http404
    target: User | None = None
    form = UsernameForm(request.POST or request.GET or None)
    if form.is_valid():
        try:
            target = selectors.administered_login(actor=actor, username=form.cleaned_data["username"])
        except NotFound as exc:
            form.add_error("username", gettext(exc.message))
    if target is not None and request.method == "POST":
        action = request.POST.get("action")
        address = client_address(request)
        if action == "reset":
            services.second_factor_reset(actor=actor, user=target, address=address)
            messages.success(
                request,
                gettext(
                    "Đã đặt lại xác thực hai bước của %(name)s: mọi phiên đăng nhập và mã truy cập của "
                    "người này đã kết thúc; lần đăng nhập sau họ đăng ký lại ứng dụng xác thực."
                )
                % {"name": target.display_name},
            )
        elif action == "unlock":
            services.login_unlock(actor=actor, user=target, address=address)
            messages.success(
                request, gettext("Đã mở khóa đăng nhập của %(name)s.") % {"name": target.display_name}
            )
        return redirect(f"{reverse('web:login_admin')}?username={target.username}")
    context: dict[str, Any] = {"form": form, "target": target}
    if target is not None:
        until = login_guard.locked_until(target.username)
        context.update(
            factor=selectors.second_factor_of(target),
            codes_left=selectors.recovery_codes_left(target),
            roles=user_roles(target),
            locked_until=datetime.fromtimestamp(until, UTC) if until else None,
            events=selectors.account_events(user=target, limit=10),
        )
    return render(request, "web/login_admin.html", context)
