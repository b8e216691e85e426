"""How the applicant asked to be told of a dossier (docs/domain.md §4 rule 11): by e-mail to the address
filed on the dossier, by SMS to the phone filed on it, each said when filing (the counter form, the
online review page, the API) and checked then, so that a notice never waits on an address that cannot
work. Not said (None): the applicant's saved preference holds (notices.selectors.recipients). The
portal's inbox is no choice: an applicant with an account always has it. The applicant's change on a
draft is ``dossiers.creation.dossier_choose_notices``."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kernel.errors import DomainError

# A Vietnamese mobile number: 0 (or +84, 84) then 3, 5, 7, 8 or 9 and eight digits.
MOBILE = re.compile(r"(?:0|\+?84)([35789][0-9]{8})")
_SEPARATORS = re.compile(r"[\s.\-()]")


def mobile_number(phone: str) -> str | None:
    """``phone`` as the SMS gateway takes it (``0912345678``), or None when it is no mobile number."""
    found = MOBILE.fullmatch(_SEPARATORS.sub("", phone))
    return f"0{found.group(1)}" if found else None


def notice_contact(
    *,
    email_on: bool | None,
    sms_on: bool | None,
    email: str,
    phone: str,
    fields: tuple[str, str] = ("applicant.email", "applicant.phone"),
) -> tuple[str, str]:
    """The e-mail address and phone as filed, the phone written as the gateway takes it when SMS is
    chosen; refused, with every fault at once, when a chosen channel has no address or a bad one.
    ``fields``: the names of the e-mail and phone fields in the refusal."""
    email, phone = email.strip(), phone.strip()
    faults: dict[str, list[str]] = {}
    if email_on:
        if not email:
            faults[fields[0]] = ["Để nhận thông báo qua thư điện tử cần địa chỉ thư điện tử của người nộp."]
        else:
            try:
                validate_email(email)
            except ValidationError:
                faults[fields[0]] = [f"Địa chỉ thư điện tử «{email[:100]}» không hợp lệ."]
    if sms_on:
        number = mobile_number(phone)
        if not phone:
            faults[fields[1]] = ["Để nhận thông báo qua SMS cần số điện thoại di động của người nộp."]
        elif number is None:
            faults[fields[1]] = [
                f"Số «{phone[:20]}» không nhận được SMS: cần số di động Việt Nam gồm 10 chữ số, bắt đầu "
                "bằng 03, 05, 07, 08 hoặc 09 (hoặc +84)."
            ]
        else:
            phone = number
    if faults:
        message = " ".join(text for texts in faults.values() for text in texts)
        raise DomainError("invalid_notice_contact", message, fields=faults)
    return email, phone
