"""The outbox handler of ``notify.applicant`` (docs/adr/0016): the notice of one dossier event, on
each channel the applicant chose.

The message names its event (its key is ``<dossier uuid>:<event seq>:notify``); the dossier and the
event are read now, at delivery. An event the applicant is not told of is delivered with nothing sent
(logged as skipped). Otherwise each channel in turn — inbox, e-mail, SMS — is attempted and its
``Notice`` row written before the next: a channel recorded already (sent, failed or skipped) is never
attempted again, so a retry re-sends only what failed for now (exactly-once in effect; the SMS gateway
also dedups by our reference). A channel that fails for now makes the whole message ``Retry`` after
the others were tried; one refused for good is logged as failed and does not hold the others back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils import timezone

from dossiers.models import DossierEvent
from integrations.sms.client import mask_phone
from notices import channels, services
from notices.content import context_for, kind_of
from notices.models import Channel, Kind, Notice, NoticeTemplate
from notices.rendering import TemplateRefused, render_text
from notices.selectors import Recipients, recipients
from outbox.delivery import Refused, Retry
from outbox.models import OutboxMessage

logger = logging.getLogger("motcua.notices")

ORDER = (Channel.INBOX, Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str = ""
    recipient: str = ""
    provider_id: str = ""


def _event_of(message: OutboxMessage) -> DossierEvent:
    uuid, _sep, rest = message.key.partition(":")
    seq = rest.partition(":")[0]
    event = (
        DossierEvent.objects.filter(dossier__uuid=uuid, seq=int(seq) if seq.isdigit() else -1)
        .select_related(
            "dossier__applicant",
            "dossier__receiving_agency",
            "dossier__handling_agency",
            "dossier__version",
        )
        .first()
    )
    if event is None:
        raise Refused(f"Không tìm thấy sự kiện hồ sơ của tin {message.key}.")
    return event


def deliver(message: OutboxMessage) -> None:
    event = _event_of(message)
    dossier = event.dossier
    kind = kind_of(event)
    if kind is None:
        logger.info("notice skipped: %s #%s %s makes no notice", dossier.reference, event.seq, event.action)
        return
    done = set(Notice.objects.filter(dossier=dossier, event_seq=event.seq).values_list("channel", flat=True))
    if len(done) == len(ORDER):
        return
    context = context_for(dossier, event, kind)
    to = recipients(dossier)
    templates = {t.channel: t for t in NoticeTemplate.objects.filter(kind=kind)}
    later: list[str] = []
    for channel in ORDER:
        if channel in done:
            continue
        subject = body = ""
        try:
            template = templates.get(channel)
            if template is None:
                raise TemplateRefused(f"Chưa có mẫu thông báo «{Kind(kind).label}» cho kênh {channel}.")
            subject = render_text(template.subject, context) if template.subject else ""
            body = render_text(template.body, context)
            outcome = _attempt(channel, to, subject, body, message, event.seq)
        except TemplateRefused as refused:
            outcome = Outcome(Notice.Status.FAILED, refused.message)
        except channels.Temporary as failed:
            logger.warning("notice %s %s #%s: %s", channel, dossier.reference, event.seq, failed)
            later.append(f"{channel}: {failed}")
            continue
        services.notice_record(
            dossier=dossier,
            event_seq=event.seq,
            kind=kind,
            channel=channel,
            status=outcome.status,
            at=timezone.now(),
            recipient=outcome.recipient,
            subject=subject,
            body=body,
            reason=outcome.reason,
            provider_id=outcome.provider_id,
            inbox_user=to.inbox_user if channel == Channel.INBOX else None,
        )
        if outcome.status != Notice.Status.SENT:
            logger.info(
                "notice %s %s #%s %s: %s",
                channel,
                dossier.reference,
                event.seq,
                outcome.status,
                outcome.reason,
            )
    if later:
        raise Retry("; ".join(later))


def _attempt(
    channel: str, to: Recipients, subject: str, body: str, message: OutboxMessage, seq: int
) -> Outcome:
    """One channel: skipped with the reason, or sent; ``channels.Temporary`` goes up, ``Permanent``
    becomes a failure with its reason."""
    skipped = Notice.Status.SKIPPED
    if channel not in to.chosen:
        return Outcome(skipped, "Người nộp không chọn nhận thông báo qua kênh này.")
    ref = f"{message.key.rpartition(':')[0]}:{channel}"
    try:
        if channel == Channel.INBOX:
            if to.inbox_user is None:
                return Outcome(skipped, "Người nộp chưa có tài khoản trên Cổng.")
            return Outcome(Notice.Status.SENT)
        if channel == Channel.EMAIL:
            if not to.email:
                return Outcome(skipped, "Không có địa chỉ thư điện tử của người nộp.")
            if off := channels.email_off():
                return Outcome(skipped, off, channels.mask_email(to.email))
            sent = channels.send_email(to=to.email, subject=subject, body=body, ref=ref)
            return Outcome(Notice.Status.SENT, recipient=channels.mask_email(to.email), provider_id=sent)
        if not to.phone:
            return Outcome(skipped, "Không có số điện thoại của người nộp.")
        masked = mask_phone(to.phone)
        if off := channels.sms_off():
            return Outcome(skipped, off, masked)
        sent = channels.send_sms(
            to=to.phone, text=body, ref=ref, dossier_code=message.dossier_code, message=message
        )
        return Outcome(Notice.Status.SENT, recipient=masked, provider_id=sent)
    except channels.Permanent as refused:
        recipient = channels.mask_email(to.email) if channel == Channel.EMAIL else mask_phone(to.phone)
        return Outcome(Notice.Status.FAILED, str(refused), recipient)
