"""Random but reproducible dossier histories (docs/domain.md §10 lines) for the report tests."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")

COMMUNES = [("001.00.11953.H31", "000.00.11953.H31"), ("001.00.11977.H31", "000.00.11977.H31")]
PROCEDURES = ["1.001193", "1.000080"]  # 1 and 7 working days


def _working_instant(rng: random.Random, day: datetime) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    hour = rng.choice([8, 9, 10, 11, 13, 14, 15, 16])
    return day.replace(hour=hour, minute=rng.choice([0, 15, 30, 45]))


def _later(rng: random.Random, at: datetime, max_days: float) -> datetime:
    step = timedelta(minutes=rng.randint(30, int(max_days * 24 * 60)))
    candidate = at + step
    if rng.random() < 0.8:  # mostly during office hours
        candidate = _working_instant(rng, candidate.replace(hour=0, minute=0))
        if candidate <= at:
            candidate = at + timedelta(minutes=30)
    return candidate


def history_lines(seed: int, count: int, start: datetime, days: int) -> list[str]:
    rng = random.Random(seed)
    lines: list[str] = []
    for n in range(count):
        receiving, handling = rng.choice(COMMUNES)
        channel = rng.choices(["counter", "online", "postal"], weights=[5, 4, 1])[0]
        at = _working_instant(rng, start + timedelta(days=rng.randrange(days)))
        events: list[dict[str, Any]] = [{"type": "received", "at": at}]
        if rng.random() < 0.25:
            at = _later(rng, at, 2)
            events.append({"type": "supplement_requested", "at": at, "items": ["Bản sao giấy tờ"]})
            if rng.random() < 0.8:
                at = _later(rng, at, 8)
                events.append({"type": "supplement_received", "at": at})
        if events[-1]["type"] != "supplement_requested" and rng.random() < 0.2:
            at = _later(rng, at, 12)
            events.append({"type": "paused", "at": at, "reason": "Chờ thực hiện nghĩa vụ tài chính"})
            if rng.random() < 0.7:
                at = _later(rng, at, 6)
                events.append({"type": "resumed", "at": at})
        if events[-1]["type"] in {"received", "supplement_received", "resumed"}:
            ending = rng.random()
            if ending < 0.7:
                at = _later(rng, at, 14)
                outcome = "approved" if rng.random() < 0.9 else "refused"
                events.append({"type": "resolved", "at": at, "outcome": outcome, "note": "Kết quả"})
                if rng.random() < 0.6:
                    at = _later(rng, at, 3)
                    events.append({"type": "delivered", "at": at, "method": "counter"})
            elif ending < 0.8:
                at = _later(rng, at, 10)
                events.append({"type": "stopped", "at": at, "reason": "Người nộp đề nghị dừng"})
        record = {
            "code": f"H31-RP-{seed:03d}-{n:05d}",
            "procedure": rng.choice(PROCEDURES),
            "receiving_agency": receiving,
            "handling_agency": handling,
            "channel": channel,
            "applicant": {"name": "Nguyễn Thị Hoa", "national_id": f"0331900{n:05d}"},
            "events": [{**e, "at": e["at"].isoformat()} for e in events],
            "digitized": rng.random() < 0.7,
            "reused": rng.random() < 0.3,
            "paid_online": rng.random() < 0.4,
            "e_result": rng.random() < 0.8,
            **({"rating": rng.randint(1, 5)} if rng.random() < 0.5 else {}),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines
