"""An agency's letterhead and the place-and-date line of the papers it issues (NĐ 30/2020/NĐ-CP
Phụ lục I): the superior body over the issuing agency, then the agency, in capitals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kernel.formatting import format_date
from organization.models import AdministrativeUnit, Agency


def place_name(unit: AdministrativeUnit) -> str:
    """The place of the date line: the commune's name, or the province's without "Tỉnh"."""
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        for prefix in ("Tỉnh ", "Thành phố "):
            if unit.name.startswith(prefix):
                return unit.name.removeprefix(prefix)
    return unit.name


def place_date_line(agency: Agency, at: datetime) -> str:
    """``Phường Phố Hiến, ngày 02 tháng 3 năm 2026``."""
    return f"{place_name(agency.unit)}, {format_date(at)}"


def _abbreviate(name: str) -> str:
    return name.replace("Ủy ban nhân dân", "UBND").replace("Uỷ ban nhân dân", "UBND")


def agency_header_lines(agency: Agency) -> list[str]:
    """The issuing agency's name block, in capitals: the superior body over the agency, e.g.
    ``UBND PHƯỜNG PHỐ HIẾN`` / ``TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG`` (NĐ 30/2020 Phụ lục I).
    A People's Committee stands alone. The place name is not repeated under a superior line that
    already carries it."""
    if agency.kind == Agency.Kind.PEOPLES_COMMITTEE or agency.parent is None:
        return [agency.name.upper()]
    superior = _abbreviate(agency.parent.name)
    own = agency.name
    for suffix in (agency.unit.name, place_name(agency.unit)):
        if own.casefold().endswith(" " + suffix.casefold()) and suffix.casefold() in superior.casefold():
            own = own[: -len(suffix)].rstrip()
            break
    return [superior.upper(), own.upper()]


def header_blocks(agency: Agency) -> list[dict[str, Any]]:
    """The name block as printed: the superior body in regular type, the issuing agency in bold.
    "ỦY BAN NHÂN DÂN" goes on a line of its own, as in the models of NĐ 30/2020 (an A5 column is
    narrow)."""
    lines = agency_header_lines(agency)
    blocks = []
    for i, line in enumerate(lines):
        head, _, rest = line.partition("ỦY BAN NHÂN DÂN ")
        parts = ["ỦY BAN NHÂN DÂN", rest] if not head and rest else [line]
        blocks.append({"parts": parts, "bold": i == len(lines) - 1})
    return blocks
