"""Parsers for procedure detail pages crawled from the national public-service portal.

Pure Python, no Django: the importer calls these functions and stores what they return.

The portal flattens its HTML tables into text with no separator between cells, e.g.
``"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến20 NgàyMiễn phí(…)Trực tiếp15 Ngày…"``.
Each parser recovers the rows, keeps the original text next to every parsed value and reports
everything it had to assume or could not understand as a :class:`ParseIssue`. A record with no
issue at all is "fully parsed". Issues carry a ``kind``:

``missing``       the source has no data ("Không có thông tin", empty cell, time 0).
``assumed``       a value was filled in by a documented rule (unit of a bare number, upper bound of
                  a range, where two glued numbers were cut apart).
``unsupported``   understood but not representable (a time limit in months or years).
``inconsistent``  the source contradicts itself (``135 VNĐ`` next to ``135.000 đồng``; "Miễn phí"
                  next to a fee schedule; the page shows another procedure's code).
``corrected``     the crawler cut a field at the wrong place; it was re-cut from ``raw_text``.
``unparsed``      the text does not follow any known format.

``ParseIssue.field`` names the :class:`ParsedDetail` attribute, with the row when there is one:
``"channels[2].time"``, ``"channels[2].fee"``, ``"components[0]"``, ``"results[1]"``,
``"legal_basis[3]"``, ``"levels"``, ``"code"``, ``"steps"``…; list exports use ``"xlsx:<file>:<row>"``.

Decisions (see also the tests):

* Time: "N Ngày làm việc" → working_day, "N Ngày" → calendar_day, "N Giờ" / "N giờ làm việc" →
  working_hour. A bare number → working_day with ``assumed=True`` and an issue. Months, years,
  weeks → amount None (never ×30). A range takes the upper bound (issue). "Không có thông tin",
  "Không quy định", "Không", 0 → amount None (missing).
* Fees are integers in VND. The portal's fee cell is ``<amount> <currency>(<note>)``. A VND amount
  below 1.000 is treated as a unit slip: when the note states exactly a thousand times the amount
  ("135 VNĐ(… 135.000 đồng/lần.)") the note wins (135000) and an ``inconsistent`` issue is raised;
  when the note states the same number in USD the fee becomes a USD fee (issue); otherwise the
  amount is None (issue). USD fees keep ``amount=None`` (it is in VND) and carry ``currency`` and
  ``foreign_amount``. "Miễn phí" whose note lists money amounts is still ``free=True`` but raises
  an ``inconsistent`` issue. "Không có thông tin" → ``free=None``, no fee line, a ``missing`` issue
  (as for the time: the importer must not read it as free).
* A time cell without a unit glued to the fee amount ("Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)") is
  cut where the note confirms the fee (1 + 20 VNĐ), otherwise after the first digit; an issue says
  so whenever more than one cut was possible.
* Components: the portal quantity is "N bản chính" optionally followed by ",M bản sao"; copies not
  shown are None (not stated). A count glued to a preceding digit ("mẫu BM.NCC.20.031 bản chính")
  keeps its last digit (issue), except right after a date ("ngày 25/6/20241 bản chính"). A
  template file name (.doc/.docx/.pdf/…) glued before the quantity is split off as ``form`` at the
  best boundary found (sentence punctuation, end of a document number or date, "Mẫu…", a
  lower→upper case joint); when none is found the whole text is the form and an issue is raised.
* Mandatory papers: a component line is optional when it asks for no paper (0 originals, 0
  copies), opens with a condition ("Trường hợp …", "Đối với …", "Nếu …", "Khi …"…) or "Lưu ý", or
  its first clause ends with "(nếu có)"; see :func:`component_is_mandatory`.
* Results: portal UI text from "Chọn cơ quan thực hiện" on is dropped; "Không có thông tin" in
  keywords/description becomes "". A result without a code, or "Chưa xác định", is reported.
* Legal basis: a document number is the "Mã văn bản" cell when it is followed directly (no space)
  by the next title or by the end; a number glued to, or repeated by, the following cell belongs to
  that cell's title. A number glued to a year ("giai đoạn 2026 - 2030182/2025/NQ-HĐND") is cut after
  the year. A symbol outside the known list of issuers is reported (its end is uncertain).
* Levels: "Cấp bộ" → ministry, "Cấp tỉnh" → province, "Cấp xã" → commune, "Cơ quan khác" → other.
* Detail: the long fields are checked against ``raw_text``; where the crawler cut a section at a
  label that occurs inside the text (e.g. "Thành phần hồ sơ" in the steps), the sections are re-cut
  from ``raw_text`` using labels anchored on the table headers, and a ``corrected`` issue names the
  field. ``raw`` always keeps the crawled values (NFC only). A page whose "Mã thủ tục" differs from
  ``ma_thu_tuc`` is parsed but flagged (``inconsistent``): the crawler fetched another procedure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kernel.text import fold, nfc

__all__ = [
    "ASSUMED",
    "CORRECTED",
    "INCONSISTENT",
    "ISSUE_KINDS",
    "MISSING",
    "UNPARSED",
    "UNSUPPORTED",
    "ChannelRow",
    "ComponentRow",
    "FeeLine",
    "LegalRow",
    "ListRow",
    "ParseIssue",
    "ParsedDetail",
    "ResultRow",
    "TimeSpec",
    "component_is_mandatory",
    "component_is_situational",
    "is_valid_code",
    "parse_channels",
    "parse_components",
    "parse_detail",
    "parse_fees",
    "parse_legal_basis",
    "parse_levels",
    "parse_results",
    "parse_time",
    "read_list_xlsx",
]

MISSING = "missing"
ASSUMED = "assumed"
UNSUPPORTED = "unsupported"
INCONSISTENT = "inconsistent"
CORRECTED = "corrected"
UNPARSED = "unparsed"
ISSUE_KINDS = (MISSING, ASSUMED, UNSUPPORTED, INCONSISTENT, CORRECTED, UNPARSED)

NO_INFO = "Không có thông tin"
EXCERPT_MAX = 200

WORKING_DAY = "working_day"
WORKING_HOUR = "working_hour"
CALENDAR_DAY = "calendar_day"


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class ParseIssue:
    """Something assumed or not understood. ``reason`` is Vietnamese; ``excerpt`` ≤ 200 chars."""

    field: str
    reason: str
    excerpt: str
    kind: str = UNPARSED


@dataclass(frozen=True)
class TimeSpec:
    """A processing time limit. ``unit`` is working_day, working_hour, calendar_day or None."""

    amount: Decimal | None
    unit: str | None
    text: str = ""
    assumed: bool = False


@dataclass(frozen=True)
class FeeLine:
    """One fee. ``amount`` is in VND; None when not determinable (or not in VND, see currency)."""

    name: str
    amount: int | None
    text: str
    currency: str = "VND"
    foreign_amount: Decimal | None = None


@dataclass(frozen=True)
class ChannelRow:
    channel: str  # "online" | "counter" | "postal"
    time: TimeSpec
    free: bool | None
    fees: tuple[FeeLine, ...]
    fee_text: str
    description: str


@dataclass(frozen=True)
class ComponentRow:
    section: str
    name: str
    form: str
    originals: int | None
    copies: int | None
    quantity_text: str


@dataclass(frozen=True)
class ResultRow:
    name: str
    code: str
    description: str
    keywords: str = ""


@dataclass(frozen=True)
class LegalRow:
    title: str
    number: str


@dataclass(frozen=True)
class ParsedDetail:
    code: str
    name: str
    field: str
    levels: frozenset[str]
    procedure_type: str
    subjects: str
    national_decision: str
    competent_agency: str
    implementing_agency: str
    authorized_agency: str
    coordinating_agency: str
    reception_address: str
    related: str
    steps: str
    requirements: str
    channels: tuple[ChannelRow, ...]
    components: tuple[ComponentRow, ...]
    results: tuple[ResultRow, ...]
    legal_basis: tuple[LegalRow, ...]
    source_url: str
    raw: dict[str, str] = dataclass_field(hash=False)
    issues: tuple[ParseIssue, ...]

    @property
    def fully_parsed(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class ListRow:
    code: str
    name: str
    issuing_body: str
    implementing_agencies: tuple[str, ...]
    field: str
    row_number: int


# --------------------------------------------------------------------------- helpers

CODE_RE = re.compile(r"\d\.\d{6}(?:\.[0-9A-Za-z][0-9A-Za-z.]*)?")


def is_valid_code(code: str) -> bool:
    """``1.000080``-style procedure code, optionally with a suffix (``1.000080.H29``, ``.01``)."""
    return CODE_RE.fullmatch(code) is not None


def _norm(text: str) -> str:
    """NFC, non-breaking spaces made plain; line structure kept."""
    return unicodedata.normalize("NFC", text).replace("\xa0", " ")


def _block(text: str) -> str:
    """A multi-line text: NFC, spaces collapsed inside lines, at most one blank line in a row."""
    text = _norm(text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _is_no_info(text: str) -> bool:
    return fold(text).rstrip(". ") == "khong co thong tin"


def _optional(text: str) -> str:
    """Single-line optional value: "Không có thông tin" → ""."""
    value = nfc(text)
    return "" if _is_no_info(value) else value


def _optional_block(text: str) -> str:
    value = _block(text)
    return "" if _is_no_info(value) else value


def _excerpt(text: str, start: int = 0, end: int | None = None) -> str:
    """At most 200 characters of ``text`` around ``text[start:end]``, whitespace collapsed."""
    end = len(text) if end is None else end
    pad = max(0, (EXCERPT_MAX - (end - start)) // 2)
    snippet = nfc(text[max(0, start - pad) : end + pad])
    if len(snippet) > EXCERPT_MAX:
        snippet = snippet[: EXCERPT_MAX - 1] + "…"
    return snippet


def _quote(text: str, limit: int = 80) -> str:
    text = nfc(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _issue(field_name: str, reason: str, excerpt: str, kind: str) -> ParseIssue:
    return ParseIssue(field_name, reason, _excerpt(excerpt), kind)


def _relabel(issues: list[ParseIssue], field_name: str) -> list[ParseIssue]:
    return [replace(issue, field=field_name) for issue in issues]


def _paren_end(text: str, start: int) -> int | None:
    """Index just after the ``)`` matching the ``(`` at ``start``; None when unbalanced."""
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _strip_parens(text: str) -> str:
    text = text.strip()
    if text.startswith("(") and _paren_end(text, 0) == len(text):
        text = text[1:-1]
    return text.strip()


def _format_vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


# --------------------------------------------------------------------------- time

_TIME_NUM = r"\d+(?:[.,]\d+)?"
_TIME_RE = re.compile(
    rf"(?P<a>{_TIME_NUM})(?:\s*(?:-|–|—|~|den|toi)\s*(?P<b>{_TIME_NUM}))?\s*(?P<unit>[a-z ]*?)\s*\.?"
)
_TIME_UNITS = {
    "ngay lam viec": WORKING_DAY,
    "ngay": CALENDAR_DAY,
    "gio lam viec": WORKING_HOUR,
    "gio": WORKING_HOUR,
}
_TIME_UNSUPPORTED = {"thang": "tháng", "nam": "năm", "tuan": "tuần", "phut": "phút"}
_TIME_NOTHING = {"khong quy dinh", "khong", "khong co", "khong xac dinh"}


def parse_time(text: str) -> tuple[TimeSpec, list[ParseIssue]]:
    """Parse a time cell: ``"20 Ngày"``, ``"3 Ngày làm việc"``, ``"7"``, ``"1 Giờ"``, ``"0,5"``…"""
    raw = nfc(text)
    folded = fold(raw).strip(" .")
    nothing = TimeSpec(None, None, raw)
    if not folded or folded == "khong co thong tin":
        return nothing, [_issue("time", "Thiếu dữ liệu: không có thông tin thời hạn", raw, MISSING)]
    if folded in _TIME_NOTHING:
        reason = f"Thiếu dữ liệu: thời hạn ghi «{raw}», không có số ngày cụ thể"
        return nothing, [_issue("time", reason, raw, MISSING)]
    if folded in _TIME_UNITS or folded in _TIME_UNSUPPORTED:
        return nothing, [
            _issue("time", f"Thiếu dữ liệu: thời hạn có đơn vị nhưng không có số: «{raw}»", raw, MISSING)
        ]
    match = _TIME_RE.fullmatch(folded)
    if match is None:
        return nothing, [_issue("time", f"Không hiểu được thời hạn: «{_quote(raw)}»", raw, UNPARSED)]
    try:
        low = Decimal(match["a"].replace(",", "."))
        high = Decimal(match["b"].replace(",", ".")) if match["b"] else None
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return nothing, [_issue("time", f"Không hiểu được thời hạn: «{_quote(raw)}»", raw, UNPARSED)]
    unit_text = match["unit"].strip()
    if unit_text in _TIME_UNSUPPORTED:
        reason = (
            f"Thời hạn tính bằng {_TIME_UNSUPPORTED[unit_text]} («{raw}») không quy đổi được "
            "sang ngày; không lưu số lượng"
        )
        return nothing, [_issue("time", reason, raw, UNSUPPORTED)]
    if unit_text and unit_text not in _TIME_UNITS:
        return nothing, [_issue("time", f"Không hiểu được đơn vị thời hạn: «{_quote(raw)}»", raw, UNPARSED)]
    amount = low if high is None else max(low, high)
    if amount == 0:
        reason = f"Thiếu dữ liệu: thời hạn bằng 0 («{raw}»), coi như không có thông tin"
        return nothing, [_issue("time", reason, raw, MISSING)]
    issues: list[ParseIssue] = []
    if high is not None:
        issues.append(_issue("time", f"Thời hạn là một khoảng «{raw}»: lấy cận trên {amount}", raw, ASSUMED))
    if not unit_text:
        reason = f"Thời hạn không có đơn vị: «{raw}» (giả định ngày làm việc)"
        issues.append(_issue("time", reason, raw, ASSUMED))
        return TimeSpec(amount, WORKING_DAY, raw, assumed=True), issues
    return TimeSpec(amount, _TIME_UNITS[unit_text], raw), issues


# --------------------------------------------------------------------------- fees

_FEE_HEAD_RE = re.compile(r"(?P<amt>\d[\d.,]*)?\s*(?P<cur>Việt Nam Đồng|VNĐ|VND|USD)")
_OLD_FEE_RE = re.compile(
    r"(?P<name>(?:Lệ phí|Phí|Mức phí|Mức thu)[^:;\n()]{0,120}?)\s*:\s*(?P<amt>\d[\d.,]*)?\s*(?:Đồng|đồng|VNĐ)"
)
_MONEY_RE = re.compile(
    r"(?<![\d.,/])(?P<amt>\d{1,3}(?:[.,]\d{3})+|\d+)\s*(?P<unit>triệu đồng|triệu|đồng|đ(?![^\W\d_])|vnđ|vnd|usd)",
    re.IGNORECASE,
)
_FEE_NAME_RE = re.compile(
    r"[\s\-+*•(]*(?P<name>(?:[Ll]ệ phí|[Pp]hí|[Mm]ức phí|[Mm]ức thu)[^:;()\n]{0,150}?)\s*:"
)


def _parse_amount(text: str) -> int | None:
    """``"1,200,000"``, ``"1.200.000"``, ``"850"`` → int; None for anything else."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d+", text):
        return int(re.sub(r"[.,]", "", text))
    return None


