"""A small hand-made history whose numbers the tests compute by hand (shared with the dashboard
tests). All instants are local (+07:00); 6–14 January 2026 are working days.

Commune A (handled by its People's Committee, received at its centre):
  A1 1.001193 (free, 1 working day)  online  received Tue 06/01 09:00, resolved 06/01 15:00 (early)
     digitised, reused, e-result, rating 5
  A2 1.001193                        counter received Wed 07/01 09:00, resolved 08/01 09:00 (on time)
     digitised, e-result, rating 3
  A3 1.001193                        counter received Thu 08/01 09:00, resolved Mon 12/01 10:00 (late)
     rating 4
  A4 1.002755 (fee, 3 working days)  online  received Mon 12/01 09:00, resolved 13/01 10:00 (early)
     digitised, paid online, e-result
  A5 1.002755                        counter received Wed 14/01 09:00, still pending: due Mon 19/01
     09:00, overdue ever since; digitised, not paid online
  A6 1.000080 (free, 7 working days) counter received Tue 31/03 09:00, pending, due 09/04: in time
     on 01/04; digitised
Commune B: B1 1.001193 online received 07/01 09:00, pending and overdue (not commune A's).
Sở Tư pháp: J1 1.002099 (fee) online, handled by its division Phòng Hành chính tư pháp, received
  06/01 09:00, resolved 08/01 09:00, paid online, digitised, e-result, rating 5.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any

from worktime.calendar import VN_TZ

COMMUNE_A = "000.00.11953.H31"
CENTRE_A = "001.00.11953.H31"
COMMUNE_B = "000.00.11977.H31"
CENTRE_B = "001.00.11977.H31"
JUSTICE = "000.00.04.H31"
JUSTICE_DIVISION = "000.01.04.H31"
PROVINCE_CENTRE = "000.00.02.H31"

# The instant the tests look from: Wednesday 1 April 2026, 10:00.
NOW = datetime(2026, 4, 1, 10, 0, tzinfo=VN_TZ)


def _line(
    code: str,
    procedure: str,
    receiving: str,
    handling: str,
    channel: str,
    events: list[tuple[str, str]],
    **flags: Any,
) -> str:
    record = {
        "code": code,
        "procedure": procedure,
        "receiving_agency": receiving,
        "handling_agency": handling,
        "channel": channel,
        "applicant": {
            "name": "Nguyễn Thị Hoa",
            "national_id": f"0331900{zlib.crc32(code.encode()) % 100000:05d}",
        },
        "events": [
            {
                "type": kind,
                "at": f"2026-{at}:00+07:00",
                **({"outcome": "approved"} if kind == "resolved" else {}),
            }
            for kind, at in events
        ],
        "digitized": False,
        "reused": False,
        "paid_online": False,
        "e_result": False,
        **flags,
    }
    return json.dumps(record, ensure_ascii=False)


def lines() -> list[str]:
    a = (CENTRE_A, COMMUNE_A)
    return [
        _line(
            "H31-TG-A1", "1.001193", *a, "online",
            [("received", "01-06T09:00"), ("resolved", "01-06T15:00")],
            digitized=True, reused=True, e_result=True, rating=5,
        ),
        _line(
            "H31-TG-A2", "1.001193", *a, "counter",
            [("received", "01-07T09:00"), ("resolved", "01-08T09:00")],
            digitized=True, e_result=True, rating=3,
        ),
        _line(
            "H31-TG-A3", "1.001193", *a, "counter",
            [("received", "01-08T09:00"), ("resolved", "01-12T10:00")],
            rating=4,
        ),
        _line(
            "H31-TG-A4", "1.002755", *a, "online",
            [("received", "01-12T09:00"), ("resolved", "01-13T10:00")],
            digitized=True, paid_online=True, e_result=True,
        ),
        _line("H31-TG-A5", "1.002755", *a, "counter", [("received", "01-14T09:00")], digitized=True),
        _line("H31-TG-A6", "1.000080", *a, "counter", [("received", "03-31T09:00")], digitized=True),
        _line("H31-TG-B1", "1.001193", CENTRE_B, COMMUNE_B, "online", [("received", "01-07T09:00")]),
        _line(
            "H31-TG-J1", "1.002099", PROVINCE_CENTRE, JUSTICE_DIVISION, "online",
            [("received", "01-06T09:00"), ("resolved", "01-08T09:00")],
            digitized=True, paid_online=True, e_result=True, rating=5,
        ),
    ]  # fmt: skip


def load() -> None:
    """Import the history; the justice division is made competent for 1.002099 first (the test
    catalog links the procedure to the department only)."""
    from catalog.models import Procedure
    from dossiers.importer import import_lines
    from organization.models import Agency

    version = Procedure.objects.get(code="1.002099").current_version
    assert version is not None
    version.agencies.add(Agency.objects.get(code=JUSTICE_DIVISION))
    result = import_lines(lines())
    assert result.imported == len(lines()), result
