from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Kết nối hệ thống quốc gia")

    def ready(self) -> None:
        from integrations import checks  # noqa: F401 — registers the settings' system checks
        from integrations.emc.handler import connect as connect_emc

        connect_emc()  # the outbox handler of emc.tracking, when EMC is configured
