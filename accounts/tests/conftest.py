"""Fixtures of the login tests: the counters' two backends (database, Redis), and the shared reference
data put back after a transactional test."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest
from django.test import override_settings

from motcua import ratelimit

REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


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


@pytest.fixture(scope="module")
def reference_data_kept(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Put the shared reference data back after the flush that ends a transactional test of the module,
    if it was there before (a module fixture is torn down after the test's flush; a function-scoped one
    would reload before it)."""
    from accounts.models import User

    with django_db_blocker.unblock():
        present = User.objects.filter(username="admin").exists()
    yield
    if present:
        from conftest import load_reference_data

        with django_db_blocker.unblock():
            load_reference_data()
