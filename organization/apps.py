from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organization"
    verbose_name = _("Đơn vị hành chính, cơ quan")

    def ready(self) -> None:
        from accounts import authority, reading
        from organization.account_authority import RoleAuthority
        from organization.selectors import MembershipReader

        authority.install(RoleAuthority())
        # The caller's memberships come with the user read at authentication (issue 12 §7).
        reading.install(MembershipReader())
