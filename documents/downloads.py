"""Downloads of stored files: who may download one (a paper or result of a dossier they may see, their own
data store, a certified copy they issued), and the log of a download of someone else's file
(docs/adr/0010: personal data read only where it must be, and logged). The API and the pages share
these two functions."""

from __future__ import annotations

import uuid

from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User
from audit.services import Kind, record_access
from documents.models import CertifiedCopy, StoredFile, VaultItem
from dossiers.selectors import visible_dossiers
from kernel.errors import NotFound


def accessible_file(user: User, file_uuid: str) -> StoredFile:
    """A file the user may download: used by a dossier they may see, in their own data store, or a
    certified copy they issued themselves."""
    try:
        stored = StoredFile.objects.select_related("blob").filter(uuid=uuid.UUID(file_uuid)).first()
    except ValueError:
        stored = None
    if stored is None:
        raise NotFound("Không tìm thấy tệp.")
    dossiers = visible_dossiers(user)
    used = (
        dossiers.filter(Q(components__files__file=stored) | Q(results__file=stored)).exists()
        or VaultItem.objects.filter(file=stored, owner__user=user).exists()
        or CertifiedCopy.objects.filter(file=stored, certified_by=user).exists()
    )
    if not used and not user.is_superuser:
        raise NotFound("Không tìm thấy tệp.")
    return stored


def record_file_read(request: HttpRequest, user: User, stored: StoredFile) -> None:
    """Log a download of someone else's file (audit): a dossier's paper or result, or a certified copy.
    The owner downloading his own paper is not logged."""
    if VaultItem.objects.filter(file=stored, owner__user=user).exists():
        return
    copy = CertifiedCopy.objects.filter(file=stored).select_related("requester").first()
    if copy is not None:
        record_access(
            actor=user,
            kind=Kind.CERTIFIED_COPY,
            request=request,
            subject=copy.requester.national_id or copy.requester.tax_code,
            object_ref=str(stored.uuid),
        )
        return
    dossier = (
        visible_dossiers(user)
        .filter(Q(components__files__file=stored) | Q(results__file=stored))
        .select_related("applicant")
        .first()
    )
    record_access(
        actor=user, kind=Kind.FILE_DOWNLOAD, request=request, dossier=dossier, object_ref=str(stored.uuid)
    )
