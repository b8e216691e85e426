"""Chain the events recorded before the hash chain existed, dossier by dossier in sequence order."""

from typing import Any

from django.db import migrations

from dossiers.chain import FIELDS, GENESIS, event_hash

BATCH = 2000


def backfill(apps: Any, schema_editor: Any) -> None:
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    alias = schema_editor.connection.alias
    rows = (
        DossierEvent.objects.using(alias)
        .order_by("dossier_id", "seq")
        .values("pk", *FIELDS)
        .iterator(chunk_size=BATCH)
    )
    pending: list[Any] = []
    dossier_id, prev = None, GENESIS
    for row in rows:
        if row["dossier_id"] != dossier_id:
            dossier_id, prev = row["dossier_id"], GENESIS
        value = event_hash(prev, row)
        pending.append(DossierEvent(pk=row["pk"], prev_hash=prev, hash=value))
        prev = value
        if len(pending) >= BATCH:
            DossierEvent.objects.using(alias).bulk_update(pending, ["prev_hash", "hash"])
            pending = []
    if pending:
        DossierEvent.objects.using(alias).bulk_update(pending, ["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0006_event_hash_chain")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False)]
