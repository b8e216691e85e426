"""The report as an XLSX workbook (openpyxl, imported only here): a sheet per table, with the
headers merged and the rows sized to their text."""

from __future__ import annotations

import io
from typing import Any

from reports.exports.build import Report
from reports.exports.tables import (
    COLUMNS,
    STATISTICS_PATHS,
    STATISTICS_TITLE,
    TITLE,
    HeaderCell,
    Number,
    RowKind,
    counts_values,
    header_cells,
    summary_paths,
)
from reports.summary import Counts

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# XLSX


def _fraction(rate: Number) -> float | None:
    return None if rate is None else round(float(rate) / 100, 6)


def workbook_bytes(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary_sheet = workbook.active
    assert summary_sheet is not None
    summary_sheet.title = "Biểu tổng hợp"
    _write_summary(summary_sheet, report)
    _write_statistics(workbook.create_sheet("Biểu VI"), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


INTEGER_FORMAT = "#,##0"
NAME_WIDTH = 42
PERCENT_FORMAT = "0.00%"


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "italic": Font(italic=True),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def _banner(sheet: Any, lines: list[tuple[str, str]], width: int, styles: dict[str, Any]) -> int:
    """Title lines merged across the table's width; returns the next free row."""
    for row, (text, style) in enumerate(lines, start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = styles[style]
        cell.alignment = styles["center"]
    return len(lines) + 2


def _write_header(
    sheet: Any, cells: list[HeaderCell], top: int, width: int, depth: int, styles: dict[str, Any]
) -> None:
    for row in range(top, top + depth):
        for col in range(1, width + 1):
            sheet.cell(row=row, column=col).border = styles["border"]
    for cell in cells:
        row, col = top + cell.row, 1 + cell.col
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + cell.rowspan - 1,
                end_column=col + cell.colspan - 1,
            )
        target = sheet.cell(row=row, column=col, value=cell.label)
        target.font = styles["bold"]
        target.alignment = styles["center"]


LINE_HEIGHT = 15  # points, one line of 11 pt text


def text_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (a rough but safe count:
    spreadsheets do not all grow rows to fit wrapped text on opening)."""
    per_line = max(int(width * 1.1), 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        words, length = paragraph.split(), 0
        lines += 1
        for word in words:
            if length and length + 1 + len(word) > per_line:
                lines += 1
                length = 0
            length += len(word) + (1 if length else 0)
    return lines


def _fit_row(sheet: Any, row: int, texts: list[tuple[str, float]]) -> None:
    lines = max(text_lines(text, width) for text, width in texts)
    if lines > 1:
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines


def _write_summary(sheet: Any, report: Report) -> None:
    from openpyxl.utils import get_column_letter

    styles = _styles()
    paths = summary_paths(report.group_by)
    width, depth = len(paths), max(len(path) for path in paths)
    top = _banner(
        sheet,
        [(TITLE, "title"), (report.period, "italic"), (report.scope_line, "bold")],
        width,
        styles,
    )
    _write_header(sheet, header_cells(paths), top, width, depth, styles)
    numbers_row = top + depth
    for col in range(1, width + 1):
        cell = sheet.cell(row=numbers_row, column=col, value=f"({col})")
        cell.alignment, cell.border, cell.font = styles["center"], styles["border"], styles["italic"]

    def write_row(row: int, first: Any, label: str, counts: Counts, bold: bool) -> None:
        values: list[Any] = [first, label, *counts_values(counts)]
        for col, value in enumerate(values, start=1):
            column = COLUMNS[col - 3] if col > 2 else None
            cell = sheet.cell(
                row=row, column=col, value=_fraction(value) if column and column.rate else value
            )
            cell.border = styles["border"]
            if bold:
                cell.font = styles["bold"]
            if col == 1:
                cell.alignment = styles["center"]
            elif col == 2:
                cell.alignment = styles["left"]
            else:
                cell.number_format = PERCENT_FORMAT if column and column.rate else INTEGER_FORMAT
                cell.alignment = styles["right"]

    row = numbers_row + 1
    for number, (code, name, counts) in enumerate(report.rows, start=1):
        label = report.row_label(code, name)
        write_row(row, number, label, counts, bold=False)
        _fit_row(sheet, row, [(label, NAME_WIDTH)])
        row += 1
    write_row(row, None, "Tổng cộng", report.total, bold=True)
    note = sheet.cell(
        row=row + 2,
        column=1,
        value=(
            "Kỳ trước chuyển qua + tiếp nhận trong kỳ = đã giải quyết + dừng, rút + đang giải quyết. "
            f"Số liệu lập từ hệ thống lúc {report.printed_at:%H:%M %d/%m/%Y}."
        ),
    )
    note.font = styles["italic"]

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = NAME_WIDTH
    for col in range(3, width + 1):
        column = COLUMNS[col - 3]
        sheet.column_dimensions[get_column_letter(col)].width = 12 if column.rate else 11
    sheet.row_dimensions[top].height = 2 * LINE_HEIGHT
    sheet.row_dimensions[top + 1].height = 2 * LINE_HEIGHT
    sheet.freeze_panes = sheet.cell(row=numbers_row + 1, column=3)
    sheet.print_title_rows = f"{top}:{numbers_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _write_statistics(sheet: Any, report: Report) -> None:
    styles = _styles()
    width, depth = len(STATISTICS_PATHS), 2
    widths = (8, 62, 12, 14, 40)
    top = _banner(
        sheet,
        [(STATISTICS_TITLE, "title"), (report.period, "italic"), (report.scope_line, "bold")],
        width,
        styles,
    )
    _write_header(sheet, header_cells(STATISTICS_PATHS), top, width, depth, styles)
    row = top + depth
    for line in report.statistics:
        value: Any = _fraction(line.value) if line.rate else line.value
        cells = [line.number, line.label, line.unit, value, line.note]
        for col, content in enumerate(cells, start=1):
            cell = sheet.cell(row=row, column=col, value=content)
            cell.border = styles["border"]
            cell.alignment = styles["center"] if col in {1, 3} else styles["left"]
            if line.kind is not RowKind.ITEM:
                cell.font = styles["bold"]
            if col == 4:
                cell.alignment = styles["right"]
                cell.number_format = PERCENT_FORMAT if line.rate else INTEGER_FORMAT
        _fit_row(sheet, row, [(line.label, widths[1]), (line.unit, widths[2]), (line.note, widths[4])])
        row += 1
    for letter, size in zip("ABCDE", widths, strict=True):
        sheet.column_dimensions[letter].width = size
    sheet.row_dimensions[top].height = 2 * LINE_HEIGHT
    sheet.freeze_panes = sheet.cell(row=top + depth, column=1)
    sheet.print_title_rows = f"{top}:{top + depth - 1}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
