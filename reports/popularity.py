"""How often each procedure is filed in the province: the order of procedures that match a search
equally well (docs/adr/0024). Summed from the report facts' month rows — at most one row per agency,
procedure, field and channel a month, never a count over the dossiers — and written to the catalog
once a night (jobs/schedule.py), since a ranking needs no figure fresher than a day."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum

from catalog.services import procedure_filed_counts_set
from reports.models import Fact

MONTHS = 12


def first_month(today: date, months: int = MONTHS) -> date:
    """The first day of the earliest of the ``months`` months that end with ``today``'s."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def filed_by_procedure(today: date) -> dict[int, int]:
    """Dossiers received per procedure id over the last 12 months, this one included (test dossiers
    write no fact, so they are not counted)."""
    rows = (
        Fact.objects.filter(grain=Fact.Grain.MONTH, period__gte=first_month(today))
        .values("procedure_id")
        .annotate(n=Sum("received"))
        .filter(n__gt=0)
    )
    return {row["procedure_id"]: row["n"] for row in rows}


def refresh_filed_counts(today: date) -> tuple[int, int]:
    """Each procedure's ``filed_count`` set from the facts: (procedures filed, rows changed)."""
    counts = filed_by_procedure(today)
    return len(counts), procedure_filed_counts_set(counts=counts)
