"""The report as a PDF: the template's context (letterhead, numbers formatted the Vietnamese way)
rendered by WeasyPrint."""

from __future__ import annotations

from typing import Any

from reports.exports.build import Report
from reports.exports.tables import (
    COLUMNS,
    STATISTICS_PATHS,
    STATISTICS_TITLE,
    TITLE,
    HeaderCell,
    Number,
    counts_values,
    header_cells,
    summary_paths,
)
from reports.summary import Counts

# ---------------------------------------------------------------------------------------------
# PDF


def format_number(value: Number, *, rate: bool = False) -> str:
    """Vietnamese style: ``16.095`` and ``97,54``; empty for no value."""
    if value is None:
        return ""
    if rate:
        return f"{value:.2f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def _header_rows(cells: list[HeaderCell]) -> list[list[HeaderCell]]:
    rows: list[list[HeaderCell]] = [[] for _ in range(max(cell.row for cell in cells) + 1)]
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def pdf_context(report: Report) -> dict[str, Any]:
    from kernel.formatting import format_date
    from organization.letterhead import header_blocks, place_date_line

    issuer = report.issuer
    paths = summary_paths(report.group_by)

    def cells(counts: Counts) -> list[str]:
        return [
            format_number(value, rate=column.rate)
            for column, value in zip(COLUMNS, counts_values(counts), strict=True)
        ]

    return {
        "title": f"BÁO CÁO {TITLE}",
        "header_blocks": header_blocks(issuer) if issuer else [],
        "place_date": (
            place_date_line(issuer, report.printed_at)
            if issuer
            else format_date(report.printed_at).capitalize()
        ),
        "period": report.period,
        "scope_label": report.scope_label,
        "summary_head": _header_rows(header_cells(paths)),
        "column_numbers": [f"({n})" for n in range(1, len(paths) + 1)],
        "rows": [
            {"number": n, "label": report.row_label(code, name), "cells": cells(counts)}
            for n, (code, name, counts) in enumerate(report.rows, start=1)
        ],
        "total": cells(report.total),
        "statistics_title": STATISTICS_TITLE,
        "statistics_head": _header_rows(header_cells(STATISTICS_PATHS)),
        "statistics": [
            {
                "number": line.number,
                "label": line.label,
                "unit": line.unit,
                "value": format_number(line.value, rate=line.rate)
                + ("%" if line.rate and line.value is not None else ""),
                "note": line.note,
                "kind": line.kind.value,
            }
            for line in report.statistics
        ],
        "printed": f"{report.printed_at:%H:%M %d/%m/%Y}",
    }


def pdf_bytes(report: Report) -> bytes:
    from kernel.pdf import render_pdf

    return render_pdf("reports/pdf_summary.html", pdf_context(report))
