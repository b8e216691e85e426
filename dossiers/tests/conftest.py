from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")

BIRTH_REGISTRATION = "1.001193"  # commune level, 1 working day
COMMUNE_A_CENTRE = "001.00.11953.H31"
COMMUNE_A = "000.00.11953.H31"
COMMUNE_B_CENTRE = "001.00.11977.H31"


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def counter_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": BIRTH_REGISTRATION,
        "channel": "counter",
        "applicant": {
            "name": "Trần Văn Bình",
            "national_id": "033095004321",
            "address": "Phường Phố Hiến",
            "phone": "0987654321",
        },
    }
    body.update(overrides)
    return body


PARENTAGE = "1.000080"  # commune level, 7 working days


def advance_to_last_step(api: Any, user: Any, code: str) -> dict[str, Any]:
    """Forward a dossier through every step but the last (as ``user``, e.g. the superuser)."""
    body: dict[str, Any] = {}
    while True:
        status, body = api(user).get(f"dossiers/{code}")
        waiting = [s for s in body["steps"] if s["state"] == "waiting"]
        if not waiting:
            return body
        status, body = api(user).post(f"dossiers/{code}/actions/forward", {})
        assert status == 200, body
