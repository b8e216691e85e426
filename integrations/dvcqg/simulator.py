"""A local national portal (DVCQG) for tests, ``make run`` and the benchmark: login, ``DongBoHoSoMC``,
``CapNhatTienDoHoSoMC`` and ``TraCuuHoSo`` as INTEGRATIONS.md describes them. To confirm with the
operator's current documents.

- ``POST /dvcqg/auth``: the credentials of ``integrations/simulators/settings.py`` and the header
  ``dstcode`` → ``{"session", "error_code": 0}``.
- ``POST /dvcqg/api``: ``{"session", "madonvi", "service", "isUpdating", "data"}``; ``service`` picks
  the method ``op_<service>(body)`` (other operations come as a mixin with more ``op_…`` methods).
- ``DongBoHoSoMC`` checks the required fields, the dates (``yyyyMMddHHmmss``) and the status (1–10);
  ``isUpdating`` "False" for a code it knows, or "True" for one it does not, is refused. It keeps the
  last object per ``MaHoSo`` (``self.dossiers[code]["record"]``, ``["status"]``).
- ``CapNhatTienDoHoSoMC`` appends the events to ``self.dossiers[code]["progress"]`` (an unknown dossier
  is refused) as the real portal does — an event sent twice shows twice. It counts such duplicates
  (same MaHoSo, ThoiDiemXuLy, TrangThai and NoiDungXuLy as an event already there) and events out of
  order (ThoiDiemXuLy earlier than the dossier's last one): the benchmark's fault runs read them.
- ``TraCuuHoSo`` ``[{"MaHoSo"}]`` → ``[{"MaHoSo", "TrangThaiHoSo", "DanhSachTienDo": [...]}]`` for the
  codes it knows (an unknown code is left out of the list).

Faults: the shared ones (base.Simulator.control) and ``expire_session_every`` N: every N-th API call
answers ``error_code`` -1 "Phiên làm việc (session) đã hết hạn" and the session dies.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from integrations.simulators import settings as sim_settings
from integrations.simulators.base import SimRequest, SimResponse, Simulator
from integrations.simulators.server import simulator

SESSION_EXPIRED = "Phiên làm việc (session) đã hết hạn"
DATE = re.compile(r"[0-9]{14}")
RECORD_REQUIRED = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "KenhThucHien",
    "ChuHoSo",
    "LoaiDoiTuong",
    "TrangThaiHoSo",
    "DonViXuLy",
)
EVENT_REQUIRED = ("MaHoSo", "NguoiXuLy", "ThoiDiemXuLy", "NoiDungXuLy", "TrangThai")

# The simulator's refusal codes (its own: the real portal's are to confirm with the operator).
BAD_REQUEST = 1
KNOWN_ALREADY = 2
UNKNOWN_DOSSIER = 3
INVALID_FIELD = 4
UNKNOWN_SERVICE = 5
BAD_LOGIN = 401


class Invalid(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _valid_date(value: Any) -> bool:
    if not isinstance(value, str) or not DATE.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def _check_dates(item: Any, where: str) -> None:
    """Every field named ``Ngay…`` or ``ThoiDiem…``, nested lists included, is ``yyyyMMddHHmmss``."""
    if isinstance(item, list):
        for i, each in enumerate(item):
            _check_dates(each, f"{where}[{i}]")
        return
    if not isinstance(item, dict):
        return
    for key, value in item.items():
        if isinstance(value, (list, dict)):
            _check_dates(value, f"{where}.{key}")
        elif key.startswith(("Ngay", "ThoiDiem")) and not _valid_date(value):
            raise Invalid(
                INVALID_FIELD, f"{where}.{key}: ngày giờ phải theo dạng yyyyMMddHHmmss ({value!r})."
            )


def _status(value: Any, where: str) -> int:
    try:
        status = int(value)
    except (TypeError, ValueError):
        status = 0
    if not 1 <= status <= 10 or isinstance(value, bool):
        raise Invalid(INVALID_FIELD, f"{where}: trạng thái phải từ 1 đến 10 ({value!r}).")
    return status


def _objects(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    if not isinstance(data, list) or not data or not all(isinstance(x, dict) for x in data):
        raise Invalid(BAD_REQUEST, "data phải là danh sách đối tượng, không rỗng.")
    return data


def _required(item: dict[str, Any], names: tuple[str, ...], where: str) -> None:
    missing = [name for name in names if item.get(name) in (None, "", [])]
    if missing:
        raise Invalid(INVALID_FIELD, f"{where}: thiếu {', '.join(missing)}.")


def _event_key(event: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        str(event.get("MaHoSo")),
        str(event.get("ThoiDiemXuLy")),
        str(event.get("TrangThai")),
        str(event.get("NoiDungXuLy")),
    )


@simulator
class DvcqgSimulator(Simulator):
    name = "dvcqg"

    def reset(self) -> None:
        super().reset()
        self.sessions: set[str] = set()
        self.dossiers: dict[str, dict[str, Any]] = {}
        self.api_calls = 0
        self.logins = 0
        self.expired = 0
        self.refusals = 0
        self.events = 0
        self.duplicates = 0
        self.out_of_order = 0
        self._seen: set[tuple[str, str, str, str]] = set()

    def snapshot(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "api_calls": self.api_calls,
            "logins": self.logins,
            "sessions_expired": self.expired,
            "dossiers": len(self.dossiers),
            "events": self.events,
            "duplicates": self.duplicates,
            "out_of_order": self.out_of_order,
            "refusals": self.refusals,
        }

    def refusal(self, code: Any, message: str) -> SimResponse:
        self.refusals += 1
        return SimResponse(200, {"error_code": code, "message": message, "result": None})

    def answer(self, request: SimRequest) -> SimResponse:
        if request.method != "POST":
            return SimResponse(405, {"error_code": 405, "message": "Chỉ nhận POST."})
        if request.headers.get("dstcode") != sim_settings.DVCQG_DSTCODE:
            return self.refusal(BAD_LOGIN, "Sai hoặc thiếu dstcode.")
        body = request.json()
        if not isinstance(body, dict):
            return self.refusal(BAD_REQUEST, "Yêu cầu phải là một đối tượng JSON.")
        if request.path.rstrip("/") == "/auth":
            return self._login(body)
        if request.path.rstrip("/") == "/api":
            return self._api(body)
        return SimResponse(404, {"error_code": 404, "message": f"Không có {request.path}."})

    def _login(self, body: dict[str, Any]) -> SimResponse:
        if (body.get("username"), body.get("password")) != (
            sim_settings.DVCQG_USERNAME,
            sim_settings.DVCQG_PASSWORD,
        ):
            return self.refusal(BAD_LOGIN, "Sai tên đăng nhập hoặc mật khẩu.")
        session = secrets.token_hex(16)
        self.sessions.add(session)
        self.logins += 1
        return SimResponse(200, {"session": session, "error_code": 0, "message": "Thành công"})

    def _api(self, body: dict[str, Any]) -> SimResponse:
        session = body.get("session")
        if session not in self.sessions:
            return SimResponse(200, {"error_code": -1, "message": SESSION_EXPIRED, "result": None})
        self.api_calls += 1
        every = int(self.faults.extra.get("expire_session_every") or 0)
        if every > 0 and self.api_calls % every == 0:
            self.sessions.discard(str(session))
            self.expired += 1
            return SimResponse(200, {"error_code": -1, "message": SESSION_EXPIRED, "result": None})
        if not body.get("madonvi"):
            return self.refusal(BAD_REQUEST, "Thiếu madonvi.")
        operation = getattr(self, f"op_{body.get('service')}", None)
        if operation is None:
            return self.refusal(UNKNOWN_SERVICE, f"Không có dịch vụ {body.get('service')!r}.")
        try:
            response: SimResponse = operation(body)
        except Invalid as invalid:
            return self.refusal(invalid.code, invalid.message)
        return response

    @staticmethod
    def ok(result: Any = None) -> SimResponse:
        return SimResponse(200, {"error_code": 0, "message": "Thành công", "result": result})

    # -- operations ----------------------------------------------------------------------------
    def op_DongBoHoSoMC(self, body: dict[str, Any]) -> SimResponse:
        flag = body.get("isUpdating")
        if flag not in ("True", "False"):
            raise Invalid(BAD_REQUEST, 'isUpdating phải là "True" hoặc "False".')
        records = _objects(body)
        checked = []
        for i, record in enumerate(records):
            where = f"data[{i}]"
            _required(record, RECORD_REQUIRED, where)
            _check_dates(record, where)
            status = _status(record.get("TrangThaiHoSo"), f"{where}.TrangThaiHoSo")
            code = str(record["MaHoSo"])
            if flag == "False" and code in self.dossiers:
                raise Invalid(KNOWN_ALREADY, f'Hồ sơ {code} đã có trên Cổng; dùng isUpdating "True".')
            if flag == "True" and code not in self.dossiers:
                raise Invalid(UNKNOWN_DOSSIER, f'Hồ sơ {code} chưa có trên Cổng; dùng isUpdating "False".')
            checked.append((code, status, record))
        for code, status, record in checked:
            kept = self.dossiers.setdefault(code, {"record": {}, "progress": [], "status": status})
            kept["record"] = record
            kept["status"] = status
        return self.ok([{"MaHoSo": code} for code, _, _ in checked])

    def op_CapNhatTienDoHoSoMC(self, body: dict[str, Any]) -> SimResponse:
        events = _objects(body)
        for i, event in enumerate(events):
            where = f"data[{i}]"
            _required(event, EVENT_REQUIRED, where)
            _check_dates(event, where)
            _status(event.get("TrangThai"), f"{where}.TrangThai")
            if str(event["MaHoSo"]) not in self.dossiers:
                raise Invalid(UNKNOWN_DOSSIER, f"Hồ sơ {event['MaHoSo']} chưa có trên Cổng.")
        for event in events:
            progress = self.dossiers[str(event["MaHoSo"])]["progress"]
            key = _event_key(event)
            if key in self._seen:
                self.duplicates += 1
            self._seen.add(key)
            if progress and str(event["ThoiDiemXuLy"]) < str(progress[-1]["ThoiDiemXuLy"]):
                self.out_of_order += 1
            progress.append(event)
            self.events += 1
        return self.ok(len(events))

    def op_TraCuuHoSo(self, body: dict[str, Any]) -> SimResponse:
        found = []
        for i, item in enumerate(_objects(body)):
            _required(item, ("MaHoSo",), f"data[{i}]")
            kept = self.dossiers.get(str(item["MaHoSo"]))
            if kept is not None:
                found.append(
                    {
                        "MaHoSo": str(item["MaHoSo"]),
                        "TrangThaiHoSo": kept["status"],
                        "DanhSachTienDo": list(kept["progress"]),
                    }
                )
        return self.ok(found)
