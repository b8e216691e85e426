"""GET /api/v1/reports/summary.xlsx and .pdf: the numbers of the JSON summary, laid out as officials
send them, plus Biểu VI of the quarterly report (seed 004 §VI).

The history: 40 random commune dossiers (``history_lines``) and three dossiers handled by Sở Tư pháp,
so Biểu VI's rows II.3.1 (provincial agencies) and II.3.2 (communes) both carry numbers. Which
Biểu VI rows are filled from what is listed in ``reports/exports/``'s docstring; here each filled
row is recomputed from ``summary()`` or the catalog and compared.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from catalog.models import OnlineLevel, Procedure, ProcedureVersion
from dossiers.importer import import_lines
from dossiers.models import Dossier
from organization.models import Agency
from reports.exports import COLUMNS, MANUAL, header_cells
from reports.summary import Counts, GroupBy, summary
from reports.tests.history import VN, history_lines
from testing.database import kept_for_the_module

pytestmark = pytest.mark.django_db

COMMUNE_A = "000.00.11953.H31"
COMMUNE_B = "000.00.11977.H31"
JUSTICE = "000.00.04.H31"  # Sở Tư pháp
PERIOD = "from=2026-01-01&to=2026-03-31"
START, END = date(2026, 1, 1), date(2026, 3, 31)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The JSON field behind each numeric column of "Biểu tổng hợp", in order ("handled" = carried over
# + received).
JSON_COLUMNS = [
    "handled",
    "carried_over",
    "received_online",
    "received_counter",
    "received_postal",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "stopped",
    "pending",
    "pending_in_time",
    "pending_overdue",
    "supplement_requests",
    "on_time_rate",
    "online_rate",
]


def _provincial_line(n: int, resolved_day: int | None) -> str:
    events: list[dict[str, Any]] = [{"type": "received", "at": f"2026-02-0{2 + n}T09:00:00+07:00"}]
    if resolved_day is not None:
        events.append(
            {"type": "resolved", "at": f"2026-02-{resolved_day:02d}T10:00:00+07:00", "outcome": "approved"}
        )
    return json.dumps(
        {
            "code": f"H31-STP-{n:03d}",
            "procedure": "1.002099",
            "receiving_agency": "000.00.02.H31",
            "handling_agency": JUSTICE,
            "channel": "online" if n else "counter",
            "applicant": {"name": "Trần Văn Bình", "national_id": f"03319000{n:04d}"},
            "events": events,
        },
        ensure_ascii=False,
    )


@pytest.fixture(scope="module")
def history(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Imported once for the module's tests (each runs in a savepoint of it)."""
    with kept_for_the_module(django_db_blocker):
        outcome = import_lines(
            [
                *history_lines(seed=23, count=40, start=datetime(2025, 12, 15, tzinfo=VN), days=100),
                _provincial_line(0, 4),  # within its time limit
                _provincial_line(1, 26),  # late
                _provincial_line(2, None),  # pending
            ]
        )
        assert outcome.rejections == []
        # Birth registration offered fully online (the test catalog has no full-online procedure); the
        # online level is read from the dossier's version when the report is made.
        ProcedureVersion.objects.filter(procedure__code="1.001193").update(online_level=OnlineLevel.FULL)
        yield


def fetch(client: Any, path: str) -> Any:
    """The raw response (the conftest client decodes bodies as text)."""
    return client.client.get(f"/api/v1/{path}", headers=client.headers)


