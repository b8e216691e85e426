"""The default texts of the first kinds of notices (the texts are in ``notices/defaults.py``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from notices.defaults import FIRST_KINDS, seed as seed_defaults


def seed(apps: Any, schema_editor: Any) -> None:
    seed_defaults(apps.get_model("notices", "NoticeTemplate"), FIRST_KINDS)


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("notices", "NoticeTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_notices")]
    operations = [migrations.RunPython(seed, unseed)]
