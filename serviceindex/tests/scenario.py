"""A hand-written month (March 2026) of commune A, with one dossier of commune B, whose index the tests
compute by hand. Commune A (Phường Phố Hiến) handles, its service centre receives:

    D0 1.001193 counter  received Thu 26/02 09:00, resolved Mon 02/03 10:00 (due Fri 27/02 09:00): late
    D1 1.001193 counter  received Mon 02/03 09:00, resolved Mon 02/03 15:00: early
    D2 1.001193 online   received Tue 03/03 09:00, resolved Wed 04/03 09:00 (due then): on time
    D3 1.001193 counter  received Thu 05/03 09:00, resolved Mon 09/03 10:00 (due Fri 06/03 09:00): late
    D4 1.002755 online   received Tue 10/03 10:00, 5 working days, pending: overdue at the month's end
    D5 1.002755 counter  received Mon 30/03 09:00, 5 working days, pending in time
    D6 2.002516 counter  received Wed 11/03 09:00, supplement requested Thu 12/03: pending, clock stopped
    D7 1.001193 postal   received Fri 13/03 09:00, stopped Mon 16/03 09:00

1.002755 (Gia hạn tạm trú) and 2.002516 (Xác nhận thông tin hộ tịch) carry fees; 1.001193 does not.
"""

from __future__ import annotations

import json
from typing import Any

COMMUNE_A = "000.00.11953.H31"
COMMUNE_A_CENTRE = "001.00.11953.H31"
COMMUNE_B = "000.00.11977.H31"
COMMUNE_B_CENTRE = "001.00.11977.H31"
DEPARTMENT_JUSTICE = "000.00.04.H31"


def _line(
    code: str,
    procedure: str,
    channel: str,
    events: list[tuple[str, str]],
    *,
    commune: tuple[str, str] = (COMMUNE_A_CENTRE, COMMUNE_A),
    days: int | None = None,
    **facts: Any,
) -> str:
    record: dict[str, Any] = {
        "code": code,
        "procedure": procedure,
        "receiving_agency": commune[0],
        "handling_agency": commune[1],
        "channel": channel,
        "applicant": {"name": "Lê Thị Hạnh", "national_id": "033190001234"},
        "events": [
            {
                "type": kind,
                "at": at,
                **({"items": ["Bản sao giấy khai sinh"]} if kind == "supplement_requested" else {}),
                **({"outcome": "approved", "note": "Kết quả"} if kind == "resolved" else {}),
                **({"reason": "Người nộp đề nghị dừng"} if kind == "stopped" else {}),
            }
            for kind, at in events
        ],
        **facts,
    }
    if days is not None:
        record["processing_time"] = {"amount": days, "unit": "working_day"}
    return json.dumps(record, ensure_ascii=False)


def march_lines() -> list[str]:
    tz = "+07:00"
    return [
        _line(
            "H31-SI-D0",
            "1.001193",
            "counter",
            [("received", f"2026-02-26T09:00{tz}"), ("resolved", f"2026-03-02T10:00{tz}")],
            e_result=True,
            rating=4,
        ),
        _line(
            "H31-SI-D1",
            "1.001193",
            "counter",
            [("received", f"2026-03-02T09:00{tz}"), ("resolved", f"2026-03-02T15:00{tz}")],
            digitized=True,
            e_result=True,
            rating=5,
        ),
        _line(
            "H31-SI-D2",
            "1.001193",
            "online",
            [("received", f"2026-03-03T09:00{tz}"), ("resolved", f"2026-03-04T09:00{tz}")],
            digitized=True,
            reused=True,
            e_result=True,
            rating=3,
        ),
        _line(
            "H31-SI-D3",
            "1.001193",
            "counter",
            [("received", f"2026-03-05T09:00{tz}"), ("resolved", f"2026-03-09T10:00{tz}")],
        ),
        _line(
            "H31-SI-D4",
            "1.002755",
            "online",
            [("received", f"2026-03-10T10:00{tz}")],
            days=5,
            paid_online=True,
        ),
        _line("H31-SI-D5", "1.002755", "counter", [("received", f"2026-03-30T09:00{tz}")], days=5),
        _line(
            "H31-SI-D6",
            "2.002516",
            "counter",
            [("received", f"2026-03-11T09:00{tz}"), ("supplement_requested", f"2026-03-12T09:00{tz}")],
            days=3,
            digitized=True,
        ),
        _line(
            "H31-SI-D7",
            "1.001193",
            "postal",
            [("received", f"2026-03-13T09:00{tz}"), ("stopped", f"2026-03-16T09:00{tz}")],
        ),
        _line(
            "H31-SI-B1",
            "1.001193",
            "online",
            [("received", f"2026-03-03T09:00{tz}"), ("resolved", f"2026-03-03T15:00{tz}")],
            commune=(COMMUNE_B_CENTRE, COMMUNE_B),
            digitized=True,
            e_result=True,
            rating=5,
        ),
    ]
