"""Dates and times as Vietnamese administrative documents write them (NĐ 30/2020 Phụ lục I:
"ngày 02 tháng 3 năm 2026" — a leading zero for days below 10 and for months 1 and 2)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from kernel.time import VN_TZ


def _local(instant: datetime) -> datetime:
    return timezone.localtime(instant, VN_TZ)


def format_date(day: date | datetime) -> str:
    """``ngày 02 tháng 3 năm 2026``; an instant is read in local time."""
    if isinstance(day, datetime):
        day = _local(day).date()
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_instant(instant: datetime | None) -> str:
    """``9 giờ 30 phút, ngày 02 tháng 3 năm 2026`` (local time, to the minute)."""
    if instant is None:
        return ""
    local = _local(instant)
    return f"{local.hour} giờ {local.minute:02d} phút, {format_date(local)}"


def format_short(instant: datetime | None) -> str:
    """``09:30 02/03/2026`` for table cells."""
    return f"{_local(instant):%H:%M %d/%m/%Y}" if instant is not None else ""
