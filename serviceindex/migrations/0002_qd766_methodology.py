"""Loads the QĐ 766/QĐ-TTg methodology (serviceindex/data/qd766.json), effective 2024-01-01."""

from django.db import migrations


def load_qd766(apps, schema_editor):
    from serviceindex.methodologies import load

    load(apps.get_model("serviceindex", "Methodology"), apps.get_model("serviceindex", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("serviceindex", "0001_initial")]

    operations = [migrations.RunPython(load_qd766, migrations.RunPython.noop)]
