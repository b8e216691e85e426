"""Import of the national procedure data: list exports (XLSX) and crawled detail pages (JSON).

Idempotent: a procedure whose source text did not change keeps its version; a changed one gets a new
draft version; nothing is ever duplicated. What the parsers could not understand is kept as raw text
and listed in the report, never guessed silently.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from catalog import parsing
from catalog.models import Procedure, ProcedureSource, ProcedureVersion
from catalog.services import ComponentData, OptionData, VersionData, version_create

ProgressFn = Callable[[int, int, str], None]
IMPORT_NOTE = "Nhập từ dữ liệu TTHC quốc gia"
# A new draft from unchanged sources read again by a newer parser (docs/adr/0025).
REREAD_NOTE = "Đọc lại thành phần hồ sơ từ dữ liệu TTHC quốc gia (tách ghi chú, giữ mọi mẫu)"
_ROW_INDEX = re.compile(r"\[\d+\]")


@dataclass
class ReportRow:
    code: str
    file: str
    field: str
    kind: str
    reason: str
    excerpt: str


@dataclass
class ImportSummary:
    files: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    details: int = 0
    details_fully_parsed: int = 0
    list_only: int = 0
    # Versions whose sources did not change but whose papers read differently now (docs/adr/0025);
    # also counted in ``updated``.
    reread: int = 0
    report: list[ReportRow] = field(default_factory=list)
    issues_by_field: Counter[str] = field(default_factory=Counter)

    @property
    def fully_parsed_rate(self) -> float:
        return self.details_fully_parsed / self.details if self.details else 0.0


def _collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path], list[str]]:
    details: list[Path] = []
    lists: list[Path] = []
    errors: list[str] = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            details += sorted(path.rglob("*.json"))
            lists += sorted(path.rglob("*.xlsx"))
        elif path.suffix.lower() == ".json" and path.is_file():
            details.append(path)
        elif path.suffix.lower() == ".xlsx" and path.is_file():
            lists.append(path)
        elif not path.exists():
            errors.append(f"Không tìm thấy: {path}")
        else:
            errors.append(f"Không nhận dạng được tệp (chỉ nhận .json, .xlsx hoặc thư mục): {path}")
    return details, lists, errors


def _content_hash(raw: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def version_data_from_raw(raw: dict[str, Any]) -> tuple[VersionData, list[parsing.ParseIssue]]:
    """Build a version's content from the raw sources kept on it: ``{"detail": {...}, "list": {...}}``."""
    detail_record = raw.get("detail")
    list_row = raw.get("list") or {}
    issues: list[parsing.ParseIssue] = []
    if detail_record is None:
        issues.append(
            parsing.ParseIssue(
                field="detail",
                reason="Không có trang chi tiết: chưa có thời hạn, phí, thành phần hồ sơ.",
                excerpt=list_row.get("name", "")[:200],
            )
        )
        data = VersionData(
            name=list_row.get("name", ""),
            field_name=list_row.get("field", ""),
            issuing_body=list_row.get("issuing_body", ""),
            implementing_agency_text="\n".join(list_row.get("implementing_agencies", [])),
            source=ProcedureVersion.Source.NATIONAL_LIST,
        )
        return data, issues
    detail = parsing.parse_detail(detail_record)
    issues.extend(detail.issues)
    if any(i.field == "code" and i.kind == parsing.INCONSISTENT for i in detail.issues):
        # The crawler stored another procedure's page under this code: its content is not this
        # procedure's. Keep the raw page, use only what the national list says.
        issues.append(
            parsing.ParseIssue(
                field="detail",
                reason="Trang chi tiết là của thủ tục khác; chỉ dùng dữ liệu danh sách.",
                excerpt=detail.name[:200],
                kind=parsing.INCONSISTENT,
            )
        )
        if list_row:
            return VersionData(
                name=list_row.get("name", ""),
                field_name=list_row.get("field", ""),
                issuing_body=list_row.get("issuing_body", ""),
                implementing_agency_text="\n".join(list_row.get("implementing_agencies", [])),
                source=ProcedureVersion.Source.NATIONAL_LIST,
            ), issues
    per_channel = Counter(row.channel for row in detail.channels)
    options: list[OptionData] = []
    for row in detail.channels:
        case = ""
        if per_channel[row.channel] > 1:
            case = (row.description or f"Trường hợp {len(options) + 1}")[:1000]
        options.append(
            OptionData(
                channel=row.channel,
                time_amount=row.time.amount,
                time_unit=row.time.unit or "",
                time_assumed=row.time.assumed,
                time_text=row.time.text,
                free=row.free,
                fee_text=row.fee_text,
                description=row.description,
                fees=[(fee.name, fee.amount, fee.text) for fee in row.fees],
                case=case,
            )
        )
    data = VersionData(
        name=detail.name or list_row.get("name", ""),
        field_name=detail.field or list_row.get("field", ""),
        levels=detail.levels,
        issuing_body=list_row.get("issuing_body", ""),
        procedure_type=detail.procedure_type,
        subjects=detail.subjects,
        national_decision=detail.national_decision,
        competent_agency_text=detail.competent_agency,
        implementing_agency_text=detail.implementing_agency
        or "\n".join(list_row.get("implementing_agencies", [])),
        authorized_agency_text=detail.authorized_agency,
        coordinating_agency_text=detail.coordinating_agency,
        reception_address=detail.reception_address,
        related_text=detail.related,
        steps_text=detail.steps,
        requirements_text=detail.requirements,
        component_notes=detail.component_notes,
        options=options,
        components=[
            ComponentData(
                section=c.section,
                name=c.name,
                form_names=list(c.forms),
                originals=c.originals,
                copies=c.copies,
                quantity_text=c.quantity_text,
                mandatory=parsing.component_is_mandatory(c.name, c.originals, c.copies),
            )
            for c in detail.components
        ],
        results=[(r.name, r.code, r.description) for r in detail.results],
        legal_basis=[(row.title, row.number) for row in detail.legal_basis],
        source=ProcedureVersion.Source.NATIONAL_PORTAL,
        source_url=detail.source_url,
    )
    return data, issues


