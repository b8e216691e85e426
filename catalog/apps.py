from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        # The active workflows are kept across requests (kernel.generations): their generation is
        # declared with the models it is made of.
        from catalog import selectors  # noqa: F401
