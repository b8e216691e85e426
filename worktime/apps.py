from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "worktime"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        # The calendar's overrides are kept across requests (kernel.generations): their generation
        # is declared with the models it is made of.
        from worktime import services  # noqa: F401
