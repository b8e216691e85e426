"""Reads of the notices: a citizen's inbox, a dossier's notices, the channels an applicant chose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from accounts.models import Applicant, User
from dossiers.models import Dossier
from integrations.sms.client import mask_phone
from notices.channels import mask_email
from notices.models import Channel, ChannelChoice, InboxEntry, Notice


def inbox(user: User) -> QuerySet[InboxEntry]:
    """The user's own inbox, newest first (only the account of a dossier's applicant has entries)."""
    return (
        InboxEntry.objects.filter(user=user)
        .select_related("notice", "notice__dossier")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: User) -> int:
    return InboxEntry.objects.filter(user=user, read_at__isnull=True).count()


def dossier_notices(dossier: Dossier) -> list[Notice]:
    """Every notice of the dossier, oldest first (the caller has checked who may see the dossier)."""
    return list(Notice.objects.filter(dossier=dossier).order_by("at", "pk"))


def channel_choice(applicant: Applicant) -> tuple[bool, bool]:
    """(email, sms) as the applicant saved them, or the defaults: both, each used when its address is
    known. The portal's inbox is always on."""
    found = ChannelChoice.objects.filter(applicant=applicant).first()
    return (found.email, found.sms) if found else (True, True)


def filing_choice(applicant: Applicant, *, email: str, phone: str) -> tuple[bool, bool]:
    """What a filing form ticks for (email, sms) at first: the saved preference, where the address it
    needs is known."""
    email_on, sms_on = channel_choice(applicant)
    return email_on and bool(email.strip()), sms_on and bool(phone.strip())


@dataclass(frozen=True)
class Recipients:
    """Where a dossier's notices go: the chosen channels and each one's address (empty: not known)."""

    chosen: frozenset[str]
    inbox_user: User | None
    email: str
    phone: str


def recipients(dossier: Dossier) -> Recipients:
    """The channels the dossier's applicant asked for when filing (``Dossier.notify_email``,
    ``notify_sms``), else his saved preference, and the inbox always; the addresses as filed on the
    dossier, else the applicant's profile; the inbox is the account of the dossier's applicant, if any."""
    applicant = dossier.applicant
    email_on, sms_on = dossier.notify_email, dossier.notify_sms
    if email_on is None or sms_on is None:
        saved_email, saved_sms = channel_choice(applicant)
        email_on = saved_email if email_on is None else email_on
        sms_on = saved_sms if sms_on is None else sms_on
    chosen = {Channel.INBOX} | {c for c, on in ((Channel.EMAIL, email_on), (Channel.SMS, sms_on)) if on}
    user = User.objects.filter(pk=applicant.user_id).first() if applicant.user_id else None
    return Recipients(
        chosen=frozenset(chosen),
        inbox_user=user,
        email=(dossier.applicant_email or applicant.email or "").strip(),
        phone=(dossier.applicant_phone or applicant.phone or "").strip(),
    )


@dataclass(frozen=True)
class NoticeWays:
    """How a dossier's notices go, for the officer's page: (channel label, masked address) in order,
    and whether the dossier chose them when filed (else the applicant's saved preference)."""

    ways: list[tuple[Any, str]]
    stated: bool


def notice_ways(dossier: Dossier) -> NoticeWays:
    to = recipients(dossier)
    ways: list[tuple[Any, str]] = [(Channel.INBOX.label, "")] if to.inbox_user is not None else []
    if Channel.EMAIL in to.chosen and to.email:
        ways.append((Channel.EMAIL.label, mask_email(to.email)))
    if Channel.SMS in to.chosen and to.phone:
        ways.append((Channel.SMS.label, mask_phone(to.phone)))
    return NoticeWays(ways, dossier.notify_email is not None and dossier.notify_sms is not None)
