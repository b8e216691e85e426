"""Loads a methodology of the service index from its data file (``serviceindex/data/*.json``).

Idempotent: a methodology is identified by its ``effective_from`` date; loading again updates its
texts and indicators from the file. Called from a data migration with the historical models, so it
takes the model classes as arguments.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
QD_766 = DATA_DIR / "qd766.json"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read(path: Path = QD_766) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    total = sum(Decimal(str(g["points"])) for g in data["groups"])
    for group in data["groups"]:
        inner = sum(Decimal(str(i["points"])) for i in group["indicators"])
        if inner != Decimal(str(group["points"])):
            raise ValueError(f"{path.name}: {group['code']} indicators sum to {inner}, not {group['points']}")
    if total != 100:
        raise ValueError(f"{path.name}: groups sum to {total}, not 100")
    return data


def load(methodology_model: Any, indicator_model: Any, path: Path = QD_766) -> Any:
    """Create or update the methodology of ``path`` with all its indicators; returns it."""
    data = read(path)
    methodology, _created = methodology_model.objects.update_or_create(
        effective_from=date.fromisoformat(data["effective_from"]),
        defaults={
            "name": _nfc(data["name"]),
            "legal_basis": _nfc(data["legal_basis"]),
            "note": _nfc(data.get("note", "")),
        },
    )
    codes: list[str] = []
    position = 0
    for group in data["groups"]:
        for item in group["indicators"]:
            position += 1
            codes.append(item["code"])
            indicator_model.objects.update_or_create(
                methodology=methodology,
                code=item["code"],
                defaults={
                    "group_code": group["code"],
                    "group_name": _nfc(group["name"]),
                    "group_points": Decimal(str(group["points"])),
                    "name": _nfc(item["name"]),
                    "points": Decimal(str(item["points"])),
                    "target": Decimal(str(item["target"])),
                    "measure": item["measure"],
                    "position": position,
                    "note": _nfc(item.get("note", "")),
                },
            )
    indicator_model.objects.filter(methodology=methodology).exclude(code__in=codes).delete()
    return methodology
