"""Dossier.province: the receiving agency's province, so that province-wide roles filter by one column."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_province(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Agency = apps.get_model("organization", "Agency")
    Dossier.objects.filter(province__isnull=True).update(
        province_id=Subquery(Agency.objects.filter(pk=OuterRef("receiving_agency_id")).values("province_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_dossier_running_due_index"),
        ("organization", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="province",
            field=models.ForeignKey(
                help_text="Tỉnh của nơi tiếp nhận (để giới hạn phạm vi theo tỉnh).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organization.administrativeunit",
                verbose_name="tỉnh",
            ),
        ),
        migrations.RunPython(fill_province, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dossier",
            name="province",
            field=models.ForeignKey(
                help_text="Tỉnh của nơi tiếp nhận (để giới hạn phạm vi theo tỉnh).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organization.administrativeunit",
                verbose_name="tỉnh",
            ),
        ),
    ]
