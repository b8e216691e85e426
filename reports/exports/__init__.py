"""The statutory report as files officials send upward (issue 5 §1): an XLSX workbook and a PDF.

Both carry two tables built once here (``report_build``) and only laid out differently:

1. **Biểu tổng hợp** — the numbers of ``GET /api/v1/reports/summary`` (``summary_rows``, hence the
   same ``summary()`` and the same scope rules) per agency, field, procedure or channel, with the
   usual two-level headers and a "Tổng cộng" row (the ungrouped summary, not a sum of the rows).

2. **Biểu VI** — the statistics table of section VI of the quarterly report (seed 004), row for row
   with its numbering. What the system knows is filled in, everything else stays empty with the note
   "Nhập thủ công" (a value is never made up):

   - II.1.4 / 1.4.1 / 1.4.2: procedures with a version in force (``Procedure.current_version``), all /
     at provincial level (``at_province``) / at commune level (``at_commune``); a procedure of both
     levels counts in both, as the note says. The whole province's catalog, at the time of printing.
   - II.2.2: of those, the ones flagged boundary-free (``boundary_free``).
   - II.3.1 / 3.1.1 / 3.1.2 and II.3.2 / 3.2.1 / 3.2.2: ``summary()`` of the period per handling
     agency, split by the agency's level (commune level → 3.2, every other level → 3.1): resolved,
     resolved early or on time, and their ratio.
   - III.3.1.2: procedures in force whose current version is full-online.
   - III.3.2 / 3.2.1 / 3.2.2: online services (procedures whose dossier's version is full or partial
     online) with dossiers received in the period, and those with online dossiers.
   - III.3.3 / 3.4 (and .1, .2): dossiers received in the period under a full-online (partial-online)
     version: all channels, and online.
   - III.3.5.1: procedures in force whose current version has a fee or charge above 0 đồng.
   - Left by hand: I (directives, tasks, dialogues), II.1.1–1.3 (simplification plans, publication
     decisions), II.2.1, II.3.3 (PAKN), III.3.1, 3.1.1, 3.5, 3.5.2 (eligibility for full-online service
     and the portal's payment integration are not recorded here).

The arithmetic (columns, headers, rows, rates) is pure; the queries are in ``statistics_figures``
and ``report_build``; openpyxl and WeasyPrint are imported only when a file is made.

The package: ``tables`` (the columns, headers and Biểu VI rows: pure), ``build`` (the queries and
``report_build``), ``xlsx`` (``workbook_bytes``) and ``pdf`` (``pdf_bytes``); callers import from
``reports.exports`` itself.
"""

from __future__ import annotations

from reports.exports.build import Report, report_build, report_subject, statistics_figures
from reports.exports.pdf import format_number, pdf_bytes, pdf_context
from reports.exports.tables import (
    BIEU_VI,
    CATALOG_NOTE,
    COLUMNS,
    GROUP_HEADINGS,
    IN_PERIOD,
    MANUAL,
    NOTHING_RESOLVED,
    PENDING,
    RECEIVED,
    RESOLVED,
    STATISTICS_PATHS,
    STATISTICS_TITLE,
    TITLE,
    TOTAL,
    Column,
    Figure,
    HeaderCell,
    Number,
    RowKind,
    StatLine,
    StatRow,
    counts_values,
    header_cells,
    statistics_lines,
    summary_paths,
)
from reports.exports.xlsx import (
    INTEGER_FORMAT,
    LINE_HEIGHT,
    NAME_WIDTH,
    PERCENT_FORMAT,
    XLSX_CONTENT_TYPE,
    text_lines,
    workbook_bytes,
)

__all__ = [
    "BIEU_VI",
    "CATALOG_NOTE",
    "COLUMNS",
    "GROUP_HEADINGS",
    "INTEGER_FORMAT",
    "IN_PERIOD",
    "LINE_HEIGHT",
    "MANUAL",
    "NAME_WIDTH",
    "NOTHING_RESOLVED",
    "PENDING",
    "PERCENT_FORMAT",
    "RECEIVED",
    "RESOLVED",
    "STATISTICS_PATHS",
    "STATISTICS_TITLE",
    "TITLE",
    "TOTAL",
    "XLSX_CONTENT_TYPE",
    "Column",
    "Figure",
    "HeaderCell",
    "Number",
    "Report",
    "RowKind",
    "StatLine",
    "StatRow",
    "counts_values",
    "format_number",
    "header_cells",
    "pdf_bytes",
    "pdf_context",
    "report_build",
    "report_subject",
    "statistics_figures",
    "statistics_lines",
    "summary_paths",
    "text_lines",
    "workbook_bytes",
]