def workbook(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def pdf_text(response: Any) -> tuple[str, PdfReader]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return unicodedata.normalize("NFC", text), reader


def json_values(counts: dict[str, Any]) -> list[Any]:
    return [
        counts["carried_over"] + counts["received"] if key == "handled" else counts[key]
        for key in JSON_COLUMNS
    ]


def sheet_values(row: tuple[Any, ...]) -> list[Any]:
    """The numeric cells of a table row, rates back in percent."""
    values = []
    for column, cell in zip(COLUMNS, row[2:], strict=True):
        if column.rate:
            assert cell.value is None or cell.number_format == "0.00%"
            values.append(None if cell.value is None else round(cell.value * 100, 2))
        else:
            assert isinstance(cell.value, int), (cell.coordinate, cell.value)
            values.append(cell.value)
    return values


def table_rows(sheet: Any) -> dict[str, tuple[Any, ...]]:
    """Data rows of "Biểu tổng hợp" by their label (column B)."""
    return {
        row[1].value: row
        for row in sheet.iter_rows()
        if isinstance(row[0].value, int) or row[1].value == "Tổng cộng"
    }


def statistics(sheet: Any) -> dict[str, tuple[Any, Any, Any]]:
    """Biểu VI rows by section-qualified number (``II.3.1.1``): (unit, value, note)."""
    found: dict[str, tuple[Any, Any, Any]] = {}
    section = ""
    for number, _label, unit, value, note in sheet.iter_rows(min_row=7, values_only=True):
        if number in {"I", "II", "III"}:
            section = number
            continue
        if number:
            found[f"{section}.{number.rstrip('.')}"] = (unit, value, note)
    return found


def test_the_xlsx_carries_the_json_numbers(api, monitor, history) -> None:
    status, body = api(monitor).get(f"reports/summary?{PERIOD}&group_by=agency")
    assert status == 200, body
    response = fetch(api(monitor), f"reports/summary.xlsx?{PERIOD}")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-tthc-2026-01-01-2026-03-31.xlsx"'
    book = workbook(response)
    assert book.sheetnames == ["Biểu tổng hợp", "Biểu VI"]
    sheet = book["Biểu tổng hợp"]
    assert sheet["A1"].value == "TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet["A2"].value == "Kỳ báo cáo: từ 01/01/2026 đến 31/03/2026"
    assert sheet["A3"].value == "Phạm vi: Toàn tỉnh"

    # Three header rows (5–7) with merged groups, the column numbers (8), frozen below them.
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {"A5:A7", "B5:B7", "C5:G5", "C6:C7", "E6:G6", "H5:K5", "L5:L7", "M5:O5", "R5:R7"} <= merged
    assert (sheet["B5"].value, sheet["C5"].value, sheet["E6"].value, sheet["E7"].value) == (
        "Đơn vị",
        "Số hồ sơ nhận giải quyết",
        "Tiếp nhận trong kỳ",
        "Trực tuyến",
    )
    assert sheet.freeze_panes == "C9"
    assert sheet["C9"].border.left.style == "thin"

    rows = table_rows(sheet)
    assert sheet_values(rows["Tổng cộng"]) == json_values(body["total"])
    assert body["total"]["resolved_late"] > 0 and body["total"]["pending"] > 0
    by_name = {row["name"]: row for row in body["rows"]}
    assert set(rows) - {"Tổng cộng"} == set(by_name)
    for name in ("Ủy ban nhân dân Phường Phố Hiến", "Sở Tư pháp"):
        assert sheet_values(rows[name]) == json_values(by_name[name])
    # Same order as the JSON rows.
    assert [row[1].value for row in sheet.iter_rows() if isinstance(row[0].value, int)] == list(by_name)


def test_bieu_vi_fills_what_the_system_knows_and_leaves_the_rest(api, monitor, history) -> None:
    rows = statistics(workbook(fetch(api(monitor), f"reports/summary.xlsx?{PERIOD}"))["Biểu VI"])

    by_agency = summary(START, END, group_by=GroupBy.AGENCY)
    province, commune = Counts(), Counts()
    for agency in Agency.objects.filter(pk__in=list(by_agency)):
        (commune if agency.level == Agency.Level.COMMUNE else province).add(by_agency[agency.pk])
    for ref, counts in (("II.3.1", province), ("II.3.2", commune)):
        on_time = counts.resolved_early + counts.resolved_on_time
        assert counts.resolved > 0
        assert rows[f"{ref}.1"][:2] == ("Hồ sơ", counts.resolved)
        assert rows[f"{ref}.2"][:2] == ("Hồ sơ", on_time)
        assert rows[ref][0] == "%"
        assert rows[ref][1] == pytest.approx(on_time / counts.resolved, abs=1e-4)
    assert rows["II.3.1.1"][1] == 2  # Sở Tư pháp: one in time, one late
    assert rows["II.3.1.2"][1] == 1

    in_force = Procedure.objects.filter(current_version__isnull=False)
    assert rows["II.1.4"][1] == in_force.count()
    assert rows["II.1.4.1"][1] == in_force.filter(current_version__at_province=True).count()
    assert rows["II.1.4.2"][1] == in_force.filter(current_version__at_commune=True).count()
    assert "cả cấp tỉnh và cấp xã" in rows["II.1.4"][2]
    assert rows["II.2.2"][1] == 0
    assert rows["III.3.5.1"][1] == 3  # 1.002099, 1.002755 and 2.002516 charge fees

    received = list(
        Dossier.objects.filter(
            received_at__gte=datetime(2026, 1, 1, tzinfo=VN), received_at__lt=datetime(2026, 4, 1, tzinfo=VN)
        ).select_related("procedure")
    )
    full = [d for d in received if d.procedure.code == "1.001193"]
    assert rows["III.3.3.1"][1] == len(full) > 0
    assert rows["III.3.3.2"][1] == sum(d.channel == "online" for d in full)
    assert rows["III.3.4.1"][1] == len(received) - len(full)
    assert rows["III.3.1.2"][1] == 1
    assert rows["III.3.2.1"][1] == len({d.procedure_id for d in received})

    # What the system cannot know stays empty, to be typed in.
    for ref in ("I.1", "I.2.1", "II.1.1", "II.2.1", "II.3.3", "II.3.3.1", "III.3.1.1", "III.3.5.2"):
        assert rows[ref][1] is None and rows[ref][2] == MANUAL, ref
    assert rows["II.3.3.1"][0] == "PAKN"


def test_the_pdf_has_both_tables_with_the_same_numbers(api, monitor, history) -> None:
    status, body = api(monitor).get(f"reports/summary?{PERIOD}&group_by=agency")
    response = fetch(api(monitor), f"reports/summary.pdf?{PERIOD}")
    assert response["Content-Disposition"] == 'inline; filename="bao-cao-tthc-2026-01-01-2026-03-31.pdf"'
    text, reader = pdf_text(response)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN" in text
    assert "TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Kỳ báo cáo: từ 01/01/2026 đến 31/03/2026" in text
    total = body["total"]
    numbers = " ".join(
        str(total[key]) if key != "handled" else str(total["carried_over"] + total["received"])
        for key in JSON_COLUMNS[:14]
    )
    assert f"Tổng cộng {numbers}" in text
    assert f"{total['on_time_rate']:.2f}".replace(".", ",") in text
    assert "BIỂU MẪU THỐNG KÊ" in text
    assert "Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn" in text
    assert "Nhập thủ công" in text
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes[0] == (842, 595)  # the per-unit table: A4 landscape
    assert sizes[-1] == (595, 842)  # Biểu VI: A4 portrait


def test_commune_staff_export_their_commune_only(api, leader_a, history) -> None:
    book = workbook(fetch(api(leader_a), f"reports/summary.xlsx?{PERIOD}&group_by=channel"))
    sheet = book["Biểu tổng hợp"]
    assert sheet["A3"].value == "Phạm vi: Ủy ban nhân dân Phường Phố Hiến"
    assert sheet["B5"].value == "Hình thức tiếp nhận"
    commune_a = Agency.objects.get(code=COMMUNE_A)
    mine = summary(START, END, group_by=GroupBy.AGENCY)[commune_a.pk]
    assert table_rows(sheet)["Tổng cộng"][2].value == mine.carried_over + mine.received
    assert statistics(book["Biểu VI"])["II.3.1.1"][1] == 0

    response = fetch(api(leader_a), f"reports/summary.pdf?{PERIOD}&agency={COMMUNE_A}")
    text, _reader = pdf_text(response)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG PHỐ HIẾN" in text
    assert response["Content-Disposition"].endswith('-2026-03-31-000.00.11953.H31.pdf"')


@pytest.mark.parametrize("extension", ["xlsx", "pdf"])
@pytest.mark.parametrize(
    ("who", "query", "code"),
    [
        ("monitor", "from=2026-03-31&to=2026-01-01", "invalid_period"),
        ("monitor", "from=2026-02-30&to=2026-03-01", None),
        ("monitor", "from=2000-01-01&to=2026-03-01", "period_too_long"),
        ("monitor", "to=2026-03-01", None),
        ("monitor", f"{PERIOD}&agency=nope", "not_found"),
        ("monitor", f"{PERIOD}&group_by=weather", None),
        ("officer_b", f"{PERIOD}&agency={COMMUNE_A}", "forbidden"),
        ("citizen", PERIOD, "forbidden"),
        (None, PERIOD, None),
    ],
)
def test_errors_are_those_of_the_json_summary(api, request, extension, who, query, code) -> None:
    user = request.getfixturevalue(who) if who else None
    status, body = api(user).get(f"reports/summary.{extension}?{query}")
    expected_status, expected = api(user).get(f"reports/summary?{query}")
    assert 400 <= status < 500, body
    assert (status, body) == (expected_status, expected)
    if code:
        assert body["error"]["code"] == code


def test_the_endpoints_are_documented(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for extension, content_type in (("xlsx", XLSX), ("pdf", "application/pdf")):
        operation = paths[f"/api/v1/reports/summary.{extension}"]["get"]
        assert operation["summary"]
        assert content_type in operation["responses"]["200"]["content"]
        assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "agency", "group_by"}


def test_header_cells_span_their_groups() -> None:
    cells = header_cells([("A",), ("G", "x"), ("G", "H", "y"), ("G", "H", "z"), ("B",)])
    assert [(c.label, c.row, c.col, c.rowspan, c.colspan) for c in cells] == [
        ("A", 0, 0, 3, 1),
        ("G", 0, 1, 1, 3),
        ("B", 0, 4, 3, 1),
        ("x", 1, 1, 2, 1),
        ("H", 1, 2, 1, 2),
        ("y", 2, 2, 1, 1),
        ("z", 2, 3, 1, 1),
    ]
