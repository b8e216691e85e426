import uuid

from django.db import migrations
from django.utils import timezone


def give_tokens_uuids_and_revoke_unbound(apps, schema_editor):
    """Each existing token gets its own UUID. Tokens issued before this migration are not bound to a
    password (no fingerprint) and were issued to staff without a second factor: they are revoked, and
    their holders log in again once."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    for token in ApiToken.objects.all().only("pk", "revoked_at"):
        token.uuid = uuid.uuid4()
        token.revoked_at = token.revoked_at or now
        token.save(update_fields=["uuid", "revoked_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_second_factor_and_credentials"),
    ]

    operations = [
        migrations.RunPython(give_tokens_uuids_and_revoke_unbound, migrations.RunPython.noop),
    ]