def _money_in(text: str) -> tuple[set[int], set[int]]:
    """(VND amounts, USD amounts) stated in a free note."""
    vnd: set[int] = set()
    usd: set[int] = set()
    for match in _MONEY_RE.finditer(text):
        value = _parse_amount(match["amt"])
        if value is None:
            continue
        unit = match["unit"].lower()
        if unit == "usd":
            usd.add(value)
        elif unit.startswith("triệu"):
            vnd.add(value * 1_000_000)
        else:
            vnd.add(value)
    return vnd, usd


def _fee_name(note: str) -> str:
    match = _FEE_NAME_RE.match(note)
    return nfc(match["name"]) if match else ""


def parse_fees(text: str) -> tuple[bool | None, tuple[FeeLine, ...], list[ParseIssue]]:
    """Parse a fee cell: ``"Miễn phí(…)"``, ``"100,000 Việt Nam Đồng(…)"``, ``"10 USD"``,
    ``"Lệ phí : 50.000 Đồng (…)"``… Returns (free, fee lines, issues); free is None when unknown."""
    raw = nfc(text)
    if not raw or _is_no_info(raw):
        return None, (), [_issue("fee", "Thiếu dữ liệu: không có thông tin phí, lệ phí", raw, MISSING)]
    if fold(raw).startswith("mien phi"):
        note = _strip_parens(raw[len("Miễn phí") :])
        vnd, usd = _money_in(note)
        if any(vnd) or any(usd):
            reason = f"Ghi «Miễn phí» nhưng ghi chú nêu mức thu: «{_quote(note)}»"
            return True, (), [_issue("fee", reason, raw, INCONSISTENT)]
        return True, (), []
    head = _FEE_HEAD_RE.match(raw)
    if head is not None:
        return _parse_structured_fee(raw, head)
    old = [
        m for m in _OLD_FEE_RE.finditer(raw) if raw.count("(", 0, m.start()) <= raw.count(")", 0, m.start())
    ]
    if old and not raw[: old[0].start()].strip(" -+*•\n"):
        return _parse_old_fees(raw, old)
    reason = f"Không hiểu được phí, lệ phí: «{_quote(raw)}»"
    return None, (FeeLine("", None, raw),), [_issue("fee", reason, raw, UNPARSED)]


