"""The home page's "most filed" list: the procedures received most often in the last 90 days, summed
from the daily report facts (``reports.models.Fact``), not counted over the dossier table."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from catalog.models import OnlineLevel, Procedure
from reports.models import Fact

POPULAR_DAYS = 90
POPULAR_CACHE_SECONDS = 600


def popular_procedures(limit: int = 8) -> list[dict[str, Any]]:
    """Code, name, number filed and whether online filing is offered, most filed first."""
    today = timezone.localdate()
    key = f"web:popular:{today.isoformat()}:{limit}"
    cached: list[dict[str, Any]] | None = cache.get(key)
    if cached is not None:
        return cached
    rows = (
        Fact.objects.filter(grain=Fact.Grain.DAY, period__gt=today - timedelta(days=POPULAR_DAYS))
        .values("procedure_id")
        .annotate(n=Sum("received"))
        .filter(n__gt=0)
        .order_by("-n", "procedure_id")[: limit * 2]
    )
    counts = {row["procedure_id"]: row["n"] for row in rows}
    procedures = Procedure.objects.filter(pk__in=counts, current_version__isnull=False).select_related(
        "current_version"
    )
    popular = [
        {
            "code": p.code,
            "name": p.current_version.name,
            "filed": counts[p.pk],
            "online": p.current_version.online_level != OnlineLevel.NONE,
        }
        for p in sorted(procedures, key=lambda p: (-counts[p.pk], p.code))
        if p.current_version is not None
    ][:limit]
    cache.set(key, popular, POPULAR_CACHE_SECONDS)
    return popular
