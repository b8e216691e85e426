"""Which text the system accepts from outside: well-formed UTF-8 without control characters.

Pure functions, no Django; ``motcua.middleware.InputBoundaryMiddleware`` applies them to every request
(path, query string, form fields, JSON bodies, the headers the code reads) before any view, form, query
or service sees the text.

Why refuse rather than clean: PostgreSQL cannot store NUL ("text fields cannot contain NUL (0x00)
bytes"), so a NUL anywhere in a search, a code or a name used to end in a server error; the other C0/C1
control characters have no place in a name, a code or a search either, and silently dropping them would
change what the person sent (a code that differs from the one they typed). Invalid UTF-8 is refused for
the same reason instead of being replaced by U+FFFD as Django does, and so are lone surrogates (a JSON
``"\\ud800"`` escape), which no database or file can store.

Tab, line feed and carriage return are text in a body or a query string (a textarea's reason, a JSON
note — and a form preview sends what is typed in a textarea by GET); in a path and in a name (of a
parameter, a field, a JSON key, a header's value) they are not.
"""

from __future__ import annotations

import json
import math
import re
from typing import Final, Literal
from urllib.parse import unquote_to_bytes

Where = Literal["path", "query", "body"]

# C0 controls, DEL, C1 controls and the surrogate range; each context then allows a few C0 back.
_FORBIDDEN: Final[dict[Where, re.Pattern[str]]] = {
    "path": re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]"),
    "query": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"),
    "body": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]"),
}
# Deeper than any body the API takes (an e-form's repeating group is 3 or 4 levels); a bound keeps
# parsing and storing (JSON columns) clear of Python's recursion limit.
MAX_JSON_DEPTH: Final = 32
# Field names shown back to the sender are cut to this length.
_NAME_LENGTH: Final = 80

Problem = Literal["control", "surrogate", "encoding", "json_depth", "json_number"]


class BadText(Exception):
    """``field`` (a parameter, form field or JSON path, shown escaped) holds text the system refuses.

    ``char`` is the offending code point for ``control`` and ``surrogate`` problems.
    """

    def __init__(self, field: str, problem: Problem, char: int | None = None) -> None:
        super().__init__(field, problem, char)
        self.field = field
        self.problem = problem
        self.char = char


def first_forbidden(text: str, where: Where) -> BadText | None:
    """The first character of ``text`` not allowed ``where``, as a ``BadText`` without a field name."""
    match = _FORBIDDEN[where].search(text)
    if match is None:
        return None
    code = ord(match.group())
    return BadText("", "surrogate" if 0xD800 <= code <= 0xDFFF else "control", code)


def visible(name: str) -> str:
    """``name`` with every forbidden character written as an escape (``q\\x00``), cut to a sane length:
    safe to show in a page or a JSON answer."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    shown = _FORBIDDEN["path"].sub(escape, name)
    return shown if len(shown) <= _NAME_LENGTH else shown[: _NAME_LENGTH - 1] + "…"


def check_text(text: str, where: Where, field: str) -> None:
    """Raise ``BadText`` naming ``field`` if ``text`` holds a character not allowed ``where``."""
    bad = first_forbidden(text, where)
    if bad is not None:
        raise BadText(visible(field), bad.problem, bad.char)


def decode_utf8(raw: bytes, field: str) -> str:
    """``raw`` as UTF-8, strictly: invalid sequences (and encoded surrogates) raise ``BadText``."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadText(visible(field), "encoding") from None


def form_pairs(raw: bytes, where: Where) -> list[tuple[str, str]]:
    """The (name, value) pairs of a query string or an url-encoded body, decoded strictly and checked.

    Decodes from the bytes themselves: Django's own parser replaces invalid UTF-8 with U+FFFD, after
    which the damage can no longer be told from a real U+FFFD.
    """
    pairs: list[tuple[str, str]] = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name_raw, _, value_raw = part.partition(b"=")
        name = decode_utf8(unquote_to_bytes(name_raw.replace(b"+", b" ")), where)
        check_text(name, "path", name)  # a name is never more than a word
        value = decode_utf8(unquote_to_bytes(value_raw.replace(b"+", b" ")), name)
        check_text(value, where, name)
        pairs.append((name, value))
    return pairs


def _refuse_constant(name: str) -> float:
    raise BadText("", "json_number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise BadText("", "json_number")
    return value


def parse_json(text: str) -> object:
    """``text`` parsed as strict JSON (no NaN or Infinity: no JSON column can store them).

    Raises ``ValueError`` when it is not JSON at all (the API answers that itself, as before) and
    ``BadText`` for a number JSON does not have or a nesting deeper than ``MAX_JSON_DEPTH``.
    """
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise BadText("body", "json_depth") from None
    except BadText as exc:
        raise BadText("body", exc.problem) from None
    return value


def _json_path(path: str, key: str | int) -> str:
    # The API names fields the same way in its validation errors: dots, list indexes as numbers.
    return f"{path}.{key}" if path else str(key)


def check_json(value: object) -> None:
    """Every key and string of a parsed JSON body, at any depth (walked without recursion):
    ``BadText`` names the first bad one, or the first place nested deeper than ``MAX_JSON_DEPTH``."""
    stack: list[tuple[str, int, object]] = [("", 0, value)]
    while stack:
        path, depth, item = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadText(visible(path), "json_depth")
        if isinstance(item, dict):
            for key in item:
                bad = first_forbidden(str(key), "path")
                if bad is not None:
                    raise BadText(visible(_json_path(path, str(key))), bad.problem, bad.char)
            # Reversed onto the stack: the first bad value in document order is the one named.
            stack.extend((_json_path(path, k), depth + 1, v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((_json_path(path, i), depth + 1, v) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, str):
            check_text(item, "body", path or "body")
