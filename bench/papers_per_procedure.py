"""Papers per procedure in the crawled detail pages, before and after notes were told from papers
(docs/adr/0025) — a script, not a test.

Usage::

    .venv/bin/python bench/papers_per_procedure.py data/procedures/national

"Before" counts every row of the papers table, as the importer stored them until ADR 0025 (each one a
paper with an upload box); "after" counts the rows read as papers. Also prints the rows the parser
could not decide (kept as papers or as notes, reported as ``assumed``), the papers with several
templates (before, all but the last were lost) and the papers whose templates could not all be split
off their names.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.parsing import ASSUMED, NOTE, UNPARSED, component_kind, parse_components, parse_detail
from catalog.parsing.records import _cross_check


def _figures(counts: list[int]) -> str:
    return (
        f"mean {statistics.mean(counts):.2f}, median {statistics.median(counts):g}, max {max(counts)}, "
        f"> 15 papers: {sum(1 for n in counts if n > 15)} procedures"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)

    before: list[int] = []
    after: list[int] = []
    uncertain_papers = uncertain_notes = notes = several = several_procedures = unsplit = 0
    for path in sorted(args.directory.rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        detail = parse_detail(record)
        raw = {key: value for key, value in record.items() if isinstance(value, str)}
        sections, _issues = _cross_check(raw, detail.code)
        table, _issues = parse_components(sections["thanh_phan_ho_so"])
        before.append(len(table))
        after.append(len(detail.components))
        for row in table:
            kind, certain = component_kind(row)
            notes += kind == NOTE
            if not certain:
                uncertain_notes += kind == NOTE
                uncertain_papers += kind != NOTE
        with_several = sum(1 for row in detail.components if len(row.forms) > 1)
        several += with_several
        several_procedures += with_several > 0
        unsplit += sum(
            1 for issue in detail.issues if issue.kind == UNPARSED and "tên tệp mẫu" in issue.reason
        )
        assert sum(1 for i in detail.issues if i.kind == ASSUMED and "Không chắc" in i.reason) <= len(table)

    print(f"{len(before)} detail pages")
    print(f"papers per procedure before (every table row): {_figures(before)}; {sum(before)} rows")
    print(f"papers per procedure after (papers only):     {_figures(after)}; {sum(after)} papers")
    print(f"rows read as notes (kept as text): {notes}")
    print(
        f"undecidable rows (reported, 'assumed'): {uncertain_papers + uncertain_notes} "
        f"— kept as papers {uncertain_papers}, as notes {uncertain_notes}"
    )
    print(f"papers with several templates, all kept: {several} in {several_procedures} procedures")
    print(f"papers whose templates could not all be split off the name (reported, 'unparsed'): {unsplit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
