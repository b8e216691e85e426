"""Months as the index counts them: a month is its first day; "2026-03" in URLs and JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """``"2026-03"`` → 2026-03-01; ValueError for anything else."""
    match = MONTH_RE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(text)
    return date(year, month, 1)


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: date) -> str:
    """As officials write it: 03/2026."""
    return f"{month:%m/%Y}"


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def last_day(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def months(start: date, end: date) -> Iterator[date]:
    """Every month from ``start`` to ``end``, both included."""
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = next_month(month)
