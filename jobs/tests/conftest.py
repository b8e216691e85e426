"""Fixtures of the periodic jobs' tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def portal(simulators: Any) -> Iterator[Any]:
    """The simulators, with no session to the portal kept from another test nor left to the next (the
    simulators' reset forgets the portal's sessions: a kept one would cost a refused call and a login)."""
    from integrations.dvcqg.client import forget_sessions

    forget_sessions()
    yield simulators
    forget_sessions()
