from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Tài khoản, người nộp hồ sơ")

    def ready(self) -> None:
        from accounts import reading
        from kernel.generations import GenerationReader

        # The tokens of the values kept across requests come with the user (kernel.generations).
        reading.install(GenerationReader())
