"""The demo's codes and the steps of the dossier scenarios the tests of several apps share."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")

BIRTH_REGISTRATION = "1.001193"  # commune level, 1 working day
PARENTAGE = "1.000080"  # commune level, 7 working days
COMMUNE_A_CENTRE = "001.00.11953.H31"
COMMUNE_A = "000.00.11953.H31"
COMMUNE_B_CENTRE = "001.00.11977.H31"
COMMUNE_B = "000.00.11977.H31"

CITIZEN = {
    "name": "Nguyễn Thị Dân",
    "national_id": "033190001234",
    "address": "Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "phone": "0912345678",
}
ONLINE = {"procedure": BIRTH_REGISTRATION, "channel": "online", "receiving_agency": COMMUNE_A_CENTRE}


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


def counter_dossier(api: Any, officer: Any, procedure: str = BIRTH_REGISTRATION, **applicant: Any) -> str:
    """The code of a dossier ``officer`` receives at the counter (the applicant's fields overridden)."""
    body = counter_body(procedure=procedure)
    body["applicant"].update(applicant)
    status, created = api(officer).post("dossiers", body)
    assert status == 201, created
    return str(created["code"])


def online_dossier(api: Any, citizen: Any) -> str:
    """The reference of an online birth registration ``citizen`` submits to commune A's centre."""
    status, created = api(citizen).post("dossiers", ONLINE)
    assert status == 201, created
    return str(created["reference"])


def forward(api: Any, user: Any, code: str, assignee: str | None = None) -> None:
    body = {"assignee": assignee} if assignee else {}
    status, answer = api(user).post(f"dossiers/{code}/actions/forward", body)
    assert status == 200, answer


def dossier_at_last_step(api: Any, officer: Any, superuser: Any, clock: Any) -> str:
    """A counter dossier of ``CITIZEN`` received on Monday 2 March 2026, at its last step."""
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer).post("dossiers", counter_body(applicant=CITIZEN))
    assert status == 201, body
    advance_to_last_step(api, superuser, body["code"])
    return str(body["code"])


def resolved_dossier(api: Any, officer: Any, superuser: Any, leader: Any, clock: Any) -> str:
    """The same, approved by ``leader``: ready for its signed result."""
    code = dossier_at_last_step(api, officer, superuser, clock)
    status, body = api(leader).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})
    assert status == 200, body
    return code
