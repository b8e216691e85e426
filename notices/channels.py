"""The three ways a notice reaches the applicant. Each ``send_*`` returns the provider's id (may be
empty) or raises ``Temporary`` (try again later) or ``Permanent`` (this channel will not work for this
notice); ``*_off`` says why a channel is not configured, or "" when it is."""

from __future__ import annotations

import re
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage

from integrations.sms import client as sms_client
from outbox.models import OutboxMessage

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_OFF = "Chưa cấu hình gửi thư điện tử (EMAIL_HOST)."
# What a Message-ID may hold: an id-left of dot-atom text (our reference's ":" become "."), a domain.
_ID_JUNK = re.compile(r"[^A-Za-z0-9.\-]+")
_DOMAIN_JUNK = re.compile(r"[^A-Za-z0-9.\-]")


class Temporary(Exception):
    pass


class Permanent(Exception):
    pass


def mask_email(address: str) -> str:
    """``dan.nguyen@example.vn`` → ``d*********@example.vn``."""
    name, _at, domain = address.partition("@")
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}@{domain}" if domain else "***"


def email_off() -> str:
    """E-mail is on with a backend other than SMTP (console, files, tests' memory) or an SMTP host."""
    if settings.EMAIL_BACKEND == SMTP_BACKEND and not settings.EMAIL_HOST:
        return EMAIL_OFF
    return ""


def message_id(ref: str) -> str:
    """The Message-ID of the notice e-mail ``ref`` (``<dossier uuid>:<event seq>:email``), under the
    sender's domain: the same on every attempt, so that a message sent again after a worker died before
    recording it is, to mail clients, the message they have (RFC 5322 §3.6.4)."""
    domain = _DOMAIN_JUNK.sub("", parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2])
    return f"<{_ID_JUNK.sub('.', ref)}@{domain or 'motcua.local'}>"


def send_email(*, to: str, subject: str, body: str, ref: str) -> str:
    """One plain-text message, UTF-8, with the notice's own Message-ID (``message_id``)."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id(ref)},
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as refused:
        raise Permanent(f"Máy chủ thư từ chối địa chỉ: {refused.recipients}") from refused
    except smtplib.SMTPResponseException as answer:
        text = (
            answer.smtp_error.decode(errors="replace")
            if isinstance(answer.smtp_error, bytes)
            else str(answer.smtp_error)
        )
        if 500 <= answer.smtp_code < 600:
            raise Permanent(f"Máy chủ thư từ chối ({answer.smtp_code}): {text}") from answer
        raise Temporary(f"Máy chủ thư tạm thời không nhận ({answer.smtp_code}): {text}") from answer
    except (smtplib.SMTPException, OSError) as failed:  # OSError: refused, reset, timed out
        raise Temporary(f"Không gửi được thư: {failed}") from failed
    return str(message.extra_headers["Message-ID"])


def sms_off() -> str:
    return "" if sms_client.configured() is not None else sms_client.SMS_OFF


def send_sms(*, to: str, text: str, ref: str, dossier_code: str, message: OutboxMessage | None) -> str:
    try:
        return sms_client.send(to=to, text=text, ref=ref, dossier_code=dossier_code, message=message)
    except sms_client.SmsUnavailable as failed:
        raise Temporary(str(failed)) from failed
    except sms_client.SmsRefused as refused:
        raise Permanent(f"Cổng SMS từ chối ({refused.code}): {refused.message}") from refused
