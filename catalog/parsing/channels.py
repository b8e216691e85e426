"""The submission-channel table (online, counter, postal): rows cut out of the flattened text, each
with its time limit and fees."""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.parsing.base import (
    ASSUMED,
    MISSING,
    NO_INFO,
    UNPARSED,
    ChannelRow,
    ParseIssue,
    _is_no_info,
    _issue,
    _norm,
    _optional_block,
    _paren_end,
    _quote,
    _relabel,
)
from catalog.parsing.time_fees import _TIME_NOTHING, _TIME_NUM, _money_in, parse_fees, parse_time
from kernel.text import fold, nfc

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
