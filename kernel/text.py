"""Vietnamese text helpers: NFC normalisation on input, diacritic folding for search.

Pure functions, no Django. "giay phep" must find "Giấy phép" (STYLE: search folds diacritics).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Đ/đ is a letter of its own, not a D with a combining mark: NFD does not decompose it.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value: str) -> str:
    """The NFC form of ``value`` with non-breaking spaces made plain and runs of space collapsed."""
    value = unicodedata.normalize("NFC", value).replace("\xa0", " ")
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """Lower-case ASCII-ish form for search: no diacritics, đ → d, single spaces."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def slugify_vi(value: str) -> str:
    """A URL slug from Vietnamese text: ``"Hộ tịch"`` → ``"ho-tich"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
