"""The three ways a notice reaches the applicant. Each ``send_*`` returns the provider's id (may be
empty) or raises ``Temporary`` (try again later) or ``Permanent`` (this channel will not work for this
notice); ``*_off`` says why a channel is not configured, or "" when it is."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from integrations.sms import client as sms_client
from outbox.models import OutboxMessage

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_OFF = "Chưa cấu hình gửi thư điện tử (EMAIL_HOST)."


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


def send_email(*, to: str, subject: str, body: str, ref: str) -> str:
    """One plain-text message, UTF-8. The Message-ID is made from ``ref``: a message sent again after a
    worker died before recording it carries the same id, which mail clients show once."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "motcua"
    message_id = f"<{ref.replace(':', '.')}@{domain}>"
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
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
    return message_id


def sms_off() -> str:
    return "" if sms_client.configured() is not None else sms_client.SMS_OFF


def send_sms(*, to: str, text: str, ref: str, dossier_code: str, message: OutboxMessage | None) -> str:
    try:
        return sms_client.send(to=to, text=text, ref=ref, dossier_code=dossier_code, message=message)
    except sms_client.SmsUnavailable as failed:
        raise Temporary(str(failed)) from failed
    except sms_client.SmsRefused as refused:
        raise Permanent(f"Cổng SMS từ chối ({refused.code}): {refused.message}") from refused
