"""The database itself refuses to rewrite the dossier history (ADR 0009): UPDATE and DELETE of
dossier events and history anchors raise, and so does TRUNCATE on PostgreSQL. Only a purge switched on
for the session (``dossiers.guard.history_purge``: tests' flush, the benches) may delete; nothing
may update."""

from typing import Any

from django.db import migrations

TABLES = ("dossiers_dossierevent", "dossiers_historyanchor")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('motcua.history_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'dossier history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION motcua_history_guard()"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION motcua_history_guard()"
            )
    elif vendor == "sqlite":
        # SQLite has no session settings and a trigger may not read a temp table: the purge switch is
        # a row in a table of its own (dossiers/guard.py).
        schema_editor.execute("CREATE TABLE IF NOT EXISTS motcua_history_purge (on_since TEXT)")
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN "
                f"SELECT RAISE(ABORT, 'dossier history is append-only: UPDATE on {table} refused'); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "WHEN NOT EXISTS (SELECT 1 FROM motcua_history_purge) BEGIN "
                f"SELECT RAISE(ABORT, 'dossier history is append-only: DELETE on {table} refused'); END"
            )


def backwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS motcua_history_guard()")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        schema_editor.execute("DROP TABLE IF EXISTS motcua_history_purge")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0007_backfill_event_hashes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
