"""Tampering with the dossier history as an attacker holding the database's superuser would (ADR 0009):
raw SQL with the append-only triggers switched off (dossiers/tests/test_history_chain.py, the weekly
check's job in jobs/tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_off(table: str) -> Iterator[None]:
    """What a database superuser can do: switch the append-only triggers off for a while."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own transaction holds deferred foreign-key checks: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
