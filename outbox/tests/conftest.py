"""The outbox tests' fixtures: a registry of handlers of the test's own (the real one is saved and put
back), a handler that records what it is given and fails on request, messages enqueued as a business
transaction would, a start instant for the frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import transaction

from outbox import delivery
from outbox.models import OutboxMessage
from outbox.services import enqueue

T0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 in Hưng Yên


class Recorder:
    """A handler: records each key it is given; ``fail[key]`` lists what to raise on the next calls."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.fail: dict[str, list[BaseException]] = {}
        self.during: Callable[[OutboxMessage], None] | None = None

    def __call__(self, message: OutboxMessage) -> None:
        self.seen.append(message.key)
        if self.during is not None:
            self.during(message)
        errors = self.fail.get(message.key)
        if errors:
            raise errors.pop(0)


@pytest.fixture
def t0() -> datetime:
    return T0


@pytest.fixture
def handlers() -> Iterator[Any]:
    saved = delivery.handlers()
    delivery.replace_handlers({})
    yield delivery
    delivery.replace_handlers(saved)


@pytest.fixture
def recorder(handlers: Any) -> Recorder:
    """Registered for the national portal's sync only: notices to applicants have no handler."""
    found = Recorder()
    handlers.register(OutboxMessage.Topic.PORTAL_SYNC, found)
    return found


@pytest.fixture
def message(db: Any) -> Callable[..., OutboxMessage]:
    def make(key: str, dossier: str = "", topic: str = OutboxMessage.Topic.PORTAL_SYNC) -> OutboxMessage:
        with transaction.atomic():
            return enqueue(topic=topic, key=key, payload={"key": key}, dossier_code=dossier)

    return make
