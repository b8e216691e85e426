"""The hash chain of a dossier's history (issue 11, ADR 0009): pure functions, no Django.

Each event's hash covers its content and the hash of the event before it in the same dossier:
``hash = sha256(prev_hash + canonical(event))``. Change one event and its hash no longer recomputes;
delete or insert one and the next event's ``prev_hash`` no longer matches. The content of a result
issued for the dossier is in the chain through its file's SHA-256, which the ``issue_result`` event
carries in ``data``. The daily anchor (``day_root``) is signed with the system's certificate, so a
chain rewritten from scratch by someone who can write the database still disagrees with the anchors.

The canonical form is versioned (``CANONICAL_VERSION``); changing it means a new version and a
re-anchoring, never a silent change (old anchors would all fail).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

CANONICAL_VERSION = "motcua-event-v1"
GENESIS = "0" * 64  # the prev_hash of a dossier's first event
ANCHOR_VERSION = "motcua-anchor-v1"

# The fields of an event the hash covers, in this order (DossierEvent column names).
FIELDS = (
    "dossier_id",
    "seq",
    "action",
    "at",
    "recorded_at",
    "actor_id",
    "actor_name",
    "actor_agency_id",
    "from_status",
    "to_status",
    "reason",
    "due_before",
    "due_after",
    "appointment_before",
    "appointment_after",
    "data",
)


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a dossier event")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {unicodedata.normalize("NFC", str(k)): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes an event's hash covers: a JSON array of ``FIELDS`` (UTC ISO instants with
    microseconds, NFC text, the payload with sorted keys), prefixed by the format version."""
    values = [CANONICAL_VERSION, *(_value(content[name]) for name in FIELDS)]
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(content)).hexdigest()


class DayRoot:
    """The root of one day's anchor, fed event hashes one by one (streaming: a day of a million events
    takes no memory). The order is the caller's to keep stable: by dossier, then sequence number."""

    def __init__(self, day: date) -> None:
        self._digest = hashlib.sha256(f"{ANCHOR_VERSION}\n{day.isoformat()}\n".encode())
        self.count = 0

    def add(self, event_hash_hex: str) -> None:
        self._digest.update(event_hash_hex.encode("ascii") + b"\n")
        self.count += 1

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def day_root(day: date, hashes: Iterable[str]) -> tuple[str, int]:
    """The root hash and the count of ``hashes`` (the day's event hashes in a stable order)."""
    root = DayRoot(day)
    for value in hashes:
        root.add(value)
    return root.hexdigest(), root.count


def anchor_message(day: date, root: str, count: int) -> bytes:
    """What the anchor's signature covers: the day, its root hash and its number of events."""
    return f"{ANCHOR_VERSION}\n{day.isoformat()}\n{root}\n{count}\n".encode()
