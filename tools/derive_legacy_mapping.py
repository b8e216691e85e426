"""Derive old-commune → new-commune successors for Hưng Yên and Thái Bình (1 July 2025 merger).

Developer tool, run once; its output ``data/admin-units/legacy-successors-hung-yen-thai-binh.csv``
is committed. Source: ``vietnamadminunits/data/converter_2025.json`` of the PyPI package
vietnamadminunits 1.0.4 (MIT, same source and licence as the unit tables), matched to the unit
tables by normalised names.

    python tools/derive_legacy_mapping.py path/to/converter_2025.json
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kernel.text import fold

DATA = Path(__file__).resolve().parent.parent / "data" / "admin-units"


def key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


def main(converter_path: str) -> None:
    converter = json.loads(Path(converter_path).read_text())
    new_units = {
        key(row["ward"]): row["ward_code"]
        for row in csv.DictReader((DATA / "units-2025.csv").open(encoding="utf-8"))
        if row["province_code"] == "33"
    }
    legacy = {
        f"{key(r['province'])}_{key(r['district'])}_{key(r['ward'])}": r
        for r in csv.DictReader((DATA / "legacy-hung-yen-thai-binh.csv").open(encoding="utf-8"))
    }
    rows: list[dict[str, str]] = []
    undivided = converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhhungyen"]
    for new_key, old_keys in undivided.items():
        for old_key in old_keys:
            old = legacy[old_key]
            new_code = new_units[new_key]
            method = "seat" if old["ward_code"] == new_code else "merged"
            rows.append(
                {
                    "legacy_ward_code": old["ward_code"],
                    "successor_ward_code": new_code,
                    "method": method,
                    "is_default": "1",
                }
            )
    for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get("tinhhungyen", {}).items():
        old = legacy[old_key]
        for target in targets:
            rows.append(
                {
                    "legacy_ward_code": old["ward_code"],
                    "successor_ward_code": new_units[target["newWardKey"]],
                    "method": "split",
                    "is_default": "1" if target["isDefaultNewWard"] else "0",
                }
            )
    missing = {r["ward_code"] for r in legacy.values()} - {r["legacy_ward_code"] for r in rows}
    if missing:
        raise SystemExit(f"unmapped legacy communes: {sorted(missing)}")
    rows.sort(key=lambda r: (r["legacy_ward_code"], r["is_default"] != "1", r["successor_ward_code"]))
    out = DATA / "legacy-successors-hung-yen-thai-binh.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows for {len(legacy)} legacy communes → {out}")


if __name__ == "__main__":
    main(sys.argv[1])
