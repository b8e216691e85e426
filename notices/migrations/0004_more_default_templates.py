"""The default texts of the kinds added since 0002 (a return before reception, a pause, the hand-over of
the result, a withdrawal), and the supplement request's new default text (it now says by when) on the
rows nobody edited. The texts are in ``notices/defaults.py``."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from notices.defaults import ADDED_KINDS, refresh, seed


def forward(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("notices", "NoticeTemplate")
    seed(template, ADDED_KINDS)
    refresh(template, ["supplement"])


def backward(apps: Any, schema_editor: Any) -> None:
    apps.get_model("notices", "NoticeTemplate").objects.filter(kind__in=ADDED_KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0003_more_kinds_inbox_always_on")]
    operations = [migrations.RunPython(forward, backward)]
