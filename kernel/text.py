"""Vietnamese text helpers: NFC normalisation on input, diacritic folding for search.

Pure functions, no Django. "giay phep" must find "Giấy phép" (STYLE: search folds diacritics).
"""

from __future__ import annotations

import re
import unicodedata


def nfc(value: str) -> str:
    """The NFC form of ``value`` with non-breaking spaces made plain and runs of space collapsed."""
    # Splitting on whitespace and joining collapses runs of \s and strips, as a regular expression
    # would (both take str.isspace's whitespace, the non-breaking space included), at a quarter of the
    # cost.
    return " ".join(unicodedata.normalize("NFC", value).split())


class _WithoutMarks(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks, filled in as characters are met (the
    table of every code point would be large; a text holds few distinct ones). Only the code points
    below U+3000 are kept — Latin, Vietnamese and the marks — so that no input grows it without end."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        if code < 0x3000:
            self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


# Đ/đ is a letter of its own, not a D with a combining mark: NFD does not decompose it, fold replaces it.
def fold(value: str) -> str:
    """Lower-case ASCII-ish form for search: no diacritics, đ → d, single spaces."""
    if not value.isascii():
        value = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "d"))
        value = value.translate(_WITHOUT_MARKS)
    return " ".join(value.lower().split())  # runs of space collapsed, as in nfc


def slugify_vi(value: str) -> str:
    """A URL slug from Vietnamese text: ``"Hộ tịch"`` → ``"ho-tich"``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")
