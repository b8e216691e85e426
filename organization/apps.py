from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organization"
    verbose_name = _("Đơn vị hành chính, cơ quan")

    def ready(self) -> None:
        from accounts import authority
        from organization.account_authority import RoleAuthority

        authority.install(RoleAuthority())
