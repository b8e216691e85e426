"""Fixtures of the login tests: the counters' two backends (database, Redis), and the shared reference
data put back after a transactional test."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest
from django.test import override_settings

from kernel import ratelimit
from testing.workers import redis_test_url

REDIS_TEST_URL = redis_test_url(14)  # flushed by the tests: one database per worker


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


BACKENDS = [
    pytest.param("", id="database"),
    pytest.param(
        REDIS_TEST_URL,
        id="redis",
        marks=pytest.mark.skipif(
            not _redis_reachable() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Any:
    """The rate counters in the database (``""``), then in Redis (its URL)."""
    with override_settings(REDIS_URL=request.param):
        ratelimit._redis_client = None
        if request.param:
            ratelimit._redis().flushdb()
        yield request.param
        if request.param:
            ratelimit._redis().flushdb()
        ratelimit._redis_client = None
