"""The dossier-component (papers) table: names, template forms, quantities; and whether a paper is
mandatory or depends on the situation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from catalog.parsing.base import (
    ASSUMED,
    MISSING,
    UNPARSED,
    ComponentRow,
    ParseIssue,
    _is_no_info,
    _issue,
    _norm,
    _quote,
)
from catalog.parsing.results_legal import _LEGAL_NUMBER_RE
from kernel.text import nfc

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


_URL_END_RE = re.compile(r"https?://\S*$")
# A template name left inside a paper's name: an extension followed by something other than a letter
# ("…Mẫu số 91 bản thông tin.docx31 bản chính": a quantity glued after it).
_FORM_LEFT_RE = re.compile(r"(?<![“\"'])\.(?:docx?|pdf|xlsx?|odt|rtf|zip|rar)(?![^\W\d_])", re.IGNORECASE)


def _split_forms(segment: str) -> tuple[str, tuple[str, ...]]:
    """Split a name from every template file name glued after it, in the page's order:
    ``"Văn bản theo Mẫu 05, Mẫu 07.Mau05.docxMau07.docx"`` → (``"Văn bản theo Mẫu 05, Mẫu 07."``,
    (``"Mau05.docx"``, ``"Mau07.docx"``)). :func:`_split_form` cuts off the last template; while
    what is left still ends with a template extension, the next one to the left is cut off. A file
    address ending in ".doc" ("…/forms-notif-mov/vCOP8.doc") is part of the name, not a template."""
    name, form = _split_form(segment)
    forms = [form] if form else []
    while name and _FORM_EXT_RE.search(name) and not _URL_END_RE.search(name):
        before, form = _split_form(name)
        forms.insert(0, form)
        name = before
    return name, tuple(nfc(f) for f in forms)


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
            name, forms = _split_forms(segment)
            name = _clean_name(name)
            left = _FORM_LEFT_RE.search(name)
            if name and left and not _URL_END_RE.search(name[: left.end()]):
                reason = f"Không tách được hết tên tệp mẫu khỏi tên giấy tờ: «{_quote(name[max(0, left.start() - 40) :])}»"
                issues.append(_issue(f"components[{len(rows)}]", reason, segment, UNPARSED))
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
                    if not forms
                    else f"Không tách được tên giấy tờ khỏi mẫu «{_quote('; '.join(forms))}»"
                )
                issues.append(
                    _issue(f"components[{index}]", reason, segment or part[qty.start : qty.end], UNPARSED)
                )
            rows.append(
                ComponentRow(section, name, forms, qty.originals, qty.copies, part[qty.start : qty.end])
            )
            cursor = qty.end
        tail = part[cursor:]
        if not last_part:
            section = _clean_heading(tail)
        elif tail.strip("- \n"):
            index = len(rows)
            name, forms = _split_forms(tail)
            reason = f"Giấy tờ không có số lượng: «{_quote(tail)}»"
            issues.append(_issue(f"components[{index}]", reason, tail, MISSING))
            rows.append(ComponentRow(section, _clean_name(name), forms, None, None, ""))
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


# --------------------------------------------------------------------------- papers and notes

# The national page puts, in the same table as the papers, the notes around them: headings
# ("Đối với việc xác định họ…:"), conditions and explanations ("Cơ quan đăng ký hộ tịch từ chối…"),
# often with the quantity "0 bản chính". The words are compared with the diacritics kept (as above).
_NOTE_SECTION_RE = re.compile(r"(?<!\w)(?:lưu ý|ghi chú)(?!\w)")
_NOTE_WORD_RE = re.compile(r"(?:lưu ý|ghi chú)(?!\w)")
# A heading announces the papers that follow: "… bao gồm:", "… các giấy tờ sau:", "… cụ thể:".
_HEADING_END_RE = re.compile(r"(?<!\w)(?:gồm|sau|sau đây|như sau|cụ thể|bổ sung|dưới đây)\s*:$")
# A quantity written in the name when the quantity cell says 0: "Tờ khai hải quan: 02 bản chính;".
_STATED_QUANTITY_RE = re.compile(r"(?<!\w)0?\d{1,2}\s+(?:bản|bộ)(?!\w)")
# What a paper's name opens with (after any list marker).
_PAPER_OPENING_RE = re.compile(
    r"(?:tờ khai|tờ trình|đơn|văn bản|giấy|hóa đơn|hoá đơn|hợp đồng|bản (?:sao|chính|chụp|vẽ|kê|khai|cam kết"
    r"|thuyết minh|đăng ký|đề nghị|gốc|dịch|tự khai|cáo bạch|thông tin)|chứng từ|chứng chỉ|chứng nhận"
    r"|quyết định|báo cáo|bảng|sơ đồ|phiếu|danh sách|danh mục|biên bản|hộ chiếu|thẻ|phương án|tài liệu"
    r"|vận đơn|mẫu|sổ|ảnh|đề án|kế hoạch|lý lịch|trích lục|điều lệ|nghị quyết|thiết kế|hồ sơ thiết kế"
    r"|căn cước|chứng minh)(?!\w)"
)
# A paper named anywhere in a text.
_DOCUMENT_WORD_RE = re.compile(
    r"(?<!\w)(?:bản|tờ|thông báo|chứng thư|nhật ký|" + _PAPER_OPENING_RE.pattern[3:-7] + r")(?!\w)"
)
# A rule or an explanation rather than the name of a paper.
_RULE_RE = re.compile(
    r"(?<!\w)(?:phải|thì|không được|chỉ áp dụng|không áp dụng|áp dụng đối với|được nộp|nộp sau|nộp trước"
    r"|có trách nhiệm)(?!\w)"
)

PAPER = "paper"
NOTE = "note"


def component_kind(row: ComponentRow) -> tuple[str, bool]:
    """Whether a row of the papers table is a paper or a note, and whether that is certain.

    A note (guidance kept as text, never an upload box):

    * every row of a section headed "Lưu ý" / "Ghi chú", and a row opening with those words;
    * a heading: a row ending with ":" that asks for nothing ("0 bản chính"), or that announces the
      papers after it ("… bao gồm:", "… các giấy tờ sau:", "… cụ thể:", "… phải bổ sung:") without
      opening like a paper — with a quantity, either way is reported as uncertain;
    * a row asking for nothing (no original, no copy) unless its name states a quantity ("Tờ khai
      hải quan: 02 bản chính;") or opens like a paper ("Giấy …", "Văn bản …", "Quyết định …")
      without reading as a rule ("… phải …", "… thì …", "… chỉ áp dụng …"); such a paper with
      quantity 0 is kept as a paper and reported as uncertain.

    A row with a template file, or asking for at least one original or copy, is a paper (a
    conditional paper is still a paper: "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản …"),
    except a condition that names no paper at all ("Trường hợp nhà đầu tư liên danh thì nhà đầu tư
    … phải đáp ứng đủ điều kiện …"): a note, reported as uncertain."""
    head = _LIST_MARKER_RE.sub("", nfc(row.name).lower(), count=1).strip()
    section = nfc(row.section).lower()
    if _NOTE_SECTION_RE.search(section) or _NOTE_WORD_RE.match(head):
        return NOTE, True
    if row.forms:
        return PAPER, True
    asks = (row.originals or 0) + (row.copies or 0) > 0
    ending = head.rstrip(" .;")
    if ending.endswith(":"):
        if not asks:
            return NOTE, True
        if _HEADING_END_RE.search(ending):
            # "Đề án phát hành trái phiếu bao gồm các nội dung sau:" is a paper whose contents follow;
            # "Hồ sơ của tổ chức trong nước … bao gồm:" a heading over the papers that follow.
            return (PAPER if _PAPER_OPENING_RE.match(head) else NOTE), False
        return PAPER, True
    if asks:
        if _CONDITIONAL_OPENING_RE.match(head) and not _DOCUMENT_WORD_RE.search(head):
            # "Trường hợp nhà đầu tư liên danh thì nhà đầu tư … phải đáp ứng đủ điều kiện …": a
            # condition that names no paper, though the page gives it a quantity.
            return NOTE, False
        return PAPER, True
    if _STATED_QUANTITY_RE.search(head):
        return PAPER, True
    if _PAPER_OPENING_RE.match(head) and not _RULE_RE.search(head):
        return PAPER, False
    return NOTE, True


def _heading_line(section: str) -> str:
    return section.strip().lstrip("*-•+ ").strip()


def split_papers_and_notes(
    rows: list[ComponentRow] | tuple[ComponentRow, ...],
) -> tuple[list[ComponentRow], str, list[ParseIssue]]:
    """The papers of a papers table, its notes as one text (each section's heading, then its notes,
    one per line, in the page's order, a blank line between sections), and an ``assumed`` issue for every row whose kind is uncertain
    (see :func:`component_kind`)."""
    papers: list[ComponentRow] = []
    lines: list[str] = []
    issues: list[ParseIssue] = []
    heading: str | None = None
    for index, row in enumerate(rows):
        kind, certain = component_kind(row)
        if not certain:
            what = "giấy tờ" if kind == PAPER else "ghi chú"
            reason = (
                f"Không chắc là giấy tờ hay ghi chú ({row.quantity_text or 'không có số lượng'}): "
                f"«{_quote(row.name)}»; giữ là {what}"
            )
            issues.append(_issue(f"components[{index}]", reason, row.name, ASSUMED))
        if kind == PAPER:
            papers.append(row)
            continue
        section = _heading_line(row.section)
        if section != heading:
            heading = section
            if lines:
                lines.append("")  # a blank line between the sections' notes
            if section:
                lines.append(section if section.endswith(":") else section + ":")
        if row.name.strip():
            lines.append("- " + nfc(row.name).strip())
    return papers, "\n".join(lines), issues
