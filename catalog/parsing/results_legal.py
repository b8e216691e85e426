"""The results table (with result codes), the legal basis (document numbers and titles) and the
administrative levels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from catalog.parsing.base import (
    ASSUMED,
    MISSING,
    NO_INFO,
    UNPARSED,
    LegalRow,
    ParseIssue,
    ResultRow,
    _is_no_info,
    _issue,
    _norm,
    _optional,
    _optional_block,
    _quote,
)
from kernel.text import fold, nfc

# --------------------------------------------------------------------------- results

RESULTS_NOISE = "Chọn cơ quan thực hiện"
_RESULT_CODE_MARK = re.compile(r"Mã:\s?")
_STANDARD_RESULT_CODE = re.compile(r"(?:KQ|TP)[.\-][A-Z]\d{2}[.\-]\d{5,7}")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.\-_]+")


def _split_result_code(segment: str) -> tuple[str, str] | None:
    """(code, rest) for a code glued to the next result's name; None when no digit ends it."""
    standard = _STANDARD_RESULT_CODE.match(segment)
    if standard is not None:
        return standard.group(), segment[standard.end() :]
    run = _ASCII_RUN.match(segment)
    if run is None:
        return None
    token = run.group()
    last_digit = max((i for i, c in enumerate(token) if c.isdigit()), default=-1)
    if last_digit < 0:
        return None
    return token[: last_digit + 1], segment[last_digit + 1 :]


def _result_name(text: str) -> str:
    return nfc(re.sub(r"^[\s.\-+•*]+", "", _norm(text)))


def parse_results(text: str) -> tuple[list[ResultRow], list[ParseIssue]]:
    """Parse "Kết quả xử lý": ``<name>Mã: <code>[Từ khóa<kw>][Mô tả<description>]`` repeated."""
    body = _norm(text)
    noise = body.find(RESULTS_NOISE)
    if noise >= 0:
        body = body[:noise]
    body = body.strip()
    if not body or _is_no_info(body):
        return [], [_issue("results", "Thiếu dữ liệu: không có kết quả xử lý", body, MISSING)]
    marks = list(_RESULT_CODE_MARK.finditer(body))
    if not marks:
        name = _result_name(body)
        return [ResultRow(name, "", "")], [_issue("results[0]", "Kết quả không có mã", body, MISSING)]
    rows: list[ResultRow] = []
    issues: list[ParseIssue] = []
    name = body[: marks[0].start()]
    for i, mark in enumerate(marks):
        index = len(rows)
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        segment = body[mark.end() : end]
        next_name = ""
        keywords = description = ""
        kw_at = segment.find("Từ khóa")
        desc_at = segment.find("Mô tả")
        markers = [p for p in (kw_at, desc_at) if p >= 0]
        if markers:
            code = segment[: min(markers)]
            if kw_at >= 0:
                keywords = segment[kw_at + len("Từ khóa") : desc_at if desc_at > kw_at else len(segment)]
            if desc_at >= 0:
                description = segment[desc_at + len("Mô tả") :]
            if i + 1 < len(marks):  # the next result's name is glued to the last cell
                last = description if desc_at >= 0 else keywords
                if last.startswith(NO_INFO):
                    next_name = last[len(NO_INFO) :]
                    description, keywords = ("", keywords) if desc_at >= 0 else (description, "")
                else:
                    next_name = ""
                    reason = "Không tách được mô tả kết quả khỏi tên kết quả kế tiếp"
                    issues.append(_issue(f"results[{index + 1}]", reason, segment, UNPARSED))
        else:
            split = _split_result_code(segment)
            if split is None:
                code, next_name = "", segment
                reason = f"Không tách được mã kết quả: «{_quote(segment)}»"
                issues.append(_issue(f"results[{index}]", reason, segment, UNPARSED))
            else:
                code, next_name = split
        code = nfc(code)
        if not code or fold(code).startswith("chua xac dinh"):
            issues.append(_issue(f"results[{index}]", f"Kết quả không có mã («{code}»)", segment, MISSING))
            code = ""
        result_name = _result_name(name)
        if not result_name:
            issues.append(
                _issue(f"results[{index}]", "Kết quả không có tên", body[: mark.end() + 20], UNPARSED)
            )
        rows.append(ResultRow(result_name, code, _optional_block(description), _optional(keywords)))
        name = next_name
    if name.strip():
        reason = f"Kết quả cuối không có mã: «{_quote(name)}»"
        issues.append(_issue(f"results[{len(rows)}]", reason, name, MISSING))
        rows.append(ResultRow(_result_name(name), "", ""))
    return rows, issues