def _parse_structured_fee(
    raw: str, head: re.Match[str]
) -> tuple[bool | None, tuple[FeeLine, ...], list[ParseIssue]]:
    amount_text, currency = head["amt"], head["cur"]
    note = _strip_parens(raw[head.end() :])
    name = _fee_name(note)
    stated = f"{amount_text or ''} {currency}".strip()
    if amount_text is None:
        reason = f"Mức phí không có số tiền: «{_quote(raw, 60)}»"
        return None, (FeeLine(name, None, raw),), [_issue("fee", reason, raw, UNPARSED)]
    value = _parse_amount(amount_text)
    if value is None:
        reason = f"Không đọc được số tiền «{amount_text}»"
        return None, (FeeLine(name, None, raw),), [_issue("fee", reason, raw, UNPARSED)]
    if currency == "USD":
        line = FeeLine(name, None, raw, currency="USD", foreign_amount=Decimal(value))
        return value == 0, (line,), []
    if value == 0:
        return True, (FeeLine(name, 0, raw),), []
    if value >= 1000:
        return False, (FeeLine(name, value, raw),), []
    vnd, usd = _money_in(note)
    if value * 1000 in vnd:
        amount = value * 1000
        reason = f"Mức phí ghi «{stated}» nhưng ghi chú ghi {_format_vnd(amount)} đồng: lấy {_format_vnd(amount)} đồng"
        return False, (FeeLine(name, amount, raw),), [_issue("fee", reason, raw, INCONSISTENT)]
    if value in usd:
        reason = f"Mức phí ghi «{stated}» nhưng ghi chú ghi {value} USD: coi là {value} USD"
        line = FeeLine(name, None, raw, currency="USD", foreign_amount=Decimal(value))
        return False, (line,), [_issue("fee", reason, raw, INCONSISTENT)]
    reason = (
        f"Mức phí «{stated}» thấp bất thường (dưới 1.000 đồng) và ghi chú không xác nhận số tiền: "
        "không xác định được mức phí"
    )
    return None, (FeeLine(name, None, raw),), [_issue("fee", reason, raw, INCONSISTENT)]


