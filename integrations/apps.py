from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Kết nối hệ thống quốc gia")

    def ready(self) -> None:
        from integrations import checks  # noqa: F401 — registers the settings' system checks
        from integrations.dvcqg import sync

        # The portal's sync is delivered only when the portal is configured; otherwise its messages
        # wait in the outbox, unattempted (integrations/dvcqg/sync.py).
        sync.register_if_configured()
