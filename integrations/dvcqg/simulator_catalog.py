"""The simulated portal's national procedure database and its pushes of dossiers filed on the portal: a
mixin of the portal's simulator (``DvcqgSimulator``). To confirm with the operator's current documents.

- ``LayDanhSachTTHC`` → ``result: [{"maTTHC", "tenTTHC"}]``, the procedures it serves.
- ``LayThuTuc`` ``data: [{"maTTHC"}]`` → ``result``: the procedure's record of the national database, in
  the field names of the detail files the national database exports (``ma_thu_tuc``, ``ten_thu_tuc``,
  ``cach_thuc_thuc_hien``, ``thanh_phan_ho_so``, ``raw_text``… — ``data/procedures/national/``), which
  motcua's importer reads; an unknown code is refused (``error_code`` 6).
- The records are a handful of the project's own shipped files (``CATALOG_CODES``), read when first asked.

Orders (``POST /_control/dvcqg``, besides the shared faults):

- ``{"change_procedure": "1.001193"}`` — the national database amends the procedure: its decision number
  and name change (a new revision each time); ``{"change_procedure": {"code": …, "fields": {…}}}`` sets
  the given fields instead.
- ``{"push_dossier": {"url", "token", "record", "files"}}`` — a dossier filed on the portal is pushed to
  the province: the simulator first serves ``files`` (``{TepDinhKemId: {"name", "content_base64"}}``) at
  ``GET /dvcqg/tep/<TepDinhKemId>`` (``file_url`` builds the link a record's ``DuongDanTaiTepTin``
  carries), keeps the dossier as one it knows (status 1), then POSTs ``record`` to ``url`` with
  ``Authorization: Bearer <token>``; the control's answer holds motcua's reply under ``pushed``
  (``{"status", "body"}``). ``push_order`` builds the order.
"""

from __future__ import annotations

import base64
import copy
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from integrations.simulators.base import NoAnswer, SimRequest, SimResponse, Simulator

NATIONAL_DATA = Path(__file__).resolve().parents[2] / "data" / "procedures" / "national"
# Shipped files of the Ministry of Justice; the first four are also in the test catalog, the last two
# are not (a sync brings them in as new procedures).
CATALOG_CODES = ("1.001193", "1.000080", "1.002099", "2.002516", "1.000656", "1.000894")
UNKNOWN_PROCEDURE = 6
FILES_PATH = "/tep/"


def file_url(base_url: str, file_id: str) -> str:
    """The download link of a file the simulator serves (``base_url``: the simulator server's)."""
    return f"{base_url}/dvcqg{FILES_PATH}{file_id}"


def push_order(
    *, url: str, token: str, record: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None
) -> dict[str, Any]:
    """The control order that pushes ``record`` to motcua at ``url``, serving ``files`` (``{id: (name,
    bytes)}``) for its ``DuongDanTaiTepTin`` links."""
    return {
        "push_dossier": {
            "url": url,
            "token": token,
            "record": record,
            "files": {
                key: {"name": name, "content_base64": base64.b64encode(data).decode()}
                for key, (name, data) in (files or {}).items()
            },
        }
    }


