from django.apps import AppConfig


class ServiceIndexConfig(AppConfig):
    name = "serviceindex"
    verbose_name = "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)"
