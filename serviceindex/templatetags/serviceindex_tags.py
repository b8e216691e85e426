"""Numbers of the index as officials write them: 74,88 — and "Chưa có dữ liệu" where there is none."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

NO_DATA = "Chưa có dữ liệu"


@register.filter
def score(value: Any) -> str:
    """Two decimals with a decimal comma; "Chưa có dữ liệu" for None."""
    if value is None or value == "":
        return NO_DATA
    return f"{float(value):.2f}".replace(".", ",")


@register.filter
def number(value: Any) -> str:
    """A count with dot thousands separators (1.234); "—" for None."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def plain(value: Any) -> str:
    """Points and targets without needless decimals: 18, 4, 45, 2,5."""
    if value is None:
        return "—"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
