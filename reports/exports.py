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
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from catalog.models import Channel, OnlineLevel, Procedure
from dossiers.models import Dossier
from organization.models import Agency
from organization.selectors import user_scope
from reports.summary import Counts, GroupBy, ReportScope, ratio, start_of, summary
from worktime.calendar import VN_TZ

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANUAL = "Nhập thủ công"
TITLE = "TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
STATISTICS_TITLE = "BIỂU MẪU THỐNG KÊ"

Number = int | float | None

# ---------------------------------------------------------------------------------------------
# Biểu tổng hợp: columns and their headers


@dataclass(frozen=True)
class Column:
    """A leaf column: its header path (top group first) and how to read it from a ``Counts``.
    Rates are percentages (``ratio``), written to XLSX as fractions under a % format."""

    path: tuple[str, ...]
    value: Callable[[Counts], Number]
    rate: bool = False


RECEIVED = "Số hồ sơ nhận giải quyết"
RESOLVED = "Số hồ sơ đã giải quyết"
PENDING = "Số hồ sơ đang giải quyết"
IN_PERIOD = "Tiếp nhận trong kỳ"
TOTAL = "Tổng số"

COLUMNS: tuple[Column, ...] = (
    Column((RECEIVED, TOTAL), lambda c: c.carried_over + c.received),
    Column((RECEIVED, "Kỳ trước chuyển qua"), lambda c: c.carried_over),
    Column((RECEIVED, IN_PERIOD, "Trực tuyến"), lambda c: c.received_online),
    Column((RECEIVED, IN_PERIOD, "Trực tiếp"), lambda c: c.received_counter),
    Column((RECEIVED, IN_PERIOD, "Bưu chính"), lambda c: c.received_postal),
    Column((RESOLVED, TOTAL), lambda c: c.resolved),
    Column((RESOLVED, "Trước hạn"), lambda c: c.resolved_early),
    Column((RESOLVED, "Đúng hạn"), lambda c: c.resolved_on_time),
    Column((RESOLVED, "Quá hạn"), lambda c: c.resolved_late),
    Column(("Dừng, rút",), lambda c: c.stopped),
    Column((PENDING, TOTAL), lambda c: c.pending),
    Column((PENDING, "Trong hạn"), lambda c: c.pending_in_time),
    Column((PENDING, "Quá hạn"), lambda c: c.pending_overdue),
    Column(("Yêu cầu bổ sung",), lambda c: c.supplement_requests),
    Column(("Tỷ lệ đúng hạn (%)",), lambda c: c.rates()["on_time_rate"], rate=True),
    Column(("Tỷ lệ trực tuyến (%)",), lambda c: c.rates()["online_rate"], rate=True),
)

GROUP_HEADINGS = {
    GroupBy.AGENCY: "Đơn vị",
    GroupBy.FIELD: "Lĩnh vực",
    GroupBy.PROCEDURE: "Thủ tục",
    GroupBy.CHANNEL: "Hình thức tiếp nhận",
}


@dataclass(frozen=True)
class HeaderCell:
    """One header cell of a table: 0-based row and column, spans, text."""

    row: int
    col: int
    rowspan: int
    colspan: int
    label: str


def header_cells(paths: Sequence[tuple[str, ...]]) -> list[HeaderCell]:
    """Merged header cells for leaf columns given by their header paths. A group spans the run of
    adjacent columns under it; a leaf reaches down to the last header row."""
    depth = max(len(path) for path in paths)
    cells: list[HeaderCell] = []
    for level in range(depth):
        col = 0
        while col < len(paths):
            path = paths[col]
            if len(path) <= level:
                col += 1
                continue
            if level == len(path) - 1:
                cells.append(HeaderCell(level, col, depth - level, 1, path[level]))
                col += 1
                continue
            prefix = path[: level + 1]
            end = col
            while end < len(paths) and len(paths[end]) > level + 1 and paths[end][: level + 1] == prefix:
                end += 1
            cells.append(HeaderCell(level, col, 1, end - col, path[level]))
            col = end
    return cells


def summary_paths(group_by: GroupBy) -> list[tuple[str, ...]]:
    return [("STT",), (GROUP_HEADINGS[group_by],), *(column.path for column in COLUMNS)]