class CatalogMixin(Simulator):
    """``LayDanhSachTTHC``, ``LayThuTuc`` and the inbound push, for ``DvcqgSimulator``'s bases."""

    dossiers: dict[str, dict[str, Any]]  # the portal's dossiers by MaHoSo (DvcqgSimulator keeps them)

    def reset(self) -> None:
        super().reset()
        self.catalog_changes: dict[str, dict[str, Any]] = {}
        self.catalog_revisions: dict[str, int] = {}
        self.served_files: dict[str, tuple[str, bytes]] = {}
        self.pushes: list[dict[str, Any]] = []

    # -- the national procedure database ---------------------------------------------------------
    def national_record(self, code: str) -> dict[str, Any] | None:
        """The record of ``code`` as the national database holds it now (None: not served)."""
        if code not in CATALOG_CODES:
            return None
        record = _shipped(code)
        if record is None:
            return None
        record = copy.deepcopy(record)
        record.update(self.catalog_changes.get(code, {}))
        return record

    def op_LayDanhSachTTHC(self, body: dict[str, Any]) -> SimResponse:
        listed = []
        for code in CATALOG_CODES:
            record = self.national_record(code)
            if record is not None:
                listed.append({"maTTHC": code, "tenTTHC": record.get("ten_thu_tuc", "")})
        return SimResponse(200, {"error_code": 0, "message": "", "result": listed})

    def op_LayThuTuc(self, body: dict[str, Any]) -> SimResponse:
        data = body.get("data")
        item = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
        code = str(item.get("maTTHC") or "").strip()
        if not code:
            return self.refusal(UNKNOWN_PROCEDURE, 'Thiếu maTTHC: data phải là [{"maTTHC": "…"}].')
        record = self.national_record(code)
        if record is None:
            return self.refusal(UNKNOWN_PROCEDURE, f"Không có thủ tục mã {code} trong CSDL quốc gia.")
        return SimResponse(200, {"error_code": 0, "message": "", "result": record})

    def change_procedure(self, order: Any) -> dict[str, Any]:
        """Apply a ``change_procedure`` order; answers the changed fields."""
        if isinstance(order, dict):
            code, fields = str(order.get("code", "")), dict(order.get("fields") or {})
        else:
            code, fields = str(order), {}
        record = self.national_record(code)
        if record is None:
            raise ValueError(f"Không có thủ tục mã {code} trong CSDL quốc gia mô phỏng.")
        if not fields:
            revision = self.catalog_revisions.get(code, 0) + 1
            self.catalog_revisions[code] = revision
            shipped = _shipped(code) or {}
            fields = {
                "so_quyet_dinh": f"{revision:03d}/QĐ-MOPHONG",
                "ten_thu_tuc": f"{shipped.get('ten_thu_tuc', '')} (sửa đổi lần {revision})",
            }
        self.catalog_changes.setdefault(code, {}).update(fields)
        return {"code": code, "fields": fields}

    # -- the push of a dossier filed on the portal -----------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        if request.method == "GET" and request.path.startswith(FILES_PATH):
            with self.lock:
                self.calls += 1
                if self.faults.down_until > time.monotonic():
                    raise NoAnswer()
                found = self.served_files.get(request.path[len(FILES_PATH) :])
            if found is None:
                return SimResponse(404, {"error_code": 404, "message": "Không có tệp này."})
            return SimResponse(200, found[1], content_type="application/octet-stream")
        return super().handle(request)

    def control(self, order: dict[str, Any]) -> dict[str, Any]:
        order = dict(order)
        change = order.pop("change_procedure", None)
        push = order.pop("push_dossier", None)
        answer = super().control(order)
        if change is not None:
            with self.lock:
                answer["changed"] = self.change_procedure(change)
        if push is not None:
            # Outside the lock: motcua fetches the files from this simulator while it answers.
            answer["pushed"] = self.push_dossier(push)
        return answer

    def push_dossier(self, push: dict[str, Any]) -> dict[str, Any]:
        record = push["record"]
        with self.lock:
            for key, item in (push.get("files") or {}).items():
                self.served_files[str(key)] = (str(item["name"]), base64.b64decode(item["content_base64"]))
            code = str(record.get("MaHoSo", ""))
            if code and code not in self.dossiers:
                self.dossiers[code] = {"record": record, "progress": [], "status": 1}
        request = urllib.request.Request(
            str(push["url"]),
            data=json.dumps(record, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {push.get('token', '')}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            body = json.loads(raw.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = raw.decode("utf-8", "replace")
        outcome = {"status": status, "body": body}
        with self.lock:
            self.pushes.append({"MaHoSo": code, **outcome})
        return outcome


_cache: dict[str, dict[str, Any] | None] = {}


def _shipped(code: str) -> dict[str, Any] | None:
    """The shipped detail file of ``code`` (read once)."""
    if code not in _cache:
        found = next(iter(sorted(NATIONAL_DATA.glob(f"*/{code}.json"))), None)
        _cache[code] = json.loads(found.read_text(encoding="utf-8")) if found else None
    return _cache[code]
