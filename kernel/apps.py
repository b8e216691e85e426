from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kernel"
    verbose_name = _("Nền tảng")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kernel.generations import bump_all

        post_migrate.connect(bump_all, sender=self, dispatch_uid="kernel.generations.bump_all")
