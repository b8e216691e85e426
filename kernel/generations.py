"""Values that nearly every request needs and that seldom change — the agency tree, the calendar's
overrides — kept in each process across requests while their *generation* stands (issue 12 §7,
docs/adr/0014-generations.md).

A generation is a random token in a row of ``kernel_generation``, one row per kind of value. Every
write to what a value is made of replaces its token in the writing transaction (``bump``, connected
to the models' save and delete signals by ``bump_on``). Each authenticated request reads the tokens
in the statement that reads its user (``GenerationReader``, installed in accounts.reading). A value
kept under the token the request read is current — a commit since would have replaced the token — and
is answered without a query; otherwise it is read again and kept under that token. Every process on
every server sees a change with its first request after the commit; nothing is shared between
processes and nothing is trusted that the database does not vouch for.

``migrate`` and ``flush`` start a new generation of every kind (``bump_all``). Where no token was
read (commands, the task worker, anonymous pages, a request that wrote one of the
models: ``kernel.memo.forget``), the value is computed as before, once per request (kernel.memo).
Writes that bypass signals (``QuerySet.update``, ``bulk_create``) call ``bump`` themselves.

A kind may keep one value (the agency tree) or one per key (a procedure's workflow at an agency).
Kept values are shared by every request of the process: keep them immutable (tuples, frozensets, or
mappings nobody writes to).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet, Subquery, signals

from kernel.memo import held, keep, remember

T = TypeVar("T")

NAMES: list[str] = []
# name → (token, {key: value}), in this process.
_kept: dict[str, tuple[str, dict[Hashable, Any]]] = {}
MAX_KEYS = 10_000


def _token_key(name: str) -> tuple[str, str]:
    return ("kernel.generation", name)


def _alias(name: str) -> str:
    return "_generation_" + name.replace(".", "_")


def register(name: str) -> None:
    """Declare a kind of kept value; its token is then read with each request's user."""
    if name not in NAMES:
        NAMES.append(name)


def bump(name: str, using: str | None = None) -> None:
    """What ``name``'s value is made of was written: a new generation, in the writing transaction."""
    from kernel.models import Generation

    token = uuid.uuid4().hex
    Generation.objects.using(using).bulk_create(
        [Generation(name=name, token=token)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["token"],
    )
    # This request goes on with the new generation: what it reads next is kept under it.
    keep(_token_key(name), token)


def bump_all(using: str = "default", **kwargs: object) -> None:
    """A new generation of everything: after ``migrate`` (whose data migrations send no signals) and
    ``flush``, so that every kind has its row and nothing kept before is trusted. A ``migrate`` of one
    app on a new database (the kernel's table not made yet) has nothing to bump."""
    from django.db import connections

    from kernel.models import Generation

    if Generation._meta.db_table not in connections[using].introspection.table_names():
        return
    for name in NAMES:
        bump(name, using)


def bump_on(name: str, *models: type[Model]) -> None:
    """Bump ``name`` whenever one of ``models`` is saved or deleted."""
    register(name)

    def receiver(**kwargs: object) -> None:
        bump(name)

    for model in models:
        uid = f"kernel.generation.{name}.{model._meta.label}"
        signals.post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        signals.post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}.delete")


def current(name: str, compute: Callable[[], T], key: Hashable = None) -> T:
    """``name``'s value (or the one of ``key`` among its values): kept in this process if the
    request's generation is the one it was kept under, else computed and kept under the request's."""
    token = held(_token_key(name))
    if token is None:
        return remember((name, key), compute)
    kept = _kept.get(name)
    if kept is None or kept[0] != token:
        kept = (token, {})
        _kept[name] = kept
    values = kept[1]
    if key in values:
        value: T = values[key]
        return value
    value = compute()
    if len(values) >= MAX_KEYS:  # bounded: a kind with many keys keeps the latest ones asked for
        values.clear()
    values[key] = value
    return value


def drop_kept() -> None:
    """Nothing kept any more in this process, as in a new one (each test starts so)."""
    _kept.clear()


class GenerationReader:
    """Every registered generation's token, read with the user at authentication (accounts.reading)."""

    def annotate(self, queryset: QuerySet[Any], user: str) -> QuerySet[Any]:
        from kernel.models import Generation

        return queryset.annotate(
            **{
                _alias(name): Subquery(Generation.objects.filter(name=name).values("token")[:1])
                for name in NAMES
            }
        )

    def shape(self) -> tuple[str, ...]:
        return tuple(NAMES)

    def keep(self, row: Any, user: Any) -> None:
        for name in NAMES:
            token = row.__dict__.pop(_alias(name), None)
            if token is not None:
                keep(_token_key(name), token)