def _parse_old_fees(
    raw: str, matches: list[re.Match[str]]
) -> tuple[bool | None, tuple[FeeLine, ...], list[ParseIssue]]:
    lines: list[FeeLine] = []
    issues: list[ParseIssue] = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(raw)
        segment = raw[match.start() : end].strip(" ;\n-+")
        amount = _parse_amount(match["amt"]) if match["amt"] else None
        if amount is None:
            issues.append(
                _issue("fee", f"Mức phí không có số tiền: «{_quote(segment, 60)}»", segment, UNPARSED)
            )
        lines.append(FeeLine(nfc(match["name"]), amount, segment))
    amounts = [line.amount for line in lines]
    free: bool | None
    if any(a for a in amounts):
        free = False
    elif amounts and all(a == 0 for a in amounts):
        free = True
    else:
        free = None
    return free, tuple(lines), issues


# --------------------------------------------------------------------------- channels

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
CHANNELS = {"Trực tuyến": "online", "Trực tiếp": "counter", "Dịch vụ bưu chính": "postal"}
_CHANNEL_RE = re.compile("|".join(CHANNELS))
_UNIT_TIME_RE = re.compile(
    r"\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?\s?(?:Ngày làm việc|Giờ làm việc|Ngày|Giờ|Tháng|Năm|Tuần)",
    re.IGNORECASE,
)
_FEE_AMOUNT_RE = re.compile(r"(?:\d{1,3}(?:[.,]\d{3})+|\d+)?\s?(?:Việt Nam Đồng|VNĐ|USD)")
_FEE_START_RE = re.compile(
    r"Miễn phí|Không có thông tin|(?:\d{1,3}(?:[.,]\d{3})+|\d+)\s?(?:Việt Nam Đồng|VNĐ|USD)"
)
_DIGITS_RE = re.compile(r"[\d.,]+")
_CURRENCY_RE = re.compile(r"\s?(?:Việt Nam Đồng|VNĐ|USD)")
_VALID_FEE_DIGITS = re.compile(r"0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d*")
_WEAK_TIME_MAX = 300


