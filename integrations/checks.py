"""System checks of the integrations' settings: a setting that cannot work stops the start with the
reason, instead of failing on the first page."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def integration_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from integrations.dvcqg.client import half_set
    from integrations.emc.page import configured

    errors: list[CheckMessage] = []
    try:
        configured()
    except ImproperlyConfigured as refused:
        errors.append(Error(str(refused), id="motcua.E020"))
    missing = half_set()
    if missing:
        errors.append(
            Error(
                "Cổng Dịch vụ công quốc gia cần đủ năm biến MOTCUA_DVCQG_*; còn thiếu: "
                + ", ".join(missing)
                + ".",
                id="motcua.E021",
            )
        )
    return errors