class ProcedureImporter:
    """Imports the given files and folders; ``run`` returns the summary with the report rows."""

    def __init__(
        self,
        *,
        progress: ProgressFn | None = None,
        select: Callable[[str, dict[str, Any]], bool] | None = None,
    ) -> None:
        self.progress = progress or (lambda done, total, code: None)
        # Which of the read procedures to import, from the code and its sources (all by default): a
        # test that needs some of the shipped catalog's names reads every file, writes only those.
        self.select = select or (lambda code, sources: True)

    def run(self, paths: Iterable[str | Path]) -> ImportSummary:
        summary = ImportSummary()
        detail_files, list_files, errors = _collect_files(paths)
        if errors:
            raise FileNotFoundError("; ".join(errors))
        summary.files = len(detail_files) + len(list_files)
        sources: dict[str, dict[str, Any]] = {}
        origin: dict[str, str] = {}

        for path in list_files:
            rows, issues = parsing.read_list_xlsx(path)
            for issue in issues:
                self._report(summary, "", path.name, issue)
            for row in rows:
                entry = sources.setdefault(row.code, {})
                if "list" in entry:
                    self._report(
                        summary,
                        row.code,
                        path.name,
                        parsing.ParseIssue(
                            field="list",
                            reason="Mã thủ tục xuất hiện nhiều lần trong danh sách; dùng dòng sau cùng.",
                            excerpt=row.name[:200],
                        ),
                    )
                item = asdict(row)
                item.pop("row_number", None)
                item["implementing_agencies"] = list(row.implementing_agencies)
                entry["list"] = item
                origin.setdefault(row.code, path.name)

        for path in detail_files:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                code = str(record["ma_thu_tuc"]).strip()
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self._report(
                    summary,
                    "",
                    str(path),
                    parsing.ParseIssue(
                        field="file", reason=f"Không đọc được tệp JSON chi tiết: {exc}", excerpt=""
                    ),
                )
                summary.failed += 1
                continue
            entry = sources.setdefault(code, {})
            entry["detail"] = record
            origin[code] = str(path.relative_to(path.parents[1])) if len(path.parents) > 1 else path.name

        chosen = sorted(code for code, entry in sources.items() if self.select(code, entry))
        total = len(chosen)
        for done, code in enumerate(chosen, start=1):
            self.import_record(summary, code, sources[code], origin.get(code, ""))
            self.progress(done, total, code)
        return summary

    def _report(self, summary: ImportSummary, code: str, file: str, issue: parsing.ParseIssue) -> None:
        summary.report.append(
            ReportRow(
                code=code,
                file=file,
                field=issue.field,
                kind=issue.kind,
                reason=issue.reason,
                excerpt=issue.excerpt,
            )
        )
        # channels[2].fee → channels.fee: the summary counts by field, the report keeps the row.
        summary.issues_by_field[_ROW_INDEX.sub("", issue.field)] += 1

    def import_record(
        self,
        summary: ImportSummary,
        code: str,
        incoming: dict[str, Any],
        file: str = "",
        *,
        change_note: str = IMPORT_NOTE,
        keep_manual_draft: bool = False,
    ) -> str:
        """Import one procedure's sources (``{"detail": {...}}`` and/or ``{"list": {...}}``) by the rules
        of the files: unchanged content keeps its version, changed content becomes a new draft. Returns
        what happened: ``created``, ``updated``, ``unchanged`` or ``failed`` (the reasons are in
        ``summary.report``). The national database's sync (integrations/dvcqg/catalog_sync.py) calls it
        with the record ``LayThuTuc`` answers, so one parser serves the files and the sync.
        ``keep_manual_draft``: changed content is ``refused`` (nothing written) while the newest version
        is a draft an administrator is editing, rather than put a new draft over it."""
        return self._import_one(summary, code, incoming, file, change_note, keep_manual_draft)

    def _import_one(
        self,
        summary: ImportSummary,
        code: str,
        incoming: dict[str, Any],
        file: str,
        change_note: str = IMPORT_NOTE,
        keep_manual_draft: bool = False,
    ) -> str:
        summary.records += 1
        procedure = Procedure.objects.select_related("latest_version").filter(code=code).first()
        previous_raw = (
            ProcedureSource.objects.filter(version_id=procedure.latest_version_id)
            .values_list("raw", flat=True)
            .first()
            if procedure and procedure.latest_version_id
            else None
        ) or {}
        # A source missing from this run keeps what the previous import stored (importing only the
        # lists must not erase what the detail pages gave).
        raw = {
            "detail": incoming.get("detail", previous_raw.get("detail")),
            "list": incoming.get("list", previous_raw.get("list")),
        }
        try:
            data, issues = version_data_from_raw(raw)
        except ValueError as exc:
            summary.failed += 1
            self._report(summary, code, file, parsing.ParseIssue(field="record", reason=str(exc), excerpt=""))
            return "failed"
        for issue in issues:
            self._report(summary, code, file, issue)
        if raw["detail"] is not None:
            summary.details += 1
            summary.details_fully_parsed += not issues
        else:
            summary.list_only += 1
        content_hash = _content_hash(raw)
        latest = procedure.latest_version if procedure else None
        reread = False
        if latest is not None and latest.content_hash == content_hash:
            if raw["detail"] is None or _papers(data) == _stored_papers(latest):
                summary.unchanged += 1
                return "unchanged"
            if latest.source != ProcedureVersion.Source.NATIONAL_PORTAL:
                reason = (
                    f"Thành phần hồ sơ đọc lại khác phiên bản {latest.number}, nhưng phiên bản đó do quản trị "
                    "sửa: đối chiếu và sửa tay (tách ghi chú, các mẫu) trong một dự thảo."
                )
                self._report(
                    summary, code, file, parsing.ParseIssue(field="version", reason=reason, excerpt="")
                )
                summary.unchanged += 1
                return "unchanged"
            reread = True
            change_note = REREAD_NOTE
        if (
            keep_manual_draft
            and latest is not None
            and latest.status == ProcedureVersion.Status.DRAFT
            and latest.source == ProcedureVersion.Source.MANUAL
        ):
            reason = (
                f"Nội dung quốc gia đã thay đổi nhưng phiên bản {latest.number} là dự thảo đang được quản trị "
                "sửa: hoàn tất (công bố) hoặc xóa dự thảo đó rồi đồng bộ lại."
            )
            self._report(summary, code, file, parsing.ParseIssue(field="version", reason=reason, excerpt=""))
            return "refused"
        data.raw = raw
        data.content_hash = content_hash
        data.parse_issues = [asdict(issue) for issue in issues]
        data.change_note = change_note
        with transaction.atomic():
            if procedure is None:
                procedure = Procedure.objects.create(code=code)
                summary.created += 1
                outcome = "created"
            else:
                summary.updated += 1
                summary.reread += reread
                outcome = "updated"
            version_create(procedure=procedure, data=data)
        return outcome


PaperKey = tuple[str, str, tuple[str, ...], int | None, int | None, str]


def _papers(data: VersionData) -> tuple[tuple[PaperKey, ...], str]:
    """The papers and notes a version built from ``data`` would store, as ``_stored_papers`` reads them."""
    rows = tuple(
        (c.section[:300], c.name, tuple(c.form_names), c.originals, c.copies, c.quantity_text[:200])
        for c in data.components
    )
    return rows, data.component_notes


def _stored_papers(version: ProcedureVersion) -> tuple[tuple[PaperKey, ...], str]:
    rows = tuple(
        (section, name, tuple(forms or ()), originals, copies, quantity)
        for section, name, forms, originals, copies, quantity in version.components.order_by(
            "position", "pk"
        ).values_list("section", "name", "form_names", "originals", "copies", "quantity_text")
    )
    return rows, version.component_notes


def write_report(summary: ImportSummary, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "file", "field", "kind", "reason", "excerpt"])
        for row in summary.report:
            writer.writerow([row.code, row.file, row.field, row.kind, row.reason, row.excerpt])