@dataclass(frozen=True)
class _Head:
    time_text: str
    fee_start: int
    fee_end: int
    issue: ParseIssue | None = None


def _fee_token_end(body: str, pos: int) -> int | None:
    if body.startswith("Miễn phí", pos):
        return pos + len("Miễn phí")
    if body.startswith(NO_INFO, pos):
        return pos + len(NO_INFO)
    match = _FEE_AMOUNT_RE.match(body, pos)
    if match is not None and match.end() > pos:
        return match.end()
    return None


def _split_glued(body: str, pos: int, digits: str, currency_end: int) -> _Head | None:
    """``"120 VNĐ(20.000 vnđ…)"``: a unit-less time glued to a fee amount. Cut it."""
    candidates = [
        k for k in range(1, len(digits)) if digits[:k].isdigit() and _VALID_FEE_DIGITS.fullmatch(digits[k:])
    ]
    if not candidates:
        return None
    note_start = currency_end
    note_end = _paren_end(body, note_start) if body.startswith("(", note_start) else None
    vnd, usd = _money_in(body[note_start : note_end or note_start])
    confirmed = [
        k
        for k in candidates
        if (value := int(re.sub(r"[.,]", "", digits[k:]))) in vnd or value * 1000 in vnd or value in usd
    ]
    chosen = (confirmed or candidates)[0]
    issue = None
    if len(candidates) > 1:
        fee = body[pos + chosen : currency_end]
        why = "khớp với ghi chú" if confirmed else "giả định thời hạn một chữ số"
        reason = (
            f"Thời hạn và mức phí dính liền «{body[pos:currency_end]}»: tách thành thời hạn "
            f"«{digits[:chosen]}» và phí «{fee}» ({why})"
        )
        issue = _issue("time", reason, body[pos:currency_end], ASSUMED)
    return _Head(digits[:chosen], pos + chosen, currency_end, issue)


def _row_head(body: str, pos: int, known_weak: set[str], first: bool) -> _Head | None:
    """The time and fee cells that must follow a channel name for it to start a row."""
    if body.startswith(NO_INFO, pos):
        end = _fee_token_end(body, pos + len(NO_INFO))
        if end is not None:
            return _Head(NO_INFO, pos + len(NO_INFO), end)
    match = _UNIT_TIME_RE.match(body, pos)
    if match is not None:
        end = _fee_token_end(body, match.end())
        if end is not None:
            return _Head(body[pos : match.end()], match.end(), end)
    match = _DIGITS_RE.match(body, pos)
    if match is not None:
        digits = match.group()
        after = match.end()
        if body.startswith("Miễn phí", after) or body.startswith(NO_INFO, after):
            end = _fee_token_end(body, after)
            if end is not None and re.fullmatch(_TIME_NUM, digits):
                return _Head(digits, after, end)
        currency = _CURRENCY_RE.match(body, after)
        if currency is not None:
            return _split_glued(body, pos, digits, currency.end())
        return None
    fee = _FEE_START_RE.search(body, pos, pos + _WEAK_TIME_MAX)
    if fee is None or fee.start() == pos:
        return None
    time_text = body[pos : fee.start()]
    if _CHANNEL_RE.search(time_text) or "\n" in time_text:
        return None
    if first or nfc(time_text) in known_weak or fold(time_text).strip(" .") in _TIME_NOTHING:
        end = _fee_token_end(body, fee.start())
        if end is not None:
            return _Head(time_text, fee.start(), end)
    return None


