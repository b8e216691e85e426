from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organization.admin_policy import has_admin_access
from organization.models import AdministrativeUnit


def site(request: HttpRequest) -> dict[str, Any]:
    province = AdministrativeUnit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE).only("name").first()
    return {
        "site_name": settings.MOTCUA_SITE_NAME,
        "province_name": province.name if province else "",
        # The link to the admin, for those it opens for (asked only when a page shows the menu).
        "can_use_admin": SimpleLazyObject(lambda: has_admin_access(request.user)),
    }
