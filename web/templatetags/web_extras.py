from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, key) if mapping else key


@register.filter
def time_limit(amount: Any, unit: str) -> str:
    """``{{ amount|time_limit:unit }}`` — "1 ngày làm việc" / "2 working days" (``portal_views.time_limit``)."""
    from decimal import Decimal

    from web.portal_views import time_limit as words

    if amount is None or amount == "":
        return ""
    return words(Decimal(str(amount)), unit)