def _find_row(body: str, start: int, known_weak: set[str], first: bool) -> tuple[re.Match[str], _Head] | None:
    for match in _CHANNEL_RE.finditer(body, start):
        is_first = first and not body[: match.start()].strip()
        head = _row_head(body, match.end(), known_weak, is_first)
        if head is not None:
            return match, head
    return None


def parse_channels(text: str) -> tuple[list[ChannelRow], list[ParseIssue]]:
    """Parse the flattened "Cách thức thực hiện" table into one row per channel/case."""
    issues: list[ParseIssue] = []
    stripped = _norm(text).strip()
    if not stripped or _is_no_info(stripped):
        return [], [_issue("channels", "Thiếu dữ liệu: không có cách thức thực hiện", stripped, MISSING)]
    if stripped.startswith(CHANNEL_HEADER):
        body = stripped[len(CHANNEL_HEADER) :]
    else:
        body = stripped
        issues.append(_issue("channels", "Thiếu dòng tiêu đề bảng cách thức thực hiện", stripped, UNPARSED))
    if not body.strip():
        issues.append(
            _issue("channels", "Thiếu dữ liệu: bảng cách thức thực hiện không có hàng nào", stripped, MISSING)
        )
        return [], issues
    known_weak: set[str] = set()
    found = _find_row(body, 0, known_weak, first=True)
    if found is None:
        reason = f"Không nhận ra hàng nào trong bảng cách thức thực hiện: «{_quote(body)}»"
        issues.append(_issue("channels", reason, body, UNPARSED))
        return [], issues
    if body[: found[0].start()].strip():
        reason = f"Văn bản không thuộc hàng nào: «{_quote(body[: found[0].start()])}»"
        issues.append(_issue("channels", reason, body[: found[0].start()], UNPARSED))
    rows: list[ChannelRow] = []
    while found is not None:
        match, head = found
        index = len(rows)
        if not head.time_text[:1].isdigit() and head.time_text != NO_INFO:
            known_weak.add(nfc(head.time_text))
        note_end: int | None = head.fee_end
        if body.startswith("(", head.fee_end) and body[head.fee_start : head.fee_end] != NO_INFO:
            note_end = _paren_end(body, head.fee_end)
        found = _find_row(body, note_end if note_end is not None else head.fee_end, known_weak, first=False)
        row_end = found[0].start() if found is not None else len(body)
        if note_end is None:
            close = body.rfind(")", head.fee_end, row_end)
            note_end = close + 1 if close >= 0 else row_end
            reason = "Ngoặc trong ô phí, lệ phí không cân: ranh giới giữa phí và mô tả không chắc chắn"
            issues.append(_issue(f"channels[{index}].fee", reason, body[head.fee_start : note_end], UNPARSED))
        fee_text = body[head.fee_start : note_end]
        time, time_issues = parse_time(head.time_text)
        free, fees, fee_issues = parse_fees(fee_text)
        if head.issue is not None:
            time_issues.insert(0, head.issue)
        issues += _relabel(time_issues, f"channels[{index}].time")
        issues += _relabel(fee_issues, f"channels[{index}].fee")
        rows.append(
            ChannelRow(
                channel=CHANNELS[match.group()],
                time=time,
                free=free,
                fees=fees,
                fee_text=nfc(fee_text),
                description=_optional_block(body[note_end:row_end]),
            )
        )
    return rows, issues


# --------------------------------------------------------------------------- components

COMPONENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_QTY_RE = re.compile(r"(\d+) bản chính(?:,(\d+) bản sao)?")
_QTY_STOP = frozenset(" \t\n.,;:)]/")
_FORM_EXT_RE = re.compile(r"(?:\.(?:docx?|pdf|xlsx?|odt|rtf|zip|rar))+$", re.IGNORECASE)
_FORM_START_RE = re.compile(
    r"(?:Mẫu|Mau|MẪU|Mus|Mu\d|Phụ lục|Phụ Lục|Phu luc|Phlc|PHỤ LỤC|PL|Biểu|Bieu|BM|TK|Tờ khai|To khai|TTHC|M\d)"
)
_FORM_NUMBERED_RE = re.compile(r"\d{1,3}-(?:Mẫu|Mau|MẪU)")
_ROMAN_RE = re.compile(r"[IVX]{1,4}")
_FORM_AFTER_RE = re.compile(r"(?:quy định|theo mẫu)(?=[^\W_])")
_DATE_END_RE = re.compile(r"(?:\d{1,2}/\d{1,2}/|năm |/)(?:19|20)\d{2}$")


def _is_vietnamese_word(word: str) -> bool:
    return "đ" in word.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", word))


