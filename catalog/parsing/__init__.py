"""Parsers for procedure detail pages crawled from the national public-service portal.

Pure Python, no Django: the importer calls these functions and stores what they return.

The package holds one module per part of the page — ``base`` (issue kinds, records, shared helpers),
``time_fees``, ``channels``, ``components`` (with mandatory papers), ``results_legal`` (results, legal
basis, levels) and ``records`` (a whole detail page, the list exports); callers import the names below
from ``catalog.parsing`` itself.

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

from catalog.parsing.base import (
    ASSUMED,
    CORRECTED,
    INCONSISTENT,
    ISSUE_KINDS,
    MISSING,
    UNPARSED,
    UNSUPPORTED,
    ChannelRow,
    ComponentRow,
    FeeLine,
    LegalRow,
    ListRow,
    ParsedDetail,
    ParseIssue,
    ResultRow,
    TimeSpec,
    is_valid_code,
)
from catalog.parsing.channels import parse_channels
from catalog.parsing.components import (
    NOTE,
    PAPER,
    component_is_mandatory,
    component_is_situational,
    component_kind,
    parse_components,
    split_papers_and_notes,
)
from catalog.parsing.records import parse_detail, read_list_xlsx
from catalog.parsing.results_legal import parse_legal_basis, parse_levels, parse_results
from catalog.parsing.time_fees import parse_fees, parse_time

__all__ = [
    "ASSUMED",
    "CORRECTED",
    "INCONSISTENT",
    "ISSUE_KINDS",
    "MISSING",
    "NOTE",
    "PAPER",
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
    "component_kind",
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
    "split_papers_and_notes",
]
