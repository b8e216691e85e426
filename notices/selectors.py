"""Reads of the notices: a citizen's inbox, a dossier's notices, the channels an applicant chose."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import Applicant, User
from dossiers.models import Dossier
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


def channel_choice(applicant: Applicant) -> tuple[bool, bool, bool]:
    """(inbox, email, sms) as the applicant chose, or the defaults: all three, each used when its
    address is known."""
    found = ChannelChoice.objects.filter(applicant=applicant).first()
    return (found.inbox, found.email, found.sms) if found else (True, True, True)


@dataclass(frozen=True)
class Recipients:
    """Where a dossier's notices go: the chosen channels and each one's address (empty: not known)."""

    chosen: frozenset[str]
    inbox_user: User | None
    email: str
    phone: str


def recipients(dossier: Dossier) -> Recipients:
    """The addresses as filed on the dossier, else the applicant's profile; the inbox is the account
    of the dossier's applicant, if any."""
    applicant = dossier.applicant
    inbox_on, email_on, sms_on = channel_choice(applicant)
    chosen = {
        c for c, on in ((Channel.INBOX, inbox_on), (Channel.EMAIL, email_on), (Channel.SMS, sms_on)) if on
    }
    user = User.objects.filter(pk=applicant.user_id).first() if applicant.user_id else None
    return Recipients(
        chosen=frozenset(chosen),
        inbox_user=user,
        email=(dossier.applicant_email or applicant.email or "").strip(),
        phone=(dossier.applicant_phone or applicant.phone or "").strip(),
    )