def _split_form(segment: str) -> tuple[str, str]:
    """Split ``"Tờ khai (mẫu NA17).Mau NA17.doc"`` into the name and the template file name.

    The file name is glued to the name; it starts at the right-most sentence boundary
    (``.;:)`` then a letter), after a document number ("…2024/NĐ-CPMus13.docx"), or where a
    template-like word begins ("…BộMau02.doc"), or after a date. Failing those, at the right-most
    lower→upper case joint ("…nguồn genĐơn ĐK cấp lại TCNG.docx").
    """
    ext = _FORM_EXT_RE.search(segment)
    if ext is None:
        return segment, ""
    limit = ext.start()
    strong: list[int] = []
    weak: list[int] = []
    for i in range(1, limit):
        prev, char = segment[i - 1], segment[i]
        if char.isspace():
            continue
        if prev in ';:)]”"':
            strong.append(i)
        elif not char.isalnum():
            continue
        elif prev == ".":
            word = segment[segment.rfind(" ", 0, i - 1) + 1 : i - 1]
            if _ROMAN_RE.fullmatch(word):
                continue  # "Mẫu I.1.8.docx"
            if i < 2 or not segment[i - 2].isdigit() or _DATE_END_RE.search(segment, 0, i - 1):
                strong.append(i)
        elif prev.isalnum() and char.isupper() and _FORM_START_RE.match(segment, i):
            strong.append(i)
        elif prev.isdigit() and _DATE_END_RE.search(segment, 0, i):
            strong.append(i)  # "…ngày 01/01/2026Mau 3. Don khai bao.docx"
        elif not prev.isdigit() and not prev.isspace() and _FORM_NUMBERED_RE.match(segment, i):
            strong.append(i)
        elif prev.islower() and char.isupper():
            weak.append(i)
        elif (
            prev.islower()
            and char.isdigit()
            and _is_vietnamese_word(segment[segment.rfind(" ", 0, i) + 1 : i])
        ):
            weak.append(i)  # "…đường ngang1.3. Don de nghi.docx", but not "Mau TK01.tt73.2021.doc"
    strong += [m.end() for m in _FORM_AFTER_RE.finditer(segment, 0, limit)]  # "…theo quy địnhvăn bản.docx"
    for match in _LEGAL_NUMBER_RE.finditer(segment, 0, limit):
        end = match.end()
        if (match["sym"] or match["sym2"]) and end < limit and segment[end].isalnum():
            strong.append(end)
    if strong:
        cut = max(strong)
    elif weak:
        cut = max(weak)
    else:
        return "", segment
    return segment[:cut], segment[cut:]


def _clean_name(text: str) -> str:
    return re.sub(r"^[-+•*]\s*", "", nfc(text))


def _clean_heading(text: str) -> str:
    value = nfc(text)
    return "" if not value.strip("- ") else value


@dataclass(frozen=True)
class _Qty:
    start: int
    end: int
    originals: int
    copies: int | None
    glued: bool


def _quantities(part: str) -> list[_Qty]:
    matches = [m for m in _QTY_RE.finditer(part) if m.end() == len(part) or part[m.end()] not in _QTY_STOP]
    found: list[_Qty] = []
    for i, match in enumerate(matches):
        digits = match.group(1)
        copies = int(match.group(2)) if match.group(2) is not None else None
        if len(digits) == 1:
            found.append(_Qty(match.start(), match.end(), int(digits), copies, glued=False))
            continue
        if i + 1 < len(matches) and matches[i + 1].start() == match.end():
            continue  # "…: 01 bản chính" inside a name, the real quantity follows at once
        start = match.start() + len(digits) - 1
        after_date = _DATE_END_RE.search(part, 0, start) is not None  # "ngày 25/6/2024" + "1 bản chính"
        found.append(_Qty(start, match.end(), int(digits[-1]), copies, glued=not after_date))
    return found


def parse_components(text: str) -> tuple[list[ComponentRow], list[ParseIssue]]:
    """Parse "Thành phần hồ sơ": sections, each a table of name / template / quantity rows."""
    body = _norm(text).strip()
    if not body or _is_no_info(body):
        return [], [_issue("components", "Thiếu dữ liệu: không có thành phần hồ sơ", body, MISSING)]
    parts = body.split(COMPONENT_HEADER)
    if len(parts) == 1:
        if not body.strip("- \n"):
            return [], [_issue("components", "Thiếu dữ liệu: không có thành phần hồ sơ", body, MISSING)]
        reason = f"Không có bảng thành phần hồ sơ: «{_quote(body)}»"
        return [], [_issue("components", reason, body, UNPARSED)]
    rows: list[ComponentRow] = []
    issues: list[ParseIssue] = []
    section = _clean_heading(parts[0])
    for number, part in enumerate(parts[1:], start=1):
        last_part = number == len(parts) - 1
        cursor = 0
        for qty in _quantities(part):
            index = len(rows)
            segment = part[cursor : qty.start]
            name, form = _split_form(segment)
            name = _clean_name(name)
            if qty.glued:
                reason = (
                    f"Số lượng dính liền với chữ số đứng trước «{_quote(part[max(0, qty.start - 20) : qty.end], 60)}»: "
                    f"giả định {qty.originals} bản chính"
                )
                issues.append(
                    _issue(f"components[{index}]", reason, part[max(0, qty.start - 100) : qty.end], ASSUMED)
                )
            if not name:
                reason = (
                    "Giấy tờ không có tên"
                    if not form
                    else f"Không tách được tên giấy tờ khỏi mẫu «{_quote(form)}»"
                )
                issues.append(
                    _issue(f"components[{index}]", reason, segment or part[qty.start : qty.end], UNPARSED)
                )
            rows.append(
                ComponentRow(section, name, nfc(form), qty.originals, qty.copies, part[qty.start : qty.end])
            )
            cursor = qty.end
        tail = part[cursor:]
        if not last_part:
            section = _clean_heading(tail)
        elif tail.strip("- \n"):
            index = len(rows)
            name, form = _split_form(tail)
            reason = f"Giấy tờ không có số lượng: «{_quote(tail)}»"
            issues.append(_issue(f"components[{index}]", reason, tail, MISSING))
            rows.append(ComponentRow(section, _clean_name(name), nfc(form), None, None, ""))
    if not rows:
        issues.append(
            _issue("components", "Thiếu dữ liệu: bảng thành phần hồ sơ không có hàng nào", body, MISSING)
        )
    return rows, issues


