"""Counting the SQL of one request (issue 12 §7): the scenarios that reach every dossier action through
the API, and a report of the statements each request ran, grouped by their shape.

Used by ``test_query_budgets.py`` (the budgets) and, to look at the statements themselves::

    QUERY_REPORT=1 .venv/bin/python -m pytest dossiers/tests/test_query_budgets.py -q -s
    QUERY_REPORT=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_x .venv/bin/python -m pytest \\
        dossiers/tests/test_query_budgets.py -q -s

Every statement the connection sends counts, as pytest-django's ``django_assert_max_num_queries``
counts them: SAVEPOINT and RELEASE SAVEPOINT included (the test's own transaction is around the
request, so each ``atomic`` of the request is a savepoint here — in production the outermost is a
BEGIN, which Django does not log: one statement less than counted here).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

REPORT = bool(os.environ.get("QUERY_REPORT"))


@dataclass
class Measured:
    label: str
    status: int
    sql: list[str]

    @property
    def count(self) -> int:
        return len(self.sql)


def shape(sql: str) -> str:
    """A statement with its values left out, so that the same query with other values groups together."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?, )+\?\)", "(…)", sql)
    sql = re.sub(r'"s\w+_x\d+"', "sp", sql)  # savepoint names
    sql = re.sub(r"\bs\d+_x\d+\b", "sp", sql)
    return sql if len(sql) <= 220 else sql[:217] + "…"


@dataclass
class Recorder:
    """Runs requests and keeps the statements of each."""

    measured: list[Measured] = field(default_factory=list)

    def call(self, label: str, send: Callable[[], tuple[int, Any]], expect: int = 200) -> Any:
        # Django asks SQLite once per connection whether it has JSON functions (a SAVEPOINT, a
        # ``SELECT JSON(...)`` and a RELEASE): asked here, not charged to the first request that reads
        # JSON (kernel.jsonrows).
        connection.features.supports_json_field  # noqa: B018
        with CaptureQueriesContext(connection) as captured:
            status, body = send()
        assert status == expect, (label, status, body)
        self.measured.append(Measured(label, status, [q["sql"] for q in captured.captured_queries]))
        return body

    def report(self) -> str:
        lines = [f"SQL per request on {connection.vendor}:"]
        for item in self.measured:
            lines.append(f"\n== {item.label}: {item.count} statements")
            for sql, n in Counter(shape(s) for s in item.sql).most_common():
                lines.append(f"  {n:3d} × {sql}")
        lines.append("\nSummary:")
        for item in self.measured:
            lines.append(f"  {item.count:4d}  {item.label}")
        return "\n".join(lines)
