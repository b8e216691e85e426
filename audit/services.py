"""Recording reads of personal data (Decree 13/2023/NĐ-CP): ``record_access`` is the one writer of
``PersonalDataAccess``. It is called by the pages and API operations that show a dossier's personal data
to staff, after the selector has allowed the read.

Reloading a page must not flood the log: a read by the same person, of the same kind, of the same
dossier (or file, or looked-up number) within ``MOTCUA_ACCESS_LOG_WINDOW_SECONDS`` of the last recorded
one is not recorded again. The applicant reading his own dossier is not recorded: it is his data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from audit.models import PersonalDataAccess
from dossiers.models import Dossier
from kernel.ratelimit import client_address
from organization.models import Agency, Membership
from organization.selectors import agency_subtree

Kind = PersonalDataAccess.Kind

# Salt of the keyed hash of looked-up identity numbers; the key is SECRET_KEY (docs/adr/0010).
_SUBJECT_SALT = "motcua.audit.subject"


def subject_hash(number: str) -> str:
    """The keyed hash (HMAC-SHA256 under SECRET_KEY) a looked-up CCCD or tax code is logged as: an
    auditor holding the number finds its look-ups; the log alone does not give the numbers back (a
    plain hash of a 12-digit CCCD would be reversed by trying them all)."""
    return salted_hmac(_SUBJECT_SALT, "".join(number.split()), algorithm="sha256").hexdigest()


def subject_mask(number: str) -> str:
    """``********1234``: enough for a person reading the log to tell two look-ups apart."""
    number = "".join(number.split())
    return "*" * max(len(number) - 4, 0) + number[-4:]


def _acting_membership(actor: User, dossier: Dossier | None) -> Membership | None:
    """The membership through which ``actor`` read: one at (or under) the dossier's receiving or
    handling agency when there is one, else his first active one."""
    memberships = Membership.objects.filter(user=actor, is_active=True).select_related("agency")
    if dossier is not None:
        near = agency_subtree([dossier.receiving_agency_id, dossier.handling_agency_id])
        found = memberships.filter(agency_id__in=near).order_by("agency__level", "pk").first()
        if found is not None:
            return found
    return memberships.order_by("pk").first()


def record_access(
    *,
    actor: User,
    kind: str,
    request: HttpRequest | None = None,
    dossier: Dossier | None = None,
    subject: str = "",
    found: bool | None = None,
    object_ref: str = "",
    at: datetime | None = None,
) -> PersonalDataAccess | None:
    """Record that ``actor`` read personal data; ``None`` when nothing was recorded (the applicant's
    own dossier, or the same read within the de-duplication window)."""
    if not actor.is_authenticated:
        return None
    if dossier is not None and dossier.applicant.user_id == actor.pk:
        return None
    at = at or timezone.now()
    hashed = subject_hash(subject) if subject else ""
    window = timedelta(seconds=settings.MOTCUA_ACCESS_LOG_WINDOW_SECONDS)
    recent = PersonalDataAccess.objects.filter(
        actor=actor,
        kind=kind,
        dossier=dossier,
        subject_hash=hashed,
        object_ref=object_ref,
        at__gt=at - window,
    )
    if found is not None:
        recent = recent.filter(found=found)
    if window and recent.exists():
        return None
    membership = _acting_membership(actor, dossier)
    agency: Agency | None = membership.agency if membership else None
    return PersonalDataAccess.objects.create(
        kind=kind,
        actor=actor,
        agency=agency,
        role=membership.role if membership else "",
        dossier=dossier,
        subject_hash=hashed,
        subject_mask=subject_mask(subject) if subject else "",
        found=found,
        object_ref=object_ref[:100],
        client_address=client_address(request)[:45] if request is not None else "",
        at=at,
    )


__all__ = ["record_access", "subject_hash", "subject_mask"]
