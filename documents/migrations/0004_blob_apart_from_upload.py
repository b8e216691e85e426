"""Split the shared bytes (Blob, one per SHA-256) from the upload record (StoredFile: name, uploader,
OCR text). Each existing StoredFile gets the blob of its SHA-256; rows that already shared bytes keep
their own names."""

import django.db.models.deletion
from django.db import migrations, models

BLOB_FIELDS = ("size", "kind", "content_type", "storage_name", "pages")


def to_blobs(apps, schema_editor):
    Blob = apps.get_model("documents", "Blob")
    StoredFile = apps.get_model("documents", "StoredFile")
    blobs: dict[str, int] = {}
    for row in StoredFile.objects.order_by("pk").iterator():
        if row.sha256 not in blobs:
            blob = Blob.objects.create(
                sha256=row.sha256, **{name: getattr(row, name) for name in BLOB_FIELDS}
            )
            blobs[row.sha256] = blob.pk
        StoredFile.objects.filter(pk=row.pk).update(blob_id=blobs[row.sha256])


def from_blobs(apps, schema_editor):
    StoredFile = apps.get_model("documents", "StoredFile")
    for row in StoredFile.objects.select_related("blob").order_by("pk").iterator():
        blob = row.blob
        # storage_name was unique per row: rows sharing bytes get a distinct name for the same bytes.
        first = not StoredFile.objects.filter(blob=blob, pk__lt=row.pk).exists()
        StoredFile.objects.filter(pk=row.pk).update(
            sha256=blob.sha256,
            size=blob.size,
            kind=blob.kind,
            content_type=blob.content_type,
            storage_name=blob.storage_name if first else f"{blob.storage_name}#{row.pk}",
            pages=blob.pages,
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_vietnamese_labels")]

    operations = [
        migrations.CreateModel(
            name="Blob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sha256", models.CharField(max_length=64, unique=True, verbose_name="mã băm SHA-256")),
                ("size", models.PositiveBigIntegerField(verbose_name="dung lượng (byte)")),
                ("kind", models.CharField(max_length=10, verbose_name="loại tệp")),
                ("content_type", models.CharField(max_length=120, verbose_name="kiểu nội dung (MIME)")),
                ("storage_name", models.CharField(max_length=300, unique=True, verbose_name="tên lưu trữ")),
                ("pages", models.PositiveIntegerField(blank=True, null=True, verbose_name="số trang")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="thời điểm tạo")),
            ],
            options={"verbose_name": "nội dung tệp lưu trữ", "verbose_name_plural": "nội dung tệp lưu trữ"},
        ),
        migrations.AddField(
            model_name="storedfile",
            name="blob",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="uploads",
                to="documents.blob",
                verbose_name="nội dung",
            ),
        ),
        # Nullable first, so that going back re-adds the columns empty and from_blobs fills them.
        migrations.AlterField(
            model_name="storedfile",
            name="sha256",
            field=models.CharField(db_index=True, max_length=64, null=True, verbose_name="mã băm SHA-256"),
        ),
        migrations.AlterField(
            model_name="storedfile",
            name="size",
            field=models.PositiveBigIntegerField(null=True, verbose_name="dung lượng (byte)"),
        ),
        migrations.AlterField(
            model_name="storedfile",
            name="kind",
            field=models.CharField(max_length=10, null=True, verbose_name="loại tệp"),
        ),
        migrations.AlterField(
            model_name="storedfile",
            name="content_type",
            field=models.CharField(max_length=120, null=True, verbose_name="kiểu nội dung (MIME)"),
        ),
        migrations.AlterField(
            model_name="storedfile",
            name="storage_name",
            field=models.CharField(max_length=300, null=True, unique=True, verbose_name="tên lưu trữ"),
        ),
        migrations.RunPython(to_blobs, from_blobs),
        migrations.AlterField(
            model_name="storedfile",
            name="blob",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="uploads",
                to="documents.blob",
                verbose_name="nội dung",
            ),
        ),
        migrations.RemoveField(model_name="storedfile", name="sha256"),
        migrations.RemoveField(model_name="storedfile", name="size"),
        migrations.RemoveField(model_name="storedfile", name="kind"),
        migrations.RemoveField(model_name="storedfile", name="content_type"),
        migrations.RemoveField(model_name="storedfile", name="storage_name"),
        migrations.RemoveField(model_name="storedfile", name="pages"),
    ]