# --------------------------------------------------------------------------- legal basis

LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
_LEGAL_TYPES = ["VBHN", "TTLT", "NQLT", "LLTP", "NĐCP", "NĐ", "ND", "TT", "QĐ", "QD", "NQ", "PL", "CT", "L"]
_LEGAL_ISSUERS = [
    "UBTƯMTTQVN",
    "BLĐTBXH",
    "BNNPTNT",
    "VKSNDTC",
    "BVHTTDL",
    "TANDTC",
    "BGDĐT",
    "BGTVT",
    "BKHCN",
    "BKHĐT",
    "BNNMT",
    "BTNMT",
    "BHXH",
    "CSXH",
    "VPQH",
    "BTTTT",
    "BNTMT",
    "HĐND",
    "NHNN",
    "UBND",
    "VPCP",
    "KTNN",
    "NNMT",
    "BCA",
    "BCT",
    "BNG",
    "BNN",
    "BNV",
    "BQP",
    "BTC",
    "BTP",
    "BXD",
    "BYT",
    "CTN",
    "TTg",
    "TTG",
    "CP",
    "C",
]
_ISSUER = r"(?:UBTVQH\d{2}|QH\d{2}|" + "|".join(map(re.escape, _LEGAL_ISSUERS)) + ")"
_TYPE = "(?:" + "|".join(map(re.escape, _LEGAL_TYPES)) + ")"
_SEP = r"\s?[-/_]\s?"
_SYMBOL = rf"(?:{_TYPE}(?:{_SEP})?{_ISSUER}(?:{_SEP}{_ISSUER})*|(?:UBTVQH|QH)(?:\d{{2}})?)"
_GENERIC_SYMBOL = r"[A-ZĐ]{1,8}(?:[-_][A-ZĐ]{1,12})*"
_LEGAL_NUMBER_RE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?[a-zđ]?)/(?:(?P<year>(?:19|20)\d{{2}})(?!\d)"
    rf"(?:/(?:(?P<sym>{_SYMBOL})|(?P<gen>{_GENERIC_SYMBOL})))?"
    rf"|(?P<sym2>{_SYMBOL})|(?P<gen2>{_GENERIC_SYMBOL}))"
)
_LEGAL_CELL_STOP = frozenset(" \t\n.,;:)]”\"'")
_LEGAL_CELL_PUNCT_RE = re.compile(r"[.;,]+(?:$|(?=[^\W\d_a-zà-ỹđ]))")
_YEAR_GLUED_RE = re.compile(r"(?:19|20)\d{2}(?P<rest>\d{1,4}[a-zđ]?)")


@dataclass(frozen=True)
class _LegalNumber:
    start: int
    end: int
    text: str
    generic: bool


def _legal_numbers(body: str) -> Iterator[_LegalNumber]:
    """Document numbers in order: ``85/2019/TT-BTC``, ``60/2014/QH13``, ``227/NĐ-CP``, ``24/2024``."""
    pos = previous_end = 0
    while (match := _LEGAL_NUMBER_RE.search(body, pos)) is not None:
        start, end = match.start(), match.end()
        pos = start + 1
        if start > 0 and body[start - 1].isdigit() and start != previous_end:
            continue  # inside a longer run of digits
        num = match["num"]
        symbol = match["sym"] or match["gen"] or match["sym2"] or match["gen2"]
        generic = symbol is not None and symbol in (match["gen"], match["gen2"])
        if len(num) > 4 and num.isdigit():
            glued = _YEAR_GLUED_RE.fullmatch(num)
            if glued is None:
                continue
            start += len(num) - len(glued["rest"])  # "giai đoạn 2026 - 2030" + "182/2025/NQ-HĐND"
        elif symbol is None and start > 0 and body[start - 1] == "/":
            continue  # the tail of a date "25/6/2024"
        if generic and end < len(body) and body[end].islower() and body[end - 1].isupper():
            end -= 1  # "…/QĐ-BHXHQuyết định" → the capital starts the next title
        previous_end = end
        pos = end
        yield _LegalNumber(start, end, body[start:end], generic)


def _number_key(text: str) -> str:
    return re.sub(r"[\s_]", "", text).upper()


