"""A paper's templates become a list (the national page may give several, docs/adr/0025), and a
version keeps the notes listed among its papers as text. The single template name of every existing
paper moves into its list; the notes of existing versions come from a re-import (docs/adr/0025)."""

from django.db import migrations, models
from django.db.models import Q

BATCH = 500


def forms_to_list(apps, schema_editor):
    component_model = apps.get_model("catalog", "ComponentRequirement")
    rows = component_model.objects.exclude(Q(form_name="") | Q(form_name__isnull=True)).order_by("pk")
    changed = []
    for row in rows.only("pk", "form_name").iterator(chunk_size=BATCH):
        row.form_names = [row.form_name]
        changed.append(row)
        if len(changed) >= BATCH:
            component_model.objects.bulk_update(changed, ["form_names"])
            changed = []
    component_model.objects.bulk_update(changed, ["form_names"])


def forms_to_text(apps, schema_editor):
    component_model = apps.get_model("catalog", "ComponentRequirement")
    changed = []
    for row in component_model.objects.exclude(form_names=[]).order_by("pk").iterator(chunk_size=BATCH):
        row.form_name = "; ".join(row.form_names)[:500]
        changed.append(row)
        if len(changed) >= BATCH:
            component_model.objects.bulk_update(changed, ["form_name"])
            changed = []
    component_model.objects.bulk_update(changed, ["form_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_procedure_search_ranking"),
    ]

    operations = [
        migrations.AddField(
            model_name="componentrequirement",
            name="form_names",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Tên các tệp mẫu của giấy tờ, theo thứ tự trên trang quốc gia.",
                verbose_name="mẫu đơn, tờ khai",
            ),
        ),
        migrations.RunPython(forms_to_list, forms_to_text),
        migrations.RemoveField(
            model_name="componentrequirement",
            name="form_name",
        ),
        migrations.AddField(
            model_name="historicalprocedureversion",
            name="component_notes",
            field=models.TextField(
                blank=True,
                help_text="Hướng dẫn, điều kiện, giải thích đi kèm danh sách giấy tờ; không phải giấy tờ phải nộp.",
                verbose_name="ghi chú về thành phần hồ sơ",
            ),
        ),
        migrations.AddField(
            model_name="procedureversion",
            name="component_notes",
            field=models.TextField(
                blank=True,
                help_text="Hướng dẫn, điều kiện, giải thích đi kèm danh sách giấy tờ; không phải giấy tờ phải nộp.",
                verbose_name="ghi chú về thành phần hồ sơ",
            ),
        ),
    ]
