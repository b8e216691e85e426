"""The daily anchor of the dossier history (ADR 0009): the root over the hashes of one closed day's
events, signed by the province's certificate."""

from __future__ import annotations

import base64
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers import chain, history_signing
from dossiers.actions.recording import local_date
from dossiers.models import HistoryAnchor
from kernel.errors import DomainError
from organization.models import Agency


def history_signer() -> Agency:
    """The agency whose certificate signs the anchors: ``MOTCUA_HISTORY_SIGNER``, else the province's
    People's Committee."""
    from django.conf import settings

    code = settings.MOTCUA_HISTORY_SIGNER
    agencies = Agency.objects.filter(is_active=True)
    if code:
        agency = agencies.filter(code=code).first()
        if agency is None:
            raise DomainError(
                "history_signer_missing", f"MOTCUA_HISTORY_SIGNER: không có cơ quan mã {code}.", status=409
            )
        return agency
    agency = (
        agencies.filter(level=Agency.Level.PROVINCE, kind=Agency.Kind.PEOPLES_COMMITTEE)
        .order_by("code")
        .first()
        or agencies.filter(level=Agency.Level.PROVINCE).order_by("code").first()
    )
    if agency is None:
        raise DomainError(
            "history_signer_missing", "Chưa có cơ quan cấp tỉnh để ký mốc nhật ký hồ sơ.", status=409
        )
    return agency


def history_anchor(*, day: date, now: datetime | None = None) -> HistoryAnchor:
    """Sign and store the anchor of ``day``: the root over the hashes of the events recorded that day.
    Only a closed day (before today, local time) is anchored, and only once."""
    from dossiers.history import day_root

    today = local_date(now or timezone.now())
    if day >= today:
        raise DomainError(
            "history_day_open", f"Ngày {day:%d/%m/%Y} chưa kết thúc, chưa lập mốc được.", status=409
        )
    if HistoryAnchor.objects.filter(day=day).exists():
        raise DomainError("history_day_anchored", f"Ngày {day:%d/%m/%Y} đã có mốc.", status=409)
    root, count = day_root(day)
    signature = history_signing.signer().sign(chain.anchor_message(day, root, count), agency=history_signer())
    try:
        with transaction.atomic():
            return HistoryAnchor.objects.create(
                day=day,
                root_hash=root,
                event_count=count,
                signature=base64.b64encode(signature.cms).decode(),
                signer_certificate=signature.certificate_pem,
                signer=signature.subject[:500],
            )
    except IntegrityError:
        # Another run anchored it meanwhile.
        raise DomainError("history_day_anchored", f"Ngày {day:%d/%m/%Y} đã có mốc.", status=409) from None


def history_anchor_closed_days(*, now: datetime | None = None) -> list[HistoryAnchor]:
    """Anchor every closed day not anchored yet (``manage.py anchor_history``; the daily job, jobs/schedule.py)."""
    from dossiers.history import unanchored_days

    now = now or timezone.now()
    return [history_anchor(day=day, now=now) for day in unanchored_days(before=local_date(now))]
