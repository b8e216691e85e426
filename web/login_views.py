"""Logging in on the web: the password, then — for staff and administrators — the second factor.

``/dang-nhap/`` checks the password (throttled, ``accounts.login_guard``). Citizens and businesses are
then logged in. Staff are not yet: the session holds a *pending* login (who, under which password, for
ten minutes) and the next page asks for

- a new password, if theirs predates the staff rules (``/dang-nhap/mat-khau-moi/``);
- the code of their authenticator app or a recovery code (``/dang-nhap/ma-xac-thuc/``), or, if they
  have none yet, enrolment: a QR code and the secret in text, confirmed with a first code, after which
  the recovery codes are shown once (``/dang-nhap/dang-ky-xac-thuc/``).

Only then is the session logged in (``django.contrib.auth.login``), so a pending login opens nothing,
and a session that is logged in — ``client.force_login`` in tests — is a full login.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services, totp
from accounts.login_guard import LoginRefused, LoginThrottled
from accounts.models import User
from accounts.passwords import password_help_texts
from accounts.selectors import DEMO_OTP_SECRET, second_factor_of
from accounts.services import PasswordChecked, SecondStep
from kernel.access import public
from kernel.errors import DomainError
from kernel.ratelimit import client_address
from web.account_forms import CodeForm, LoginForm, NewPasswordForm

PENDING = "login_pending"
PENDING_SECONDS = 600
NEW_RECOVERY_CODES = "recovery_codes_new"


def refusal_text(exc: DomainError) -> str:
    """A login refusal in the visitor's language (the API keeps the Vietnamese ``exc.message``)."""
    template = getattr(exc, "template", None)
    if template is None:
        return gettext(exc.message)
    params = getattr(exc, "params", {})
    return gettext(template) % params if params else gettext(template)


def default_landing(user: User) -> str:
    """Officers land on their inbox, everyone else on the home page."""
    if user.is_superuser or user.memberships.filter(is_active=True).exists():
        return reverse("web:workspace_inbox")
    return reverse("web:home")


class SiteLoginView(auth_views.LoginView):
    """The password step; a ``next`` address is kept through the second step."""

    template_name = "registration/login.html"
    authentication_form = LoginForm  # type: ignore[assignment]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["site_name"] = settings.MOTCUA_SITE_NAME  # not the host name LoginView puts there
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            checked = services.login_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except (LoginRefused, LoginThrottled) as exc:
            form.add_error(None, refusal_text(exc))
            response = self.form_invalid(form)
            response.status_code = exc.status if isinstance(exc, LoginThrottled) else 200
            return response
        return self._next_step(checked)

    def _next_step(self, checked: PasswordChecked) -> HttpResponse:
        request, user = self.request, checked.user
        if checked.second_step == SecondStep.NONE:
            auth_login(request, user)
            services.login_completed(user=user)
            return HttpResponseRedirect(self.get_redirect_url() or default_landing(user))
        if request.user.is_authenticated:
            request.session.flush()  # someone else's login ends here, not when the second step succeeds
        else:
            request.session.cycle_key()  # a new session key for the half-logged-in visitor
        request.session[PENDING] = {
            "user": user.pk,
            "hash": user.get_session_auth_hash(),
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "started": int(time.time()),
            "next": self.get_redirect_url(),
            "password_change": checked.password_change_required,
            "step": checked.second_step.value,
        }
        return redirect(_step_url(request.session[PENDING]))


def _step_url(pending: dict[str, Any]) -> str:
    if pending.get("password_change"):
        return reverse("web:login_new_password")
    if pending["step"] == SecondStep.ENROL:
        return reverse("web:login_enrol")
    return reverse("web:login_verify")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The pending login of this session: still young, its user active and under the same password."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if (
        user is None
        or time.time() - pending.get("started", 0) > PENDING_SECONDS
        or not constant_time_compare(user.get_session_auth_hash(), pending.get("hash", ""))
    ):
        request.session.pop(PENDING, None)
        return None
    return user, pending


def _expired(request: HttpRequest) -> HttpResponse:
    messages.warning(request, gettext("Phiên đăng nhập đã hết hạn. Vui lòng nhập lại mật khẩu."))
    return redirect("web:login")


