"""System checks of the integrations' settings: a setting that cannot work stops the start with the
reason, instead of failing on the first page."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def integration_settings(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from integrations.emc.page import configured

    try:
        configured()
    except ImproperlyConfigured as refused:
        return [Error(str(refused), id="motcua.E020")]
    return []
