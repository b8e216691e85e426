"""Fixtures of the integrations' tests: the national portal's sync against its simulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def portal(simulators: Any) -> Iterator[Any]:
    """The simulators with motcua pointed at them, the portal's sync handler registered (as a start
    with the settings would) and no session kept from another test; the registry put back after."""
    from integrations.dvcqg import sync
    from integrations.dvcqg.client import forget_sessions
    from outbox import delivery

    saved = delivery.handlers()
    forget_sessions()
    sync.register()
    yield simulators
    delivery.replace_handlers(saved)
    forget_sessions()
