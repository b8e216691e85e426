"""Password rules by role: staff and administrators need a longer password than citizens.

Everyone gets Django's validators (``AUTH_PASSWORD_VALIDATORS``): at least 8 characters, not among the
20,000 most common passwords, not all digits, not too like the username, name or e-mail. Staff and
administrators (``accounts.selectors.is_privileged``) need at least 12 characters: their login opens
thousands of people's dossiers, and length is what makes a password hard to guess (NIST SP 800-63B).
Citizens keep that guideline's floor of 8 with the list of common passwords and the login throttle:
their login opens their own dossiers only, and a longer rule mostly produces forgotten passwords at
the counter.

``StaffMinimumLengthValidator`` sits in ``AUTH_PASSWORD_VALIDATORS``, so every place Django validates a
password (the admin's forms, ``changepassword``, our pages and services) applies it to staff; a staff
account whose password predates the rule is asked for a new one at its next web login
(``web.login_views``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

STAFF_MIN_LENGTH = 12


class StaffMinimumLengthValidator:
    """At least ``min_length`` characters for staff and administrators (for everyone when ``always``)."""

    def __init__(self, min_length: int = STAFF_MIN_LENGTH, always: bool = False) -> None:
        self.min_length = min_length
        self.always = always

    def validate(self, password: str, user: Any = None) -> None:
        from accounts.selectors import is_privileged

        if not self.always and (user is None or not is_privileged(user)):
            return
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "Mật khẩu của cán bộ, quản trị phải có ít nhất %(min_length)d ký tự.",
                    "Mật khẩu của cán bộ, quản trị phải có ít nhất %(min_length)d ký tự.",
                    self.min_length,
                ),
                code="password_too_short_for_staff",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return _("Cán bộ, quản trị: ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}


def password_problems(*, user: Any, password: str, staff: bool | None = None) -> list[str]:
    """What is wrong with ``password`` for ``user`` (empty when it is acceptable). ``staff=True`` applies
    the staff rule to an account that has no role yet (one being created for an agency)."""
    validators = get_default_password_validators()
    if staff:
        validators = [*validators, StaffMinimumLengthValidator(always=True)]
    try:
        validate_password(password, user, password_validators=validators)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def password_help_texts(*, staff: bool) -> list[str]:
    """The rules, in words, for the forms that set a password."""
    texts = [
        _("Ít nhất %(min_length)d ký tự.") % {"min_length": STAFF_MIN_LENGTH if staff else 8},
        _("Không phải mật khẩu phổ biến, không chỉ gồm chữ số."),
        _("Không giống tên đăng nhập, họ tên hay thư điện tử."),
    ]
    return texts
