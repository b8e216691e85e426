"""Parse-rate report for crawled detail files (a script, not a test).

Usage::

    .venv/bin/python bench/parse_rate.py data/procedures/national [--top 8] [--examples 0]

Prints how many records parse fully, per field and overall, the issue kinds and the most frequent
issue reasons (with the quoted values «…» blanked so that similar reasons group together).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.parsing import ISSUE_KINDS, MISSING, ParsedDetail, ParseIssue, parse_detail

FIELDS: tuple[str, ...] = (
    "code",
    "raw_text",
    "name",
    "field",
    "levels",
    "steps",
    "requirements",
    "implementing_agency",
    "channels",
    "components",
    "results",
    "legal_basis",
)


def field_group(issue: ParseIssue) -> str:
    return re.split(r"[\[.]", issue.field, maxsplit=1)[0]


def reason_key(issue: ParseIssue) -> str:
    reason = re.sub(r"«[^»]*»", "«…»", issue.reason)
    reason = re.sub(r"\d[\d.,]*", "N", reason)
    return f"[{issue.kind}] {reason}"


def pct(n: int, total: int) -> str:
    return f"{n:5d} / {total} ({100 * n / total:5.1f}%)" if total else f"{n} / 0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--top", type=int, default=8, help="reasons shown per field")
    parser.add_argument("--examples", type=int, default=0, help="example codes shown per reason")
    args = parser.parse_args(argv)

    files = sorted(args.directory.rglob("*.json"))
    if not files:
        print(f"no JSON files under {args.directory}", file=sys.stderr)
        return 1
    details: list[ParsedDetail] = []
    rejected: list[tuple[Path, str]] = []
    for path in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            details.append(parse_detail(record))
        except (ValueError, json.JSONDecodeError) as exc:
            rejected.append((path, str(exc)))

    total = len(files)
    print(f"Files: {total}   parsed: {len(details)}   rejected (ValueError/JSON): {len(rejected)}")
    for path, why in rejected[:10]:
        print(f"    {path}: {why}")

    full = sum(d.fully_parsed for d in details)
    not_missing = sum(all(i.kind == MISSING for i in d.issues) for d in details)
    print()
    print(f"Fully parsed (no issue at all):             {pct(full, total)}")
    print(f"Parsed except for missing source data only: {pct(not_missing, total)}")

    by_field: dict[str, Counter[str]] = defaultdict(Counter)
    kind_records: Counter[str] = Counter()
    kind_issues: Counter[str] = Counter()
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    field_bad: Counter[str] = Counter()
    field_bad_not_missing: Counter[str] = Counter()
    for detail in details:
        groups: set[str] = set()
        groups_not_missing: set[str] = set()
        for issue in detail.issues:
            group = field_group(issue)
            key = reason_key(issue)
            by_field[group][key] += 1
            kind_issues[issue.kind] += 1
            groups.add(group)
            if issue.kind != MISSING:
                groups_not_missing.add(group)
            if len(examples[(group, key)]) < args.examples and detail.code not in examples[(group, key)]:
                examples[(group, key)].append(detail.code)
        for kind in {i.kind for i in detail.issues}:
            kind_records[kind] += 1
        field_bad.update(groups)
        field_bad_not_missing.update(groups_not_missing)

    print()
    print("Per field: records with no issue in the field (and ignoring 'missing' issues)")
    for name in FIELDS + tuple(sorted(set(field_bad) - set(FIELDS))):
        ok = len(details) - field_bad[name]
        ok2 = len(details) - field_bad_not_missing[name]
        print(f"  {name:20s} {pct(ok, total)}   {pct(ok2, total)}")

    rows = Counter[str]()
    for detail in details:
        rows["channels"] += len(detail.channels)
        rows["components"] += len(detail.components)
        rows["results"] += len(detail.results)
        rows["legal_basis"] += len(detail.legal_basis)
    print()
    print("Rows parsed: " + ", ".join(f"{k} {v}" for k, v in rows.items()))

    print()
    print("Issue kinds: records affected / issues")
    for kind in ISSUE_KINDS:
        print(f"  {kind:13s} {kind_records[kind]:5d} / {kind_issues[kind]}")

    print()
    print(f"Top reasons per field (issue counts; up to {args.top})")
    for name in sorted(by_field, key=lambda n: -sum(by_field[n].values())):
        counter = by_field[name]
        print(f"  {name}: {sum(counter.values())} issues")
        for key, count in counter.most_common(args.top):
            sample = examples.get((name, key))
            suffix = f"   e.g. {', '.join(sample)}" if sample else ""
            print(f"    {count:6d}  {key}{suffix}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
