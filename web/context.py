from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from organization.models import AdministrativeUnit


def site(request: HttpRequest) -> dict[str, Any]:
    province = AdministrativeUnit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE).only("name").first()
    return {
        "site_name": settings.MOTCUA_SITE_NAME,
        "province_name": province.name if province else "",
    }
