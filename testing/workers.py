"""What differs between the processes of a parallel run (``pytest -n 2``, pytest-xdist): each worker
has its own test database (pytest-django adds the worker's suffix), its own temporary folders
(``tmp_path``) and its own Redis databases, so that no test sees another's keys or flushes them."""

from __future__ import annotations

import os

REDIS_DATABASES = 16  # Redis's default number of databases


def worker_index() -> int:
    """0 for a run without workers and for the first worker (``gw0``), then 1, 2, …"""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else 0


def redis_test_url(database: int) -> str:
    """The URL of Redis database ``database`` for this worker: the number itself for the first worker,
    two lower for each next one (the tests use two numbers: 14 and 15), so eight workers never meet."""
    return f"redis://127.0.0.1:6379/{(database - 2 * worker_index()) % REDIS_DATABASES}"
