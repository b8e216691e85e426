from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import ngettext

from catalog.models import TimeUnit

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, key) if mapping else key


@register.filter
def time_limit(amount: Decimal | float | str | None, unit: str) -> str:
    """``1 working day``, ``2 working days``, ``0.5 working days``: English puts the unit in the plural
    unless the number is exactly one (Vietnamese has one form: ``1 ngày làm việc``).
    ``{{ amount|time_limit:unit }}`` in templates; nothing for no amount."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(str(amount))
    number = floatformat(amount, "-2")
    # ngettext counts whole numbers; a fraction takes the plural form (CLDR "other": 1.5 days).
    count = int(amount) if amount == amount.to_integral_value() else 2
    if unit == TimeUnit.WORKING_DAY:
        text = ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count)
    elif unit == TimeUnit.WORKING_HOUR:
        text = ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count)
    elif unit == TimeUnit.CALENDAR_DAY:
        text = ngettext("%(n)s ngày", "%(n)s ngày", count)
    else:
        return f"{number} {unit}".strip()
    return text % {"n": number}
