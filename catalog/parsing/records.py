"""Whole records: a detail page parsed field by field, checked against ``raw_text`` and re-cut where
the crawler cut a section wrong; and the portal's list exports (XLSX)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from catalog.parsing.base import (
    CORRECTED,
    INCONSISTENT,
    MISSING,
    UNPARSED,
    ListRow,
    ParsedDetail,
    ParseIssue,
    _issue,
    _norm,
    _optional,
    _optional_block,
    _quote,
    is_valid_code,
)
from catalog.parsing.channels import parse_channels
from catalog.parsing.components import parse_components, split_papers_and_notes
from catalog.parsing.results_legal import RESULTS_NOISE, parse_legal_basis, parse_levels, parse_results
from kernel.text import fold, nfc

# --------------------------------------------------------------------------- raw_text cross-check

_SECTION_KEYS = (
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
)
_SECTION_ATTRS = {
    "trinh_tu_thuc_hien": "steps",
    "cach_thuc_thuc_hien": "channels",
    "thanh_phan_ho_so": "components",
    "can_cu_phap_ly": "legal_basis",
    "co_quan_thuc_hien": "implementing_agency",
    "yeu_cau_dieu_kien": "requirements",
    "ket_qua_xu_ly": "results",
}
_STEPS_LABEL_RE = re.compile(r"Trình Tự Thực Hiện")
_CHANNELS_LABEL_RE = re.compile(r"Cách Thức Thực Hiện(?=\s*Hình thức nộp)")
_LEGAL_LABEL_RE = re.compile(r"Căn cứ pháp lý(?=\s*(?:Tên văn bản pháp lý|Không có thông tin))")
_COMPONENTS_LABEL = "Thành phần hồ sơ"
_AGENCY_LABEL = "Cơ quan thực hiện"
_REQUIREMENTS_LABEL = "Yêu cầu, điều kiện thực hiện"
_RESULTS_LABEL = "Kết quả xử lý"
_RAW_CODE_RE = re.compile(r"Mã thủ tục\s*(\S+?)\s*Số quyết định")
_SQUASH_RE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SQUASH_RE.sub("", unicodedata.normalize("NFC", text))


def _sections_from_raw(raw_text: str) -> dict[str, str] | None:
    """Cut the long sections out of the page text using labels anchored on the table headers."""
    related = raw_text.find("Thủ tục hành chính liên quan")
    steps = _STEPS_LABEL_RE.search(raw_text, max(related, 0))
    if steps is None:
        return None
    channels = _CHANNELS_LABEL_RE.search(raw_text, steps.end())
    if channels is None:
        return None
    legal = _LEGAL_LABEL_RE.search(raw_text, channels.end())
    if legal is None:
        return None
    components = raw_text.find(_COMPONENTS_LABEL, channels.end(), legal.start())
    agency = raw_text.find(_AGENCY_LABEL, legal.end())
    requirements = raw_text.find(_REQUIREMENTS_LABEL, agency + 1) if agency >= 0 else -1
    if components < 0 or agency < 0 or requirements < 0:
        return None
    results = raw_text.find(_RESULTS_LABEL, requirements)
    if results >= 0:
        requirements_end, results_text = results, raw_text[results + len(_RESULTS_LABEL) :]
    else:  # the page has no results block; the UI text follows the requirements directly
        stops = [
            p
            for p in (raw_text.find("Từ khóa", requirements), raw_text.find(RESULTS_NOISE, requirements))
            if p >= 0
        ]
        requirements_end, results_text = (min(stops) if stops else len(raw_text)), ""
    return {
        "trinh_tu_thuc_hien": raw_text[steps.end() : channels.start()],
        "cach_thuc_thuc_hien": raw_text[channels.end() : components],
        "thanh_phan_ho_so": raw_text[components + len(_COMPONENTS_LABEL) : legal.start()],
        "can_cu_phap_ly": raw_text[legal.end() : agency],
        "co_quan_thuc_hien": raw_text[agency + len(_AGENCY_LABEL) : requirements],
        "yeu_cau_dieu_kien": raw_text[requirements + len(_REQUIREMENTS_LABEL) : requirements_end],
        "ket_qua_xu_ly": results_text,
    }


def _cross_check(record: Mapping[str, str], code: str) -> tuple[dict[str, str], list[ParseIssue]]:
    """The long fields to parse, re-cut from raw_text where the crawler cut them wrongly."""
    fields = {key: record.get(key, "") for key in _SECTION_KEYS}
    raw_text = record.get("raw_text", "")
    issues: list[ParseIssue] = []
    if not raw_text.strip():
        return fields, issues
    raw_code = _RAW_CODE_RE.search(raw_text)
    if raw_code is not None and raw_code.group(1) != code:
        reason = (
            f"Trang chi tiết mang mã thủ tục «{raw_code.group(1)}» khác mã của bản ghi «{code}»: "
            "nội dung có thể thuộc thủ tục khác"
        )
        issues.append(_issue("code", reason, raw_text[raw_code.start() : raw_code.end()], INCONSISTENT))
    sections = _sections_from_raw(raw_text)
    if sections is None:
        issues.append(
            _issue(
                "raw_text",
                "Không đối chiếu được các mục với raw_text (thiếu nhãn mục)",
                raw_text,
                INCONSISTENT,
            )
        )
        return fields, issues
    for key in _SECTION_KEYS:
        if _squash(sections[key]) != _squash(fields[key]):
            reason = f"Trường «{key}» bị cắt sai khi thu thập, đã tách lại từ raw_text"
            issues.append(_issue(_SECTION_ATTRS[key], reason, fields[key] or sections[key], CORRECTED))
            fields[key] = sections[key].strip()
    return fields, issues


# --------------------------------------------------------------------------- detail


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""


def parse_detail(record: Mapping[str, Any]) -> ParsedDetail:
    """Parse one crawled detail record (the JSON object). Raises ValueError without a valid code."""
    code = nfc(_text(record, "ma_thu_tuc"))
    if not is_valid_code(code):
        raise ValueError(f"Mã thủ tục không hợp lệ: {record.get('ma_thu_tuc')!r}")
    raw = {
        key: unicodedata.normalize("NFC", value) for key, value in record.items() if isinstance(value, str)
    }
    issues: list[ParseIssue] = []
    sections, check_issues = _cross_check(raw, code)
    issues += check_issues

    name = nfc(raw.get("ten_thu_tuc", ""))
    if not name:
        issues.append(_issue("name", "Thiếu dữ liệu: không có tên thủ tục", "", MISSING))
    field_name = _optional(raw.get("linh_vuc", ""))
    if not field_name:
        issues.append(_issue("field", "Thiếu dữ liệu: không có lĩnh vực", raw.get("linh_vuc", ""), MISSING))
    levels, level_issues = parse_levels(raw.get("cap_thuc_hien", ""))
    channels, channel_issues = parse_channels(sections["cach_thuc_thuc_hien"])
    table, component_issues = parse_components(sections["thanh_phan_ho_so"])
    components, component_notes, kind_issues = split_papers_and_notes(table)
    component_issues += kind_issues
    results, result_issues = parse_results(sections["ket_qua_xu_ly"])
    legal, legal_issues = parse_legal_basis(sections["can_cu_phap_ly"])
    issues += level_issues + channel_issues + component_issues + result_issues + legal_issues

    return ParsedDetail(
        code=code,
        name=name,
        field=field_name,
        levels=levels,
        procedure_type=_optional(raw.get("loai_thu_tuc", "")),
        subjects=_optional(raw.get("doi_tuong_thuc_hien", "")),
        national_decision=_optional(raw.get("so_quyet_dinh", "")),
        competent_agency=_optional(raw.get("co_quan_co_tham_quyen", "")),
        implementing_agency=_optional(sections["co_quan_thuc_hien"]),
        authorized_agency=_optional(raw.get("co_quan_duoc_uy_quyen", "")),
        coordinating_agency=_optional(raw.get("co_quan_phoi_hop", "")),
        reception_address=_optional_block(raw.get("dia_chi_tiep_nhan", "")),
        related=_optional(raw.get("thu_tuc_lien_quan", "")),
        steps=_optional_block(sections["trinh_tu_thuc_hien"]),
        requirements=_optional_block(sections["yeu_cau_dieu_kien"]),
        channels=tuple(channels),
        components=tuple(components),
        component_notes=component_notes,
        results=tuple(results),
        legal_basis=tuple(legal),
        source_url=nfc(raw.get("detail_url", "")),
        raw=raw,
        issues=tuple(issues),
    )


# --------------------------------------------------------------------------- list exports

_LIST_COLUMNS = {
    "ma so": "code",
    "ten": "name",
    "co quan ban hanh": "issuing_body",
    "co quan thuc hien": "implementing_agencies",
    "linh vuc": "field",
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    return _norm(str(value))


def _iter_rows(path: Path) -> Iterator[tuple[int, tuple[object, ...]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, tuple(values)
    finally:
        workbook.close()


def read_list_xlsx(path: str | Path) -> tuple[list[ListRow], list[ParseIssue]]:
    """Read a national list export (title banner, header row, one row per procedure)."""
    path = Path(path)
    rows: list[ListRow] = []
    issues: list[ParseIssue] = []
    columns: dict[str, int] | None = None
    seen: dict[str, int] = {}
    for number, values in _iter_rows(path):
        cells = [_cell(v) for v in values]
        where = f"xlsx:{path.name}:{number}"
        if not any(c.strip() for c in cells):
            continue
        if columns is None:
            found = {_LIST_COLUMNS[key]: i for i, c in enumerate(cells) if (key := fold(c)) in _LIST_COLUMNS}
            if "code" in found and "name" in found:
                columns = found
            continue

        def get(column: str, found: dict[str, int] = columns, row: list[str] = cells) -> str:
            i = found.get(column)
            return row[i] if i is not None and i < len(row) else ""

        raw_code = get("code")
        code = nfc(raw_code)
        if not is_valid_code(code):
            reason = (
                f"Mã thủ tục không hợp lệ: «{_quote(raw_code, 40)}»" if code else "Dòng không có mã thủ tục"
            )
            issues.append(_issue(where, reason, " | ".join(nfc(c) for c in cells), UNPARSED))
            continue
        if code in seen:
            reason = f"Mã thủ tục «{code}» trùng với dòng {seen[code]}; bỏ qua dòng này"
            issues.append(_issue(where, reason, " | ".join(nfc(c) for c in cells), INCONSISTENT))
            continue
        seen[code] = number
        name = nfc(get("name"))
        if not name:
            issues.append(_issue(where, f"Thiếu dữ liệu: thủ tục «{code}» không có tên", code, MISSING))
        agencies = tuple(
            dict.fromkeys(a for a in (nfc(p) for p in get("implementing_agencies").split("\n")) if a)
        )
        rows.append(ListRow(code, name, nfc(get("issuing_body")), agencies, nfc(get("field")), number))
    if columns is None:
        issues.append(
            _issue(f"xlsx:{path.name}", "Không tìm thấy dòng tiêu đề («Mã số», «Tên»…)", "", UNPARSED)
        )
    return rows, issues