def _is_cell_end(body: str, end: int) -> bool:
    """A "Mã văn bản" cell is followed directly by the next title (no space) or by the end."""
    if end == len(body) or body[end] not in _LEGAL_CELL_STOP:
        return True
    return _LEGAL_CELL_PUNCT_RE.match(body, end) is not None


def parse_legal_basis(text: str) -> tuple[list[LegalRow], list[ParseIssue]]:
    """Parse "Căn cứ pháp lý": rows of ``<title><number>`` with no separator."""
    body = _norm(text).strip()
    if not body or _is_no_info(body):
        return [], [_issue("legal_basis", "Thiếu dữ liệu: không có căn cứ pháp lý", body, MISSING)]
    issues: list[ParseIssue] = []
    if body.startswith(LEGAL_HEADER):
        body = body[len(LEGAL_HEADER) :]
    else:
        reason = f"Thiếu dòng tiêu đề bảng căn cứ pháp lý: «{_quote(body)}»"
        return [], [_issue("legal_basis", reason, body, UNPARSED)]
    if not body.strip():
        return [], [
            _issue("legal_basis", "Thiếu dữ liệu: bảng căn cứ pháp lý không có hàng nào", body, MISSING)
        ]
    cells = _legal_cells(body, [n for n in _legal_numbers(body) if _is_cell_end(body, n.end)])
    rows: list[LegalRow] = []
    cursor = 0
    for cell in cells:
        index = len(rows)
        title = _legal_title(body[cursor : cell.start])
        context = body[max(0, cell.start - 100) : cell.end]
        if cell.generic:
            reason = f"Ký hiệu văn bản «{cell.text}» không có trong danh mục ký hiệu: ranh giới với tên văn bản kế tiếp không chắc chắn"
            issues.append(_issue(f"legal_basis[{index}]", reason, context, ASSUMED))
        if not title:
            reason = f"Văn bản không có tên, chỉ có số hiệu «{cell.text}»"
            issues.append(_issue(f"legal_basis[{index}]", reason, context, UNPARSED))
        rows.append(LegalRow(title, re.sub(r"\s+", "", nfc(cell.text))))
        cursor = cell.end
    tail = _legal_title(body[cursor:])
    if tail:
        reason = f"Văn bản không có số hiệu: «{_quote(tail)}»"
        issues.append(_issue(f"legal_basis[{len(rows)}]", reason, tail, MISSING))
        rows.append(LegalRow(tail, ""))
    return rows, issues


def _legal_cells(body: str, candidates: list[_LegalNumber]) -> list[_LegalNumber]:
    """Keep the numbers that are "Mã văn bản" cells, dropping the copies inside titles.

    Walking from the end: a candidate glued to the next cell ("Thông tư 14/2018/TT-BTC" +
    "14/2018/TT-BCT") or repeating it with no title in between ("53/2025/TT-BCAngày …"
    … "53/2025/TT-BCA") is part of that cell's title.
    """
    cells: list[_LegalNumber] = []
    i = len(candidates) - 1
    while i >= 0:
        cell = candidates[i]
        cells.append(cell)
        i -= 1
        if i >= 0:
            previous = candidates[i]
            starts_title = body[previous.end : previous.end + 1].isupper()
            same = _number_key(previous.text) == _number_key(cell.text)
            if previous.end == cell.start or (same and not starts_title):
                i -= 1
    cells.reverse()
    return cells


def _legal_title(text: str) -> str:
    return nfc(text).lstrip(".;,:- ").strip()


# --------------------------------------------------------------------------- levels

LEVELS = {"cap bo": "ministry", "cap tinh": "province", "cap xa": "commune", "co quan khac": "other"}


def parse_levels(text: str) -> tuple[frozenset[str], list[ParseIssue]]:
    """``"Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác"`` → {"ministry", "province", "commune", "other"}."""
    raw = nfc(text)
    if not raw or _is_no_info(raw):
        return frozenset(), [_issue("levels", "Thiếu dữ liệu: không có cấp thực hiện", raw, MISSING)]
    levels: set[str] = set()
    issues: list[ParseIssue] = []
    for part in re.split(r"[,;\n]", raw):
        key = fold(part).strip(" .")
        if not key:
            continue
        if key in LEVELS:
            levels.add(LEVELS[key])
        else:
            issues.append(_issue("levels", f"Không hiểu được cấp thực hiện: «{nfc(part)}»", raw, UNPARSED))
    return frozenset(levels), issues