def counts_values(counts: Counts) -> list[Number]:
    """The numbers of one table row, in column order."""
    return [column.value(counts) for column in COLUMNS]


# ---------------------------------------------------------------------------------------------
# Biểu VI: the rows of seed 004 section VI


class RowKind(StrEnum):
    SECTION = "section"  # I, II, III
    HEADING = "heading"  # a group of items with no figure of its own
    ITEM = "item"


@dataclass(frozen=True)
class StatRow:
    """A row of Biểu VI. ``key`` names the figure the system fills in; an item without one is typed
    in by hand."""

    number: str
    label: str
    unit: str = ""
    key: str | None = None
    kind: RowKind = RowKind.ITEM


_S, _H = RowKind.SECTION, RowKind.HEADING

BIEU_VI: tuple[StatRow, ...] = (
    StatRow("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", kind=_S),
    StatRow(
        "1.",
        "Số văn bản chỉ đạo đã tham mưu tỉnh ban hành theo ngành, lĩnh vực quản lý "
        "(Kết luận, chỉ thị, công văn chỉ đạo, quán triệt)",
        "Văn bản",
    ),
    StatRow("2.", "Thực hiện nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao", kind=_H),
    StatRow("2.1.", "Tổng số nhiệm vụ được giao", "Nhiệm vụ"),
    StatRow("2.2.", "Số nhiệm vụ đã hoàn thành đúng hạn", "Nhiệm vụ"),
    StatRow("2.3.", "Số nhiệm vụ đã hoàn thành nhưng quá hạn", "Nhiệm vụ"),
    StatRow("2.4.", "Số nhiệm vụ quá hạn nhưng chưa hoàn thành", "Nhiệm vụ"),
    StatRow(
        "3.",
        "Tổ chức đối thoại của lãnh đạo tỉnh với người dân, cộng đồng doanh nghiệp",
        "Không = 0; Có = 1",
    ),
    StatRow("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", kind=_S),
    StatRow("1.", "Thống kê TTHC", kind=_H),
    StatRow("1.1.", "Số TTHC đã được phê duyệt phương án đơn giản hóa", "Thủ tục"),
    StatRow("1.2.", "Số TTHC công bố mới", "Thủ tục"),
    StatRow("1.3.", "Số TTHC bãi bỏ, thay thế", "Thủ tục"),
    StatRow("1.4.", "Tổng số TTHC thuộc thẩm quyền giải quyết tại địa phương", "Thủ tục", "procedures"),
    StatRow(
        "1.4.1.",
        "Số TTHC cấp tỉnh (Bao gồm cả TTHC của cơ quan ngành dọc)",
        "Thủ tục",
        "procedures_province",
    ),
    StatRow(
        "1.4.2.", "Số TTHC cấp xã (Bao gồm cả TTHC của cơ quan ngành dọc)", "Thủ tục", "procedures_commune"
    ),
    StatRow("2.", "Thực hiện cơ chế một cửa, một cửa liên thông", kind=_H),
    StatRow("2.1.", "Tỷ lệ TTHC thực hiện việc tiếp nhận, trả kết quả tại Bộ phận Một cửa", "%"),
    StatRow(
        "2.2.",
        "Số TTHC đã thực hiện tiếp nhận và giải quyết hồ sơ không phụ thuộc vào địa giới hành chính",
        "Thủ tục",
        "procedures_boundary_free",
    ),
    StatRow("3.", "Kết quả giải quyết TTHC", kind=_H),
    StatRow(
        "3.1.",
        "Tỷ lệ hồ sơ TTHC do các sở, ngành tiếp nhận được giải quyết đúng hạn",
        "%",
        "province_on_time_rate",
    ),
    StatRow("3.1.1.", "Tổng số hồ sơ TTHC đã giải quyết xong", "Hồ sơ", "province_resolved"),
    StatRow("3.1.2.", "Số hồ sơ TTHC giải quyết đúng hạn", "Hồ sơ", "province_on_time"),
    StatRow(
        "3.2.",
        "Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn",
        "%",
        "commune_on_time_rate",
    ),
    StatRow("3.2.1.", "Tổng số hồ sơ TTHC đã giải quyết xong", "Hồ sơ", "commune_resolved"),
    StatRow("3.2.2.", "Số hồ sơ TTHC giải quyết đúng hạn", "Hồ sơ", "commune_on_time"),
    StatRow("3.3.", "Tỷ lệ giải quyết phản ánh, kiến nghị (PAKN) về quy định TTHC", "%"),
    StatRow(
        "3.3.1.",
        "Tổng số PAKN đã tiếp nhận (trực tiếp hoặc do cơ quan có thẩm quyền chuyển đến)",
        "PAKN",
    ),
    StatRow("3.3.2.", "Số PAKN đã giải quyết xong", "PAKN"),
    StatRow("III", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", kind=_S),
    StatRow("3.", "Cung cấp dịch vụ công trực tuyến (DVCTT)", kind=_H),
    StatRow("3.1.", "Tỷ lệ DVCTT toàn trình đủ điều kiện", "%"),
    StatRow("3.1.1.", "Tổng số DVC đủ điều kiện lên trực tuyến toàn trình", "DVC"),
    StatRow("3.1.2.", "Số lượng DVCTT toàn trình", "DVC", "services_full"),
    StatRow(
        "3.2.",
        "Tỷ lệ DVC có phát sinh hồ sơ nộp trực tuyến (toàn trình + một phần)",
        "%",
        "services_online_rate",
    ),
    StatRow(
        "3.2.1.",
        "Tổng số DVCTT có phát sinh hồ sơ (gồm các DVCTT có phát sinh hồ sơ trực tuyến hoặc trực tiếp "
        "hoặc cả 2 hình thức)",
        "DVC",
        "services_used",
    ),
    StatRow("3.2.2.", "Số DVCTT có phát sinh hồ sơ trực tuyến", "DVC", "services_used_online"),
    StatRow("3.3.", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "full_online_rate"),
    StatRow(
        "3.3.1.",
        "Tổng số hồ sơ của DVCTT toàn trình (gồm hồ sơ nộp trực tuyến + trực tiếp)",
        "Hồ sơ",
        "full_received",
    ),
    StatRow("3.3.2.", "Số hồ sơ nộp trực tuyến của các DVCTT toàn trình", "Hồ sơ", "full_online"),
    StatRow("3.4.", "Tỷ lệ hồ sơ trực tuyến một phần", "%", "partial_online_rate"),
    StatRow(
        "3.4.1.",
        "Tổng số hồ sơ của DVCTT một phần (gồm hồ sơ nộp trực tuyến + trực tiếp)",
        "Hồ sơ",
        "partial_received",
    ),
    StatRow("3.4.2.", "Số hồ sơ nộp trực tuyến của các DVCTT một phần", "Hồ sơ", "partial_online"),
    StatRow("3.5.", "Tỷ lệ TTHC được tích hợp, triển khai thanh toán trực tuyến", "%"),
    StatRow(
        "3.5.1.",
        "Tổng số TTHC có yêu cầu nghĩa vụ tài chính (tất cả các TTHC có phát sinh phí, lệ phí,…)",
        "Thủ tục",
        "procedures_with_fees",
    ),
    StatRow(
        "3.5.2.",
        "Số TTHC đã được tích hợp, triển khai thanh toán trực tuyến trên Cổng DVC quốc gia",
        "Thủ tục",
    ),
)

STATISTICS_PATHS: list[tuple[str, ...]] = [
    ("Stt",),
    ("Chỉ tiêu thống kê\n(Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)",),
    ("Kết quả thống kê", "Đơn vị tính"),
    ("Kết quả thống kê", "Số liệu"),
    ("Ghi chú",),
]


@dataclass(frozen=True)
class Figure:
    value: Number
    note: str = ""


@dataclass(frozen=True)
class StatLine:
    """A row of Biểu VI as printed. ``ref`` is section-qualified (``II.3.1.1``): numbers repeat
    across sections."""

    ref: str
    number: str
    label: str
    unit: str
    value: Number
    note: str
    kind: RowKind

    @property
    def rate(self) -> bool:
        return self.unit == "%"


def statistics_lines(figures: dict[str, Figure]) -> list[StatLine]:
    """Biểu VI with the figures the system knows; the other items empty, to be typed in by hand."""
    lines: list[StatLine] = []
    section = ""
    for row in BIEU_VI:
        if row.kind is RowKind.SECTION:
            section = row.number
        ref = row.number if row.kind is RowKind.SECTION else f"{section}.{row.number.rstrip('.')}"
        value: Number = None
        note = ""
        if row.kind is RowKind.ITEM:
            figure = figures.get(row.key) if row.key else None
            if figure is None:
                note = MANUAL
            else:
                value, note = figure.value, figure.note
        lines.append(StatLine(ref, row.number, row.label, row.unit, value, note, row.kind))
    return lines


NOTHING_RESOLVED = "Không có hồ sơ giải quyết xong trong kỳ"
CATALOG_NOTE = "Danh mục TTHC đang hiệu lực của tỉnh lúc lập báo cáo"


def _resolution_figures(prefix: str, counts: Counts, who: str) -> dict[str, Figure]:
    on_time = counts.resolved_early + counts.resolved_on_time
    rate = ratio(on_time, counts.resolved)
    return {
        f"{prefix}_on_time_rate": Figure(
            rate,
            f"Hồ sơ {who}: (trước hạn + đúng hạn) / đã giải quyết" if rate is not None else NOTHING_RESOLVED,
        ),
        f"{prefix}_resolved": Figure(counts.resolved, f"Hồ sơ {who} giải quyết trong kỳ"),
        f"{prefix}_on_time": Figure(on_time, "Gồm giải quyết trước hạn và đúng hạn"),
    }


def _rate_figure(part: int, whole: int, note: str, empty: str) -> Figure:
    rate = ratio(part, whole)
    return Figure(rate, note if rate is not None else empty)


# ---------------------------------------------------------------------------------------------
# Queries


def statistics_figures(start: date, end: date, scope: ReportScope) -> dict[str, Figure]:
    """The Biểu VI figures the data holds (see the module docstring): the catalog's for the whole
    province, the dossiers' within ``scope`` and the period."""
    figures: dict[str, Figure] = {}

    in_force = Procedure.objects.filter(current_version__isnull=False)
    total = in_force.count()
    province = in_force.filter(current_version__at_province=True).count()
    commune = in_force.filter(current_version__at_commune=True).count()
    both = in_force.filter(current_version__at_province=True, current_version__at_commune=True).count()
    neither = in_force.filter(current_version__at_province=False, current_version__at_commune=False).count()
    details = []
    if both:
        details.append(f"{both} TTHC thực hiện ở cả cấp tỉnh và cấp xã")
    if neither:
        details.append(f"{neither} TTHC không ghi cấp tỉnh hoặc cấp xã")
    figures["procedures"] = Figure(total, "; ".join([CATALOG_NOTE, *details]))
    figures["procedures_province"] = Figure(province, CATALOG_NOTE)
    figures["procedures_commune"] = Figure(commune, CATALOG_NOTE)
    figures["procedures_boundary_free"] = Figure(
        in_force.filter(current_version__boundary_free=True).count(), CATALOG_NOTE
    )
    figures["services_full"] = Figure(
        in_force.filter(current_version__online_level=OnlineLevel.FULL).count(), CATALOG_NOTE
    )
    figures["procedures_with_fees"] = Figure(
        in_force.filter(current_version__options__fees__amount__gt=0).distinct().count(),
        f"{CATALOG_NOTE}; có khoản phí, lệ phí trên 0 đồng",
    )

    # II.3: resolved in the period, split by the handling agency's level.
    by_agency = summary(start, end, scope=scope, group_by=GroupBy.AGENCY)
    communes = set(
        Agency.objects.filter(pk__in=list(by_agency), level=Agency.Level.COMMUNE).values_list("pk", flat=True)
    )
    province_counts, commune_counts = Counts(), Counts()
    for key, counts in by_agency.items():
        (commune_counts if key in communes else province_counts).add(counts)
    figures.update(_resolution_figures("province", province_counts, "của cơ quan cấp tỉnh"))
    figures.update(_resolution_figures("commune", commune_counts, "của UBND cấp xã"))

    # III.3: dossiers received in the period, by the online level of the version they were filed under.
    received = Dossier.objects.filter(
        scope.q("handling_agency"),
        received_at__gte=start_of(start),
        received_at__lt=start_of(end + timedelta(days=1)),
    )
    online = Q(channel=Channel.ONLINE)
    levels = {
        row["version__online_level"]: (row["total"], row["online"])
        for row in received.values("version__online_level")
        .annotate(total=Count("pk"), online=Count("pk", filter=online))
        .order_by()
    }
    for level, prefix in ((OnlineLevel.FULL, "full"), (OnlineLevel.PARTIAL, "partial")):
        count, online_count = levels.get(level, (0, 0))
        note = f"Hồ sơ tiếp nhận trong kỳ của thủ tục có mức DVCTT {OnlineLevel(level).label.lower()}"
        figures[f"{prefix}_received"] = Figure(count, note)
        figures[f"{prefix}_online"] = Figure(online_count, f"{note}, nộp trực tuyến")
        figures[f"{prefix}_online_rate"] = _rate_figure(
            online_count, count, "Trực tuyến / tổng số", "Không có hồ sơ tiếp nhận trong kỳ"
        )
    services = received.filter(version__online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL])
    used = services.values("procedure_id").distinct().count()
    used_online = services.filter(online).values("procedure_id").distinct().count()
    service_note = "DVCTT (toàn trình, một phần) có hồ sơ tiếp nhận trong kỳ"
    figures["services_used"] = Figure(used, service_note)
    figures["services_used_online"] = Figure(used_online, f"{service_note} qua trực tuyến")
    figures["services_online_rate"] = _rate_figure(
        used_online, used, "Có hồ sơ trực tuyến / có hồ sơ", "Không có hồ sơ tiếp nhận trong kỳ"
    )
    return figures


