"""Load the administrative units from the shipped CSV files (idempotent: re-running updates)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from kernel.text import fold, nfc
from organization.models import AdministrativeUnit, LegacyUnit

ADMIN_UNITS_DIR = Path(settings.BASE_DIR) / "data" / "admin-units"
PROVINCE_KINDS = {"Tỉnh", "Thành phố"}


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _province_kind(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


@dataclass
class UnitLoadResult:
    provinces: int = 0
    communes: int = 0
    legacy: int = 0
    legacy_mapped: int = 0


@transaction.atomic
def load_units(directory: Path = ADMIN_UNITS_DIR) -> UnitLoadResult:
    """Provinces and communes in force since 1 July 2025, then the legacy communes of Hưng Yên and
    Thái Bình with their successors."""
    result = UnitLoadResult()
    rows = list(csv.DictReader((directory / "units-2025.csv").open(encoding="utf-8")))
    provinces: dict[str, str] = {}
    for row in rows:
        provinces.setdefault(row["province_code"], nfc(row["province"]))
    AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                code=code,
                name=name,
                kind=_province_kind(name),
                name_folded=fold(name),
                level=AdministrativeUnit.Level.PROVINCE,
            )
            for code, name in provinces.items()
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind", "name_folded", "level"],
    )
    province_ids = dict(AdministrativeUnit.objects.filter(code__in=provinces).values_list("code", "pk"))
    AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                code=row["ward_code"],
                name=nfc(row["ward"]),
                kind=nfc(row["ward_type"]),
                name_folded=fold(row["ward"]),
                level=AdministrativeUnit.Level.COMMUNE,
                parent_id=province_ids[row["province_code"]],
                latitude=_decimal(row["ward_lat"]),
                longitude=_decimal(row["ward_lon"]),
                area_km2=_decimal(row["ward_area_km2"]),
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind", "name_folded", "level", "parent", "latitude", "longitude", "area_km2"],
        batch_size=500,
    )
    result.provinces, result.communes = len(provinces), len(rows)

    legacy_rows = list(csv.DictReader((directory / "legacy-hung-yen-thai-binh.csv").open(encoding="utf-8")))
    LegacyUnit.objects.bulk_create(
        [
            LegacyUnit(
                code=row["ward_code"],
                name=nfc(row["ward"]),
                kind=nfc(row["ward_type"]),
                district_code=row["district_code"],
                district_name=nfc(row["district"]),
                province_code=row["province_code"],
                province_name=nfc(row["province"]),
            )
            for row in legacy_rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind", "district_code", "district_name", "province_code", "province_name"],
    )
    result.legacy = len(legacy_rows)
    successors_file = directory / "legacy-successors-hung-yen-thai-binh.csv"
    legacy_by_code = {u.code: u for u in LegacyUnit.objects.all()}
    unit_ids = dict(AdministrativeUnit.objects.filter(level="commune").values_list("code", "pk"))
    if successors_file.exists():
        others: dict[str, list[int]] = {}
        for row in csv.DictReader(successors_file.open(encoding="utf-8")):
            legacy = legacy_by_code.get(row["legacy_ward_code"])
            target = unit_ids.get(row["successor_ward_code"])
            if legacy is None or target is None:
                continue
            if row["is_default"] == "1":
                legacy.successor_id = target
                legacy.mapping = row["method"]
            else:
                others.setdefault(legacy.code, []).append(target)
        LegacyUnit.objects.bulk_update(list(legacy_by_code.values()), ["successor", "mapping"])
        for code, targets in others.items():
            legacy_by_code[code].other_successors.set(targets)
    else:
        # Without the mapping file, only a new commune that kept an old commune's code is certain.
        for legacy in legacy_by_code.values():
            if legacy.code in unit_ids:
                legacy.successor_id = unit_ids[legacy.code]
                legacy.mapping = "seat"
        LegacyUnit.objects.bulk_update(list(legacy_by_code.values()), ["successor", "mapping"])
    result.legacy_mapped = sum(1 for u in legacy_by_code.values() if u.successor_id)
    return result


def legacy_successor(code: str) -> AdministrativeUnit | None:
    """The commune an old (pre-2025) commune became, for migrating old addresses; None if unknown."""
    legacy = LegacyUnit.objects.select_related("successor").filter(code=code).first()
    return legacy.successor if legacy else None
