"""Time limits ("15 Ngày làm việc") and fee cells ("<amount> <currency>(<note>)"), parsed into
:class:`TimeSpec` and :class:`FeeLine`; the rules are in the package's docstring."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from catalog.parsing.base import (
    ASSUMED,
    CALENDAR_DAY,
    INCONSISTENT,
    MISSING,
    UNPARSED,
    UNSUPPORTED,
    WORKING_DAY,
    WORKING_HOUR,
    FeeLine,
    ParseIssue,
    TimeSpec,
    _format_vnd,
    _is_no_info,
    _issue,
    _quote,
    _strip_parens,
)
from kernel.text import fold, nfc

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
