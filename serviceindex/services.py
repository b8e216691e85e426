"""Writes of the service index: freezing (publishing) a month."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from kernel.errors import DomainError, Forbidden
from organization.models import Role
from organization.selectors import user_scope
from serviceindex.compute import NoMethodology, compute_month
from serviceindex.models import IndexPublication
from serviceindex.months import last_day, month_label

# Who publishes the monthly index: the monitor (Văn phòng UBND tỉnh) and the province administrator.
PUBLISHERS = (Role.MONITOR, Role.PROVINCE_ADMIN)


def can_publish(user: User) -> bool:
    scope = user_scope(user, PUBLISHERS)
    return scope.everything or bool(scope.province_ids)


def _already_frozen(publication: IndexPublication) -> DomainError:
    at = timezone.localtime(publication.frozen_at)
    return DomainError(
        "already_frozen",
        f"Chỉ số tháng {month_label(publication.month)} đã được công bố lúc {at:%H:%M ngày %d/%m/%Y}, "
        "không thể công bố lại.",
        status=409,
    )


def publication_freeze(*, month: date, actor: User, at: datetime) -> IndexPublication:
    """Compute ``month``'s index and store it as published. Only a finished month can be frozen, and
    only once (the frozen table is what the public sees; it is never recomputed)."""
    if not can_publish(actor):
        raise Forbidden("Chỉ cán bộ kiểm soát TTHC hoặc quản trị tỉnh được công bố chỉ số tháng.")
    first = month.replace(day=1)
    if last_day(first) >= timezone.localdate(at):
        raise DomainError(
            "month_not_finished",
            f"Tháng {month_label(first)} chưa kết thúc: chỉ công bố được sau ngày cuối tháng.",
            status=409,
        )
    existing = IndexPublication.objects.filter(month=first).first()
    if existing is not None:
        raise _already_frozen(existing)
    try:
        index = compute_month(first)
    except NoMethodology as exc:
        raise DomainError(
            "no_methodology", f"Chưa có bộ chỉ số áp dụng cho tháng {month_label(first)}.", status=409
        ) from exc
    try:
        with transaction.atomic():
            return IndexPublication.objects.create(
                month=first,
                methodology_id=index.methodology_id,
                frozen_at=at,
                frozen_by=actor,
                data=index.as_dict(),
            )
    except IntegrityError as exc:  # frozen concurrently by someone else
        raise _already_frozen(IndexPublication.objects.get(month=first)) from exc
