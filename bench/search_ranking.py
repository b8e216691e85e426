"""The procedure search's ranking and speed on a database holding the shipped catalog (issue 14 §6,
docs/adr/0024).

For each of the 30 queries of ``testing/search_queries.py``: where the procedure meant stood before
this ranking (the search of f3dce01, recomputed here: every word a substring of the folded code, name
and field; the exact code, then the query as one substring, then the code) and where it stands now
(``procedure_search``, with whatever ``filed_count`` the database holds). Then the time of the first
page (20 results) of each query, ``--repeat`` times, median and 95th percentile.

    DATABASE_URL=postgres://… .venv/bin/python bench/search_ranking.py [--repeat 20]

The database needs the catalog imported and published (``manage.py load_demo`` does both).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from catalog.models import Procedure  # noqa: E402
from catalog.selectors import CatalogFilters, procedure_search  # noqa: E402
from kernel.text import fold  # noqa: E402
from testing.search_queries import QUERIES  # noqa: E402

PAGE = 20


def old_order(q: str, shown: list[tuple[str, str]]) -> list[str]:
    """The ranking before: (code, folded code + name + field) of the procedures in force."""
    text = q.strip()
    words = fold(text).split()
    phrase = fold(text)
    found = [(code, hay) for code, hay in shown if all(w in hay for w in words)]
    return [code for code, hay in sorted(found, key=lambda r: (r[0] != text, phrase not in r[1], r[0]))]


def position(codes: list[str], code: str) -> str:
    return str(codes.index(code) + 1) if code in codes else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    in_force = Procedure.objects.filter(current_version__isnull=False).select_related(
        "current_version__field"
    )
    shown = [
        (
            p.code,
            fold(
                " ".join(
                    [
                        p.code,
                        p.current_version.name,
                        p.current_version.field.name if p.current_version.field else "",
                    ]
                )
            ),
        )
        for p in in_force
        if p.current_version is not None
    ]
    filed = Procedure.objects.filter(filed_count__gt=0).count()
    print(
        f"{connection.vendor}: {len(shown)} procedures in force, {filed} with dossiers in the last "
        f"12 months (filed_count)"
    )
    print(f"{'query':40} {'expected':9} {'before':>6} {'now':>4}")
    firsts_before = firsts_now = 0
    for q, code, _ in QUERIES:
        before = position(old_order(q, shown), code)
        now_codes = list(procedure_search(CatalogFilters(q=q)).values_list("code", flat=True))
        now = position(now_codes, code)
        firsts_before += before == "1"
        firsts_now += now == "1"
        print(f"{q:40} {code:9} {before:>6} {now:>4}")
    print(f"first result right: before {firsts_before}/{len(QUERIES)}, now {firsts_now}/{len(QUERIES)}")

    timings: list[float] = []
    for q, _, _ in QUERIES:
        list(procedure_search(CatalogFilters(q=q))[:PAGE])  # warm
        for _ in range(args.repeat):
            started = time.perf_counter()
            list(procedure_search(CatalogFilters(q=q))[:PAGE])
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"first page ({PAGE}) of each query, {len(timings)} searches: median "
        f"{statistics.median(timings):.1f} ms, 95th percentile {p95:.1f} ms, slowest {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
