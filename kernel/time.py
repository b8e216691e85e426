"""Time in the province: its time zone and the local date of an instant (the one definition)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_date(instant: datetime) -> date:
    """The date in Asia/Ho_Chi_Minh of an aware instant."""
    return instant.astimezone(VN_TZ).date()
