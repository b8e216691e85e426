"""How a procedure's name answers a citizen's query: the words compared, the match tiers, and the
``LIKE`` patterns that compute the same tiers in the database (issue 14 §6, docs/adr/0024).

Pure, no Django. Names and queries are folded (kernel.text: no diacritics, đ → d, lower case) and cut
into words of letters and digits; punctuation separates words. A *key* is the words of a text, each
between two spaces (``"  dang  ky  khai  sinh  "`` is written ``" dang  ky  khai  sinh "``), so that a
``LIKE`` pattern can ask for a whole word (``"% ky %"``), for words that follow each other
(``"% dang  ky %"``) or for words in order with others between them (``"% dang % sinh %"``) — the
spaces of one word never serve the next.

The tiers, best first (``rank``; the selector computes the same with the patterns):

0. the name is the query (after a leading "Thủ tục", which 600 national names carry and no citizen
   types);
1. the name starts with the query's words, one after the other;
2. the name starts with the query's first words and holds the rest of it, two words or more, one
   after the other later on ("dang ky ho kinh doanh" → "Đăng ký [thành lập] hộ kinh doanh", "cap lai
   can cuoc" → "Cấp lại [thẻ] căn cước"): a national name starts with what the procedure does, so a
   name that starts with the query's verb is about it. The rest must be two words at least: one
   folded syllable alone is too common ("khai tu" is not "Khai … thu nhập từ …");
3. the query's words stand one after the other elsewhere in the name ("Dừng thực hiện thủ tục đăng
   ký hộ kinh doanh");
4. the name holds every word in the query's order, with other words between;
5. the name holds every word, in another order;
6. anything else the search found (a word only as the start of a longer word, or only in the field's
   name or the code: what is typed is still being typed, "dang ky khai s").

Tiers compare whole words; the search itself finds a procedure when each word of the query starts a
word of its code, name or field (``matches``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kernel.text import fold

_WORD = re.compile(r"[a-z0-9]+")
# Six hundred national names begin "Thủ tục …" ("Thủ tục đăng ký khai sinh"): a word citizens leave
# out, which would otherwise push those names below every name that starts with the query itself.
_GENERIC_START = ("thu", "tuc")
TIERS = 7
PARTIAL = TIERS - 1


def words(text: str) -> list[str]:
    """The folded words of ``text``: letters and digits, punctuation dropped."""
    return _WORD.findall(fold(text))


def _without_generic_start(found: list[str]) -> list[str]:
    if tuple(found[: len(_GENERIC_START)]) == _GENERIC_START and len(found) > len(_GENERIC_START):
        return found[len(_GENERIC_START) :]
    return found


def key(found: list[str]) -> str:
    """The words each between two spaces: ``["dang", "ky"]`` → ``" dang  ky "``."""
    return "".join(f" {w} " for w in found)


def name_key(name: str) -> str:
    """What the tiers compare of a procedure's name: its words, a leading "Thủ tục" left out."""
    return key(_without_generic_start(words(name)))


def query_words(query: str) -> list[str]:
    """The words of a query, a leading "thủ tục" left out as from the names."""
    return _without_generic_start(words(query))


@dataclass(frozen=True)
class Patterns:
    """The ``LIKE`` patterns of tiers 0–5 for one query (a pattern's only wildcard is ``%``: the words
    hold letters and digits alone, nothing to escape)."""

    exact: str
    starts: str
    head: tuple[str, ...]
    phrase: str
    in_order: str
    each: tuple[str, ...]


def patterns(query: list[str]) -> Patterns:
    """The patterns of the tiers for the query's words (at least one)."""
    assert query, "a query of no words has no tiers"
    phrase = key(query)
    in_order = "%".join(f" {w} " for w in query)
    # Each way to cut the query into a start of one word or more and a rest of two words or more.
    head = tuple(f"{key(query[:cut])}%{key(query[cut:])}%" for cut in range(1, len(query) - 1))
    return Patterns(
        exact=phrase,
        starts=f"{phrase}%",
        head=head,
        phrase=f"%{phrase}%",
        in_order=f"%{in_order}%",
        each=tuple(f"% {w} %" for w in query),
    )


def like(value: str, pattern: str) -> bool:
    """SQL ``LIKE`` with ``%`` as its only wildcard (the patterns above), in Python."""
    parts = [re.escape(p) for p in pattern.split("%")]
    return re.fullmatch(".*".join(parts), value, flags=re.DOTALL) is not None


def rank(name: str, query: list[str]) -> int:
    """The tier of a name's key for the query's words (0 best, ``PARTIAL`` when none of 0–5 holds)."""
    found = patterns(query)
    if name == found.exact:
        return 0
    if like(name, found.starts):
        return 1
    if any(like(name, p) for p in found.head):
        return 2
    if like(name, found.phrase):
        return 3
    if like(name, found.in_order):
        return 4
    if all(like(name, p) for p in found.each):
        return 5
    return PARTIAL


def matches(search_key: str, query: list[str]) -> bool:
    """Whether the search finds a procedure: every query word starts a word of its code, name or
    field (the same condition as PostgreSQL's ``to_tsquery('simple', 'w1:* & w2:*')`` on that text)."""
    return all(f" {w}" in search_key for w in query)


def tsquery(query: list[str]) -> str:
    """The PostgreSQL text search query of ``matches``: each word as a prefix, all of them."""
    return " & ".join(f"{w}:*" for w in query)
