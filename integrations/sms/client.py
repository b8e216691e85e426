"""The SMS gateway's client: the only place that talks to it. To confirm with the operator's current
documents — no Vietnamese SMS gateway publishes an open contract, so motcua defines the simplest one and
its simulator follows it:

``POST <MOTCUA_SMS_URL>`` with ``Authorization: Bearer <MOTCUA_SMS_TOKEN>`` and the JSON body
``{"to": <phone>, "text": <message>, "ref": <our unique reference>}`` → ``{"error_code", "message",
"id"}``. ``error_code`` 0 (number or string) is success and ``id`` is the gateway's identifier of the
message; a ``ref`` sent before is answered with the first message's ``id`` and not sent again, so a
resend after a lost answer is harmless (INTEGRATIONS.md: exactly-once in effect). Codes: 1 bad token,
2 bad phone number, 3 empty or too long text — permanent; 99 the gateway busy — temporary.

Both settings unset: SMS is off and the notices say so (``configured()`` is None)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from integrations.http import PartnerRefused, PartnerUnavailable, post_json
from integrations.services import ExchangeTimer
from outbox.models import OutboxMessage

PARTNER = "sms"
SMS_OFF = "Chưa cấu hình cổng SMS (MOTCUA_SMS_URL, MOTCUA_SMS_TOKEN)."
TEMPORARY_CODES = frozenset({"99"})  # the gateway busy: try again later


@dataclass(frozen=True)
class Gateway:
    url: str
    token: str


class SmsRefused(PartnerRefused):
    """The gateway refused the message for good (its code and message)."""


class SmsUnavailable(Exception):
    """Not sent for now: no answer, a time-out, or the gateway busy. Try again later."""


def configured() -> Gateway | None:
    url, token = settings.MOTCUA_SMS_URL, settings.MOTCUA_SMS_TOKEN
    return Gateway(url, token) if url and token else None


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``091****678``: what logs and pages show of a number."""
    digits = phone.strip()
    if len(digits) <= 6:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 6)}{digits[-3:]}"


def send(
    *,
    to: str,
    text: str,
    ref: str,
    dossier_code: str = "",
    message: OutboxMessage | None = None,
) -> str:
    """Send ``text`` to ``to`` under our reference ``ref``; the gateway's id of the message. Raises
    ``SmsUnavailable`` (temporary) or ``SmsRefused`` (permanent). Every call is logged (exchange log),
    the number masked."""
    gateway = configured()
    if gateway is None:
        raise SmsRefused("off", SMS_OFF)
    log = ExchangeTimer(
        partner=PARTNER,
        operation="send",
        dossier_code=dossier_code,
        message=message,
        summary=f"{mask_phone(to)} ref={ref}",
    )

    try:
        reply = post_json(
            gateway.url,
            {"to": to, "text": text, "ref": ref},
            headers={"Authorization": f"Bearer {gateway.token}"},
        )
    except PartnerUnavailable as failed:
        log("failed", answer=str(failed))
        raise SmsUnavailable(str(failed)) from failed
    if not isinstance(reply, dict):
        log("failed", answer="Câu trả lời không đúng định dạng")
        raise SmsUnavailable("Câu trả lời của cổng SMS không đúng định dạng.")
    code, said = str(reply.get("error_code", "")), str(reply.get("message", ""))
    if code == "0":
        log("accepted", code, said)
        return str(reply.get("id", ""))
    if code in TEMPORARY_CODES:
        log("failed", code, said)
        raise SmsUnavailable(f"Cổng SMS tạm thời không nhận ({code}): {said}")
    log("refused", code, said)
    raise SmsRefused(code, said)