def _finish(request: HttpRequest, user: User, pending: dict[str, Any]) -> str:
    """Log the session in after the second step; the address to go to."""
    request.session.pop(PENDING, None)
    auth_login(request, user, backend=pending["backend"])
    target = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    return target or default_landing(user)


def _cancel_link() -> SafeString:
    return format_html('<a href="{}">{}</a>', reverse("web:login"), gettext("Đăng nhập bằng tài khoản khác"))


@public
@never_cache
@sensitive_post_parameters()
def login_verify(request: HttpRequest) -> HttpResponse:
    """The code step: the authenticator app's code, or a recovery code."""
    found = _pending(request)
    if found is None or found[1].get("password_change") or found[1]["step"] != SecondStep.VERIFY:
        return _expired(request) if found is None else redirect(_step_url(found[1]))
    user, pending = found
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.login_second_factor(request=request, user=user, code=form.cleaned_data["code"])
        except (LoginRefused, LoginThrottled) as exc:
            form.add_error("code", refusal_text(exc))
            status = exc.status if isinstance(exc, LoginThrottled) else 200
        else:
            return redirect(_finish(request, user, pending))
    factor = second_factor_of(user)
    return render(
        request,
        "registration/login_verify.html",
        {
            "form": form,
            "pending_user": user,
            "cancel": _cancel_link(),
            # The demo's staff share a published secret (README): say where their code comes from.
            "demo_secret": totp.grouped(DEMO_OTP_SECRET)
            if factor is not None and factor.secret == DEMO_OTP_SECRET
            else "",
        },
        status=status,
    )


@public
@never_cache
@sensitive_post_parameters()
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Enrolment of an authenticator app: the QR code and the secret, confirmed with a first code."""
    found = _pending(request)
    if found is None or found[1].get("password_change") or found[1]["step"] != SecondStep.ENROL:
        return _expired(request) if found is None else redirect(_step_url(found[1]))
    user, pending = found
    if not pending.get("secret"):
        pending["secret"] = totp.generate_secret()
        request.session[PENDING] = pending
    secret = pending["secret"]
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.login_enrol(
                request=request, user=user, secret=secret, code=form.cleaned_data["code"]
            )
        except (LoginRefused, LoginThrottled) as exc:
            form.add_error("code", refusal_text(exc))
            status = exc.status if isinstance(exc, LoginThrottled) else 200
        except DomainError as exc:  # enrolled meanwhile (another tab)
            form.add_error("code", refusal_text(exc))
        else:
            target = _finish(request, user, pending)
            request.session[NEW_RECOVERY_CODES] = {"codes": codes, "next": target}
            return redirect("web:recovery_codes_new")
    issuer = settings.MOTCUA_SITE_NAME
    uri = totp.provisioning_uri(secret, account=user.username, issuer=issuer)
    qr_svg = mark_safe(segno.make(uri, error="m").svg_inline(scale=5, border=2))  # our own SVG
    return render(
        request,
        "registration/login_enrol.html",
        {
            "form": form,
            "pending_user": user,
            "secret": totp.grouped(secret),
            "qr_svg": qr_svg,
            "issuer": issuer,
            "cancel": _cancel_link(),
        },
        status=status,
    )


@public
@never_cache
@sensitive_post_parameters()
def login_new_password(request: HttpRequest) -> HttpResponse:
    """Staff whose password predates the staff rules choose a new one before the second step."""
    found = _pending(request)
    if found is None or not found[1].get("password_change"):
        return _expired(request) if found is None else redirect(_step_url(found[1]))
    user, pending = found
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(
                actor=user,
                user=user,
                password=form.cleaned_data["new_password1"],
                address=client_address(request),
            )
        except DomainError as exc:
            for message in exc.fields.get("new_password", [exc.message]):
                form.add_error("new_password1", gettext(message))
        else:
            pending.update(password_change=False, hash=user.get_session_auth_hash())
            request.session[PENDING] = pending
            messages.success(request, gettext("Đã đặt mật khẩu mới."))
            return redirect(_step_url(pending))
    return render(
        request,
        "registration/login_new_password.html",
        {
            "form": form,
            "pending_user": user,
            "rules": password_help_texts(staff=True),
            "cancel": _cancel_link(),
        },
    )
