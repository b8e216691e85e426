"""Forms of logging in and of one's own account: password, second-factor code, enrolment, new password.

They only check what a browser can get wrong (a missing field, two new passwords that differ); the
rules — throttling, the code, the password rules — are the services' (``accounts.services``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class LoginForm(forms.Form):
    """The password step. ``LoginView`` passes the request; ``SiteLoginView`` runs the service."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def get_user(self) -> User | None:
        return None


class CodeForm(forms.Form):
    """A code of the authenticator app (6 digits) or a recovery code (xxxx-xxxx-xxxx-xxxx)."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=40,
        error_messages={"required": _("Hãy nhập mã 6 chữ số trong ứng dụng xác thực.")},
    )


class NewPasswordForm(forms.Form):
    """A new password, typed twice."""

    new_password1 = forms.CharField(label=_("Mật khẩu mới"), strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Hai lần nhập mật khẩu mới không khớp."))
        return data


class PasswordChangeForm(NewPasswordForm):
    """The person's own change: the current password, then the new one twice. ``PasswordChangeView``
    passes ``user``."""

    old_password = forms.CharField(label=_("Mật khẩu hiện tại"), strip=False, widget=forms.PasswordInput)
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class UsernameForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập của cán bộ"), max_length=150)
