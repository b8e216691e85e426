"""What every parser of the package shares: the issue kinds, the parsed records (dataclasses) and the
text helpers (normalising, excerpts, issues, parentheses, codes)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from decimal import Decimal

from kernel.text import fold, nfc

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
    """One row of the national page's papers table: a paper or a note (see ``split_papers_and_notes``).
    ``forms`` are the template file names glued to the name, in the page's order."""

    section: str
    name: str
    forms: tuple[str, ...]
    originals: int | None
    copies: int | None
    quantity_text: str

    @property
    def form(self) -> str:
        """The template names as one text (``"; "`` between them)."""
        return "; ".join(self.forms)


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
    component_notes: str
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
    lines = [" ".join(line.split()) for line in text.split("\n")]  # a line's runs of space collapsed
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
