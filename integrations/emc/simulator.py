"""EMC's simulator (``POST /emc/tracking``): checks each TrackingMCDT against INTEGRATIONS.md — every field
present, each code one of the listed values, the site the one registered (integrations/simulators/
settings.py), ``User`` a JSON string of the four keys — and refuses a report that is not, in the
``{"error_code", "message"}`` shape motcua's client reads. It keeps what it accepted and counts, per
dossier (``CodeProfile``) and ``Status``, the reports received more than once: ``duplicates`` in its
state. The shared faults (down, time-out, refusal) come from integrations/simulators/base.py.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from integrations.simulators import settings as simulated
from integrations.simulators.base import SimRequest, SimResponse, Simulator
from integrations.simulators.server import simulator

INVALID = 2  # the simulator's code for a report it cannot accept
CODES: dict[str, set[int]] = {
    "Status": {1, 2, 3, 4},
    "FormsReception": {1, 2},
    "FormsPayments": {0, 1, 2},
    "Level": {0, 1, 3, 4},
    "IsFromDVCQG": {0, 1},
    "IsDVCBC": {0, 1, 2},
}
TEXTS = ("CodeProfile", "SiteId", "CodeTTHC", "NameTTHC", "MaHoSo", "User")
USER_KEYS = {"ID_local", "ID_QG", "TYPE", "LOCATION"}
USER_TYPES = {1, 2, 3}
# INTEGRATIONS.md, "Codes": <agency identifier>-<YYMMDD>-<sequence of ≥ 4 digits> (or <AA><sequence>).
DOSSIER_CODE = re.compile(r"[0-9A-Z]+(\.[0-9A-Z]+)*-\d{6}-([A-Z]{2})?\d{4,}")
PROCEDURE_CODE = re.compile(r"\d\.\d{6}(\.[0-9A-Z]+)*")


def problems(body: Any) -> list[str]:
    """What is wrong with a report, in words (empty: acceptable)."""
    if not isinstance(body, dict):
        return ["nội dung phải là một đối tượng JSON"]
    found = [f"thiếu {name}" for name in (*TEXTS, *CODES) if name not in body]
    for name in TEXTS:
        if name in body and (not isinstance(body[name], str) or not body[name].strip()):
            found.append(f"{name} phải là chuỗi khác rỗng")
    for name, allowed in CODES.items():
        value = body.get(name)
        if name in body and (isinstance(value, bool) or value not in allowed):
            found.append(f"{name} {value!r} không thuộc {sorted(allowed)}")
    if found:
        return found
    for name in ("CodeProfile", "MaHoSo"):
        if not DOSSIER_CODE.fullmatch(body[name]):
            found.append(f"{name} {body[name]!r} không phải mã hồ sơ")
    if body["SiteId"] != simulated.EMC_SITE_ID:
        found.append(f"SiteId {body['SiteId']!r} chưa đăng ký")
    if not PROCEDURE_CODE.fullmatch(body["CodeTTHC"]):
        found.append(f"CodeTTHC {body['CodeTTHC']!r} không phải mã thủ tục")
    try:
        user = json.loads(body["User"])
    except json.JSONDecodeError:
        user = None
    if not isinstance(user, dict) or set(user) != USER_KEYS:
        found.append(f"User phải là chuỗi JSON có đúng các khóa {sorted(USER_KEYS)}")
    elif not isinstance(user["ID_local"], str) or not user["ID_local"]:
        found.append("User.ID_local trống")
    elif user["TYPE"] not in USER_TYPES or isinstance(user["TYPE"], bool):
        found.append(f"User.TYPE {user['TYPE']!r} không thuộc {sorted(USER_TYPES)}")
    return found


@simulator
class EmcSimulator(Simulator):
    name = "emc"

    def reset(self) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.refused = 0
        self.seen: Counter[tuple[str, int]] = Counter()
        super().reset()

    def answer(self, request: SimRequest) -> SimResponse:
        if request.method != "POST" or request.path.rstrip("/") != "/tracking":
            return SimResponse(404, {"error_code": 404, "message": f"Không có {request.path}"})
        body = request.json()
        wrong = problems(body)
        if wrong:
            self.refused += 1
            return self.refusal(INVALID, "Dữ liệu không hợp lệ: " + "; ".join(wrong))
        self.accepted.append(body)
        self.seen[(body["CodeProfile"], body["Status"])] += 1
        return SimResponse(200, {"error_code": 0, "message": "Thành công"})

    def snapshot(self) -> dict[str, Any]:
        statuses = Counter(status for (_profile, status) in self.seen.elements())
        return {
            "calls": self.calls,
            "accepted": len(self.accepted),
            "refused": self.refused,
            "duplicates": sum(count - 1 for count in self.seen.values()),
            "dossiers": len({profile for profile, _status in self.seen}),
            "by_status": {str(status): count for status, count in sorted(statuses.items())},
        }