# --------------------------------------------------------------------------- mandatory papers

# What may come before a component's name: "- ", "+ ", "•", "a) ", "(i) ", "ii. ", "2. ", "6.3.1.6. ", "*) ".
_LIST_MARKER_RE = re.compile(r"\A(?:[\s\-–•*+.:;!()]|(?:[a-zđ]|[ivx]+|\d+(?:\.\d+)*)[).!](?=\s))*")
# Compared with the diacritics kept: folded, "nêu" (state) would read as "nếu" (if), "khí" (gas) as
# "khi" (when). "tùy" and "tuỳ" are the same word with the tone mark placed differently.
_CONDITIONAL_OPENING_RE = re.compile(
    r"(?:(?:trong )?trường hợp|(?:riêng )?đối với|nếu|khi|(?:tùy|tuỳ) (?:từng )?trường hợp)(?!\w)"
)
_NOTE_OPENING_RE = re.compile(r"lưu ý(?!\w)")
_IF_ANY_RE = re.compile(r"(?<!\w)nếu có(?!\w)")
_IF_ANY_END_RE = re.compile(r"(?<!\w)nếu có\s*\)?$")
_CONTENTS_RE = re.compile(r"(?<!\w)gồm(?!\w)")


def component_is_mandatory(name: str, originals: int | None, copies: int | None) -> bool:
    """Whether every applicant must file this paper, read from the national catalog's wording.

    The national catalog lists under "Thành phần hồ sơ", in the same table, the papers every applicant
    files, papers needed only in some situations, and notes. A line is optional when:

    * it asks for no paper: no original and no copy ("0 bản chính", or no quantity at all) — the
      notes and guidance listed among the components;
    * its name, after any list marker ("a)", "(i)", "-", "2."), opens with a condition: "Trường hợp
      …", "Trong trường hợp …", "Đối với …", "Riêng đối với …", "Nếu …", "Khi …", "Tùy (từng)
      trường hợp …";
    * its name opens with "Lưu ý" (a note, not a paper);
    * its first clause (up to the first ":" or ";") ends with "(nếu có)" / "nếu có" (if any), said
      once in that clause and not closing a list of contents ("Báo cáo …, bao gồm A, B (nếu có)"
      makes only B conditional).

    A condition inside the name ("… đối với trường hợp …", "… (trong trường hợp …)") does not make
    the line optional: it qualifies the form of a paper everyone files ("bản gốc trong trường hợp
    nộp trực tiếp") about as often as the paper itself. Every other line is mandatory; an
    administrator can change the flag afterwards."""
    if (originals or 0) + (copies or 0) == 0:
        return False
    text = nfc(name).lower()
    head = _LIST_MARKER_RE.sub("", text, count=1)
    if _CONDITIONAL_OPENING_RE.match(head) or _NOTE_OPENING_RE.match(head):
        return False
    clause = re.split(r"[:;]", head, maxsplit=1)[0].rstrip(" .,")
    if _IF_ANY_END_RE.search(clause) and len(_IF_ANY_RE.findall(clause)) == 1:
        return _CONTENTS_RE.search(clause) is not None
    return True


_CONDITION_INSIDE_RE = re.compile(r"(?<!\w)(?:trong trường hợp|đối với trường hợp|nếu)(?!\w)")
_SHOWN_SECTION_RE = re.compile(r"(?<!\w)xuất trình(?!\w)")


def component_is_situational(name: str, section: str = "") -> bool:
    """Whether a mandatory line still depends on the situation or the channel, so that an online
    filing should not be blocked for lack of it: its first clause carries a condition ("Văn bản ủy
    quyền … trong trường hợp ủy quyền", "Tờ khai … (nếu … nộp trực tiếp hoặc qua bưu chính)"), or it
    is a paper to be shown in person ("Giấy tờ phải xuất trình": identity and residence, which an
    online applicant proves through the account and the population database).

    The one-stop officer still checks these at reception and asks for what is missing; a paper wrongly
    enforced online would stop the citizen from filing at all."""
    if section and _SHOWN_SECTION_RE.search(nfc(section).lower()):
        return True
    head = _LIST_MARKER_RE.sub("", nfc(name).lower(), count=1)
    clause = re.split(r"[:;]", head, maxsplit=1)[0]
    return _CONDITION_INSIDE_RE.search(clause) is not None


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
    components, component_issues = parse_components(sections["thanh_phan_ho_so"])
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
