"""Every write of the notices: an administrator's edit of a template, a notice recorded after its
channel's attempt (with the inbox entry it makes), a citizen reading his inbox, an applicant's choice
of channels."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Applicant, User
from dossiers.models import Dossier
from kernel.errors import DomainError, NotFound
from notices.content import sample_context
from notices.models import Channel, ChannelChoice, InboxEntry, Notice, NoticeTemplate
from notices.rendering import TemplateRefused, check_text

SUBJECT_LENGTH = 300


def template_refusal(*, channel: str, subject: str, body: str) -> DomainError | None:
    """Why a template's text cannot be saved, or None: each part must render with a notice's values and
    use only the known placeholders and plain tags (notices/rendering.py)."""
    sample = sample_context()
    if not body.strip():
        return DomainError(
            "body_required", "Nội dung mẫu không được để trống.", fields={"body": ["Bắt buộc nhập."]}
        )
    if channel != Channel.SMS and not subject.strip():
        return DomainError(
            "subject_required", "Tiêu đề không được để trống.", fields={"subject": ["Bắt buộc nhập."]}
        )
    if len(subject) > SUBJECT_LENGTH:
        message = f"Tiêu đề dài quá {SUBJECT_LENGTH} ký tự."
        return DomainError("subject_too_long", message, fields={"subject": [message]})
    for name, part, text in (("subject", "Tiêu đề", subject), ("body", "Nội dung", body)):
        try:
            check_text(text, part, sample)
        except TemplateRefused as refused:
            return DomainError("template_invalid", refused.message, fields={name: [refused.message]})
    return None


def template_update(*, actor: User, template: NoticeTemplate, subject: str, body: str) -> NoticeTemplate:
    """Save a template's new text (NFC), refused with the precise reason when it does not render."""
    subject = unicodedata.normalize("NFC", subject).strip()
    body = unicodedata.normalize("NFC", body).replace("\r\n", "\n")
    error = template_refusal(channel=template.channel, subject=subject, body=body)
    if error is not None:
        raise error
    with transaction.atomic():
        locked = NoticeTemplate.objects.select_for_update().get(pk=template.pk)
        locked.subject, locked.body, locked.updated_by = subject, body, actor
        locked.save(update_fields=["subject", "body", "updated_by", "updated_at"])
    return locked


def notice_record(
    *,
    dossier: Dossier,
    event_seq: int,
    kind: str,
    channel: str,
    status: str,
    at: datetime,
    recipient: str = "",
    subject: str = "",
    body: str = "",
    reason: str = "",
    provider_id: str = "",
    inbox_user: User | None = None,
) -> Notice:
    """Record how one channel's notice of one event ended (and, for the inbox, the entry the citizen
    sees), once: recording a channel recorded already returns the first row."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                dossier=dossier,
                event_seq=event_seq,
                kind=kind,
                channel=channel,
                status=status,
                at=at,
                recipient=recipient[:300],
                subject=subject[:SUBJECT_LENGTH],
                body=body,
                reason=reason[:500],
                provider_id=provider_id[:100],
            )
            if inbox_user is not None and status == Notice.Status.SENT:
                InboxEntry.objects.create(user=inbox_user, notice=notice, created_at=at)
    except IntegrityError:
        return Notice.objects.get(dossier=dossier, event_seq=event_seq, channel=channel)
    return notice


def inbox_mark_read(*, user: User, entry_uuid: UUID | str, at: datetime | None = None) -> InboxEntry:
    """Mark one of the user's own inbox entries read; another's answers "not found"."""
    entry = InboxEntry.objects.filter(user=user, uuid=entry_uuid).first()
    if entry is None:
        raise NotFound("Không tìm thấy thông báo này.")
    if entry.read_at is None:
        entry.read_at = at or timezone.now()
        entry.save(update_fields=["read_at"])
    return entry


def inbox_mark_all_read(*, user: User, at: datetime | None = None) -> int:
    return InboxEntry.objects.filter(user=user, read_at__isnull=True).update(read_at=at or timezone.now())


def channels_choose(*, applicant: Applicant, email: bool, sms: bool) -> ChannelChoice:
    """The applicant's saved preference for e-mail and SMS: it fills in the choice of his next filings
    and holds for a dossier filed without one. The portal's inbox stays on."""
    choice, _created = ChannelChoice.objects.update_or_create(
        applicant=applicant, defaults={"email": email, "sms": sms}
    )
    return choice
