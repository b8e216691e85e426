from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "worktime"
    verbose_name = _("Lịch làm việc")
