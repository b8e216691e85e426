"""When a periodic job is due (pure Python, no Django): its cadence in local time and its slots.

A *slot* is one instant at which a job is due: every day at HH:MM, or every week on one weekday at HH:MM,
in the installation's time zone (Asia/Ho_Chi_Minh). A slot is named by that instant, so every process
that computes it from any clock reading after it finds the same one — which is what makes "once per
slot" a unique row (``jobs.models.JobRun``).

- ``latest_slot(cadence, now, zone)``: the last slot at or before ``now``. A scheduler that looks at a
  job after a downtime finds this slot only, so of several missed slots the latest is run, once.
- ``next_slot(cadence, now, zone)``: the first slot after ``now``.

Instants are compared in UTC, never as wall-clock readings, so a zone with daylight saving time keeps
``latest_slot(now) <= now < next_slot(now)`` (Vietnam has none; a slot's local time then is always its
HH:MM).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = 7


@dataclass(frozen=True)
class Daily:
    """Every day at ``at`` (local time)."""

    at: time


@dataclass(frozen=True)
class Weekly:
    """Every week on ``weekday`` (0 Monday … 6 Sunday) at ``at`` (local time)."""

    weekday: int
    at: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday < WEEKDAYS:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")


Cadence = Daily | Weekly


def _period_days(cadence: Cadence) -> int:
    return 1 if isinstance(cadence, Daily) else WEEKDAYS


def _slot_on(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at.replace(tzinfo=None), tzinfo=zone)


def _utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("an aware instant is needed")
    return instant.astimezone(UTC)


def latest_slot(cadence: Cadence, now: datetime, zone: ZoneInfo) -> datetime:
    """The last slot of ``cadence`` at or before ``now`` (an aware instant), in ``zone``."""
    today = _utc(now).astimezone(zone).date()
    if isinstance(cadence, Weekly):
        today -= timedelta(days=(today.weekday() - cadence.weekday) % WEEKDAYS)
    slot = _slot_on(today, cadence.at, zone)
    if _utc(slot) > _utc(now):
        slot = _slot_on(today - timedelta(days=_period_days(cadence)), cadence.at, zone)
    return slot


def next_slot(cadence: Cadence, now: datetime, zone: ZoneInfo) -> datetime:
    """The first slot of ``cadence`` after ``now`` (an aware instant), in ``zone``."""
    latest = latest_slot(cadence, now, zone)
    return _slot_on(latest.date() + timedelta(days=_period_days(cadence)), cadence.at, zone)
