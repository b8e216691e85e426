"""The purge switch of the append-only dossier history (ADR 0009).

The database refuses UPDATE and DELETE of dossier events and history anchors (migration
``0008_history_append_only``). Wiping a whole database still has to work where that is the point —
the test database's flush between transactional tests, the benches that load and drop a million
dossiers — so deleting is allowed while ``history_purge()`` is on for the connection. Only the test
set-up (``conftest.py``) and the bench scripts use it; no service, view or command of the product does.
Updating is never allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def history_purge(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Allow deleting (and, on PostgreSQL, truncating) the history tables on this connection while
    the block runs. On SQLite the switch is a row in ``motcua_history_purge``, seen by every
    connection to the file for that time (SQLite has one writer at a time anyway)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('motcua.history_purge', 'on', false)")
        elif connection.vendor == "sqlite":
            cursor.execute("INSERT INTO motcua_history_purge (on_since) VALUES (datetime('now'))")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('motcua.history_purge', 'off', false)")
            elif connection.vendor == "sqlite":
                cursor.execute("DELETE FROM motcua_history_purge")
