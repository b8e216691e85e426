from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceIndexConfig(AppConfig):
    name = "serviceindex"
    verbose_name = _("Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)")
