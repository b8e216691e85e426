"""The two tables' layout, pure: the constants, the Biểu tổng hợp columns and their two-level headers, and
the rows of Biểu VI (seed 004 section VI) with the figures that fill them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reports.summary import Counts, GroupBy, ratio

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
