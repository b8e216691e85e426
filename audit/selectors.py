"""Reads of the personal-data access log: the applicant's view of who opened his dossier."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from audit.models import PersonalDataAccess
from dossiers.models import Dossier
from kernel.errors import NotFound


def dossier_accesses(*, user: User, dossier: Dossier) -> QuerySet[PersonalDataAccess]:
    """Who among staff read ``dossier``'s personal data, newest first — for its applicant only; anyone
    else is answered "not found", like a dossier that is not theirs."""
    if not user.is_authenticated or dossier.applicant.user_id != user.pk:
        raise NotFound("Không tìm thấy hồ sơ.")
    return (
        PersonalDataAccess.objects.filter(dossier=dossier)
        .select_related("actor", "agency")
        .order_by("-at", "-pk")
    )
