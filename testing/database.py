"""Data built once for a whole test module, on top of the reference data, and rolled back after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def kept_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """Open a transaction that the module's tests run inside and that is rolled back after the last
    one: use it in a ``scope="module"`` fixture that also asks for ``django_db_setup``. Each test runs
    in a savepoint of it (its own changes are undone as usual); not for ``transaction=True`` tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
