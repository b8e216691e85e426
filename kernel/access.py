"""Deny by default for web views: every view declares who may open it.

``public`` marks a view anyone may open; ``login_required_view`` one that needs a login. A test walks
the URLconf and fails on any view that declares neither (STYLE: deny by default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    view.access = "public"  # type: ignore[attr-defined]
    return view


def login_required_view(view: F) -> F:
    wrapped: Any = login_required(view)
    wrapped.access = "login"
    return wrapped