def report_subject(user: User | AnonymousUser, agency_code: str | None) -> tuple[str, Agency | None]:
    """What the report covers, in words, and the agency whose name heads the PDF: the requested agency;
    else "Toàn tỉnh" under the provincial People's Committee for province-wide callers; else the
    agencies the caller works in."""
    agencies = Agency.objects.select_related("unit", "parent")
    if agency_code:
        agency = agencies.filter(code=agency_code.strip()).first()
        if agency is not None:
            return agency.name, agency
    scope = user_scope(user)
    if scope.everything or scope.province_ids:
        committees = agencies.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, level=Agency.Level.PROVINCE)
        if scope.province_ids:
            committees = committees.filter(province_id__in=scope.province_ids)
        return "Toàn tỉnh", committees.order_by("code").first()
    if not isinstance(user, User):
        return "", None
    own = list(
        agencies.filter(pk__in=scope.local_ids, memberships__user=user, memberships__is_active=True)
        .distinct()
        .order_by("level", "code")
    )
    return "; ".join(agency.name for agency in own), own[0] if own else None


# ---------------------------------------------------------------------------------------------
# The report, built once for both files


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    group_by: GroupBy
    scope_label: str
    issuer: Agency | None
    total: Counts
    rows: list[tuple[str, str, Counts]]
    statistics: list[StatLine]
    printed_at: datetime

    @property
    def period(self) -> str:
        return f"Kỳ báo cáo: từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def scope_line(self) -> str:
        return f"Phạm vi: {self.scope_label}"

    def filename(self, extension: str, agency_code: str | None = None) -> str:
        """ASCII only, e.g. ``bao-cao-tthc-2026-01-01-2026-03-31.xlsx``."""
        name = f"bao-cao-tthc-{self.start.isoformat()}-{self.end.isoformat()}"
        if agency_code:
            name += "-" + re.sub(r"[^A-Za-z0-9.]+", "-", agency_code.strip()).strip("-")
        return f"{name}.{extension}"

    def row_label(self, code: str, name: str) -> str:
        return f"{name} ({code})" if self.group_by is GroupBy.PROCEDURE and code and code != name else name


def report_build(
    *,
    user: User | AnonymousUser,
    agency_code: str | None,
    scope: ReportScope,
    start: date,
    end: date,
    group_by: GroupBy,
    total: Counts,
    rows: list[tuple[str, str, Counts]],
) -> Report:
    """The two tables for ``total`` and ``rows`` as ``summary_rows`` returned them."""
    label, issuer = report_subject(user, agency_code)
    return Report(
        start=start,
        end=end,
        group_by=group_by,
        scope_label=label or "Toàn tỉnh",
        issuer=issuer,
        total=total,
        rows=rows,
        statistics=statistics_lines(statistics_figures(start, end, scope)),
        printed_at=timezone.localtime(timezone.now(), VN_TZ),
    )


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
