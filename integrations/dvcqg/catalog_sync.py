"""The catalog kept in step with the national database of administrative procedures, through the portal:
``LayDanhSachTTHC`` (codes and names) and ``LayThuTuc`` (one procedure). To confirm with the operator's
current documents.

INTEGRATIONS.md does not fix ``LayThuTuc``'s result. As designed here, ``result`` is the national
database's record of the procedure in the field names of the detail files the national database exports
and motcua's importer already reads (``ma_thu_tuc``, ``ten_thu_tuc``, ``so_quyet_dinh``,
``cach_thuc_thuc_hien``, ``thanh_phan_ho_so``, ``can_cu_phap_ly``, ``raw_text``…; ``data/procedures/
national/``), one object (or a list holding one); ``LayDanhSachTTHC``'s ``result`` is a list of
``{"maTTHC", "tenTTHC"}``. So one parser serves the files and the sync: each record goes through
``catalog.importer.ProcedureImporter.import_record`` with the files' rules (ADR 0002) — the same content
(the SHA-256 of the raw sources) keeps its version; changed content becomes a new **draft** version, put
in force only by a provincial publication decision; a procedure new to the catalog is created with its
draft. One rule more than the files: while an administrator is editing a draft of the procedure, a
changed record is refused (nothing written) rather than put a new draft over that work.

``madonvi`` for these calls is the province's top agency — its People's Committee
(``catalog_madonvi``): the catalog is the province's, not one agency's.

Run on demand (``manage.py sync_catalog --code 1.001193 …`` or ``--all``; the admin's action on
procedures, "Đồng bộ từ CSDL quốc gia") and nightly by the periodic job ``sync_catalog`` (jobs/schedule.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from catalog import parsing
from catalog.importer import ImportSummary, ProcedureImporter
from catalog.models import Procedure
from integrations.dvcqg.client import PortalClient, PortalRefused, PortalUnavailable, portal_client
from kernel.errors import DomainError
from organization.models import Agency

LIST_OPERATION = "LayDanhSachTTHC"
DETAIL_OPERATION = "LayThuTuc"
SYNC_NOTE = "Đồng bộ từ CSDL quốc gia về TTHC (LayThuTuc)"
CREATED, UNCHANGED, REFUSED = "created", "unchanged", "refused"


@dataclass
class SyncRow:
    """One procedure's outcome: ``created`` (a new draft version, ``new_procedure`` when the catalog did
    not have the procedure), ``unchanged``, or ``refused`` with the reason."""

    code: str
    outcome: str
    reason: str = ""
    version: int | None = None
    new_procedure: bool = False

    def line(self) -> str:
        if self.outcome == CREATED:
            what = "thủ tục mới, " if self.new_procedure else ""
            return f"{self.code}: {what}tạo phiên bản dự thảo số {self.version}"
        if self.outcome == UNCHANGED:
            return f"{self.code}: không đổi"
        return f"{self.code}: không đồng bộ được — {self.reason}"


@dataclass
class SyncReport:
    rows: list[SyncRow] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)

    def summary(self) -> str:
        return (
            f"Đồng bộ {len(self.rows)} thủ tục từ CSDL quốc gia: tạo phiên bản dự thảo {self.created}, "
            f"không đổi {self.unchanged}, không đồng bộ được {self.refused}."
        )


def catalog_madonvi() -> str:
    """The electronic identifier of the province's People's Committee (the top agency of the province
    ``MOTCUA_PROVINCE_CODE``): the ``madonvi`` of the catalog's calls."""
    top = (
        Agency.objects.filter(
            kind=Agency.Kind.PEOPLES_COMMITTEE,
            level=Agency.Level.PROVINCE,
            parent__isnull=True,
            is_active=True,
            province__code=settings.MOTCUA_PROVINCE_CODE,
        )
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    if top is None:
        raise DomainError(
            "no_province_agency",
            "Chưa có Ủy ban nhân dân tỉnh (cơ quan cấp tỉnh cao nhất, có mã định danh điện tử) trong danh mục "
            "cơ quan: không có mã đơn vị để gọi CSDL quốc gia.",
        )
    return top


def _client(client: PortalClient | None) -> PortalClient:
    found = client or portal_client()
    if found is None:
        from integrations.dvcqg.client import PORTAL_OFF

        raise DomainError("portal_off", PORTAL_OFF, status=503)
    return found


def national_codes(*, client: PortalClient | None = None) -> list[tuple[str, str]]:
    """``LayDanhSachTTHC``: the national database's procedures, (code, name), valid codes only."""
    portal = _client(client)
    result = portal.call(LIST_OPERATION, madonvi=catalog_madonvi(), data=[])
    listed: list[tuple[str, str]] = []
    for item in result if isinstance(result, list) else []:
        if isinstance(item, dict):
            code = str(item.get("maTTHC") or "").strip()
            if parsing.is_valid_code(code):
                listed.append((code, str(item.get("tenTTHC") or "")))
    return listed


def _record_of(result: Any, code: str) -> dict[str, Any]:
    """The procedure record in ``LayThuTuc``'s result (or why it is not one)."""
    record = result[0] if isinstance(result, list) and len(result) == 1 else result
    if not isinstance(record, dict):
        raise ValueError("Kết quả LayThuTuc không phải một bản ghi thủ tục.")
    if str(record.get("ma_thu_tuc") or "").strip() != code:
        raise ValueError(f"Kết quả LayThuTuc mang mã thủ tục «{record.get('ma_thu_tuc')}» thay vì «{code}».")
    return record


def catalog_sync(
    *, codes: Iterable[str] = (), all_codes: bool = False, client: PortalClient | None = None
) -> SyncReport:
    """Bring the named procedures (or, with ``all_codes``, every procedure ``LayDanhSachTTHC`` lists)
    from the national database into the catalog. Each is created / unchanged / refused on its own row;
    the portal not answering refuses that procedure and the rest of the run (nothing half-done: each
    procedure's version is written in its own transaction). Raises ``DomainError`` when the sync cannot
    start (integration off, no province agency)."""
    portal = _client(client)
    madonvi = catalog_madonvi()
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    report = SyncReport()
    if all_codes:
        try:
            wanted += [code for code, _ in national_codes(client=portal) if code not in wanted]
        except (PortalRefused, PortalUnavailable) as exc:
            raise DomainError(
                "portal_list_failed", f"Không lấy được danh sách TTHC quốc gia: {exc}", status=502
            ) from exc
    importer = ProcedureImporter()
    down: str = ""
    for code in wanted:
        if down:
            report.rows.append(SyncRow(code, REFUSED, down))
            continue
        if not parsing.is_valid_code(code):
            report.rows.append(SyncRow(code, REFUSED, "Mã thủ tục không hợp lệ (dạng 1.001193)."))
            continue
        try:
            result = portal.call(DETAIL_OPERATION, madonvi=madonvi, data=[{"maTTHC": code}])
            record = _record_of(result, code)
        except PortalRefused as exc:
            report.rows.append(SyncRow(code, REFUSED, f"Cổng từ chối ({exc.code}): {exc.message}"))
            continue
        except PortalUnavailable as exc:
            down = f"Cổng không trả lời: {exc}"
            report.rows.append(SyncRow(code, REFUSED, down))
            continue
        except ValueError as exc:
            report.rows.append(SyncRow(code, REFUSED, str(exc)))
            continue
        report.rows.append(_import(importer, code, record))
    return report


def _import(importer: ProcedureImporter, code: str, record: dict[str, Any]) -> SyncRow:
    existed = Procedure.objects.filter(code=code).exists()
    summary = ImportSummary()
    outcome = importer.import_record(
        summary,
        code,
        {"detail": record},
        f"{DETAIL_OPERATION}:{code}",
        change_note=SYNC_NOTE,
        keep_manual_draft=True,
    )
    if outcome in ("created", "updated"):
        latest = Procedure.objects.select_related("latest_version").get(code=code).latest_version
        return SyncRow(code, CREATED, version=latest.number if latest else None, new_procedure=not existed)
    if outcome == "unchanged":
        return SyncRow(code, UNCHANGED)
    reasons = [row.reason for row in summary.report if row.field in ("record", "version")]
    return SyncRow(code, REFUSED, "; ".join(reasons) or "Bản ghi thủ tục không đọc được.")


def sync_selected(*, procedures: Sequence[Procedure], client: PortalClient | None = None) -> SyncReport:
    """The admin's action: the selected procedures."""
    return catalog_sync(codes=[p.code for p in procedures], client=client)
