import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_api_token_uuids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="mã UUID"),
        ),
    ]
