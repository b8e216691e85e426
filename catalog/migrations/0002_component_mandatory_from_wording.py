"""Imported components worded as conditional, or asking for no paper, become optional.

Until now the importer stored every line of "Thành phần hồ sơ" as mandatory. This applies the rule
the importer now uses (``catalog.parsing.component_is_mandatory``) to the rows of imported versions
that are still mandatory: a flag an administrator cleared stays cleared, and no optional row becomes
mandatory. The rule is copied here, frozen, because a migration must not follow later changes of
the app's code.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import migrations

IMPORTED_SOURCES = ("national_portal", "national_list")
BATCH = 500

_SPACES_RE = re.compile(r"\s+")
_LIST_MARKER_RE = re.compile(r"\A(?:[\s\-–•*+.:;!()]|(?:[a-zđ]|[ivx]+|\d+(?:\.\d+)*)[).!](?=\s))*")
_CONDITIONAL_OPENING_RE = re.compile(
    r"(?:(?:trong )?trường hợp|(?:riêng )?đối với|nếu|khi|(?:tùy|tuỳ) (?:từng )?trường hợp)(?!\w)"
)
_NOTE_OPENING_RE = re.compile(r"lưu ý(?!\w)")
_IF_ANY_RE = re.compile(r"(?<!\w)nếu có(?!\w)")
_IF_ANY_END_RE = re.compile(r"(?<!\w)nếu có\s*\)?$")
_CONTENTS_RE = re.compile(r"(?<!\w)gồm(?!\w)")


def component_is_mandatory(name: str, originals: int | None, copies: int | None) -> bool:
    """Frozen copy of ``catalog.parsing.component_is_mandatory`` as of this migration: optional when
    no original and no copy is asked for, when the name opens with a condition ("Trường hợp",
    "Trong trường hợp", "(Riêng) đối với", "Nếu", "Khi", "Tùy (từng) trường hợp") or "Lưu ý", or
    when its first clause ends with a single "(nếu có)" that does not close a list of contents."""
    if (originals or 0) + (copies or 0) == 0:
        return False
    text = _SPACES_RE.sub(" ", unicodedata.normalize("NFC", name).replace("\xa0", " ")).strip().lower()
    head = _LIST_MARKER_RE.sub("", text, count=1)
    if _CONDITIONAL_OPENING_RE.match(head) or _NOTE_OPENING_RE.match(head):
        return False
    clause = re.split(r"[:;]", head, maxsplit=1)[0].rstrip(" .,")
    if _IF_ANY_END_RE.search(clause) and len(_IF_ANY_RE.findall(clause)) == 1:
        return _CONTENTS_RE.search(clause) is not None
    return True


def mark_conditional_components_optional(apps: Any, schema_editor: Any) -> None:
    ComponentRequirement = apps.get_model("catalog", "ComponentRequirement")
    rows = ComponentRequirement.objects.filter(
        mandatory=True, version__source__in=IMPORTED_SOURCES
    ).values_list("pk", "name", "originals", "copies")
    optional = [
        pk
        for pk, name, originals, copies in rows.iterator()
        if not component_is_mandatory(name, originals, copies)
    ]
    for start in range(0, len(optional), BATCH):
        ComponentRequirement.objects.filter(pk__in=optional[start : start + BATCH]).update(mandatory=False)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(mark_conditional_components_optional, migrations.RunPython.noop),
    ]
