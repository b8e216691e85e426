"""What is read with the user when a request is authenticated (issue 12 §7).

Every authenticated request reads its user once — with the API token, or from the session's user id —
and most then need what apps above accounts know of that user (``organization``: the memberships that
make the user's roles). Rather than a second query, those apps add it to the same statement: each
installs a reader (from its ``AppConfig.ready``, as ``accounts.authority`` is installed) that annotates
the user query and keeps what came back for the request. Accounts knows nothing of roles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import QuerySet

if TYPE_CHECKING:
    from accounts.models import User


class Reader(Protocol):
    def annotate(self, queryset: QuerySet[Any], user: str) -> QuerySet[Any]:
        """``queryset`` with what this reader wants of each row's user (``user``: the path from the
        queryset's rows to the user's id, "pk" for users themselves, "user_id" for tokens)."""

    def keep(self, row: Any, user: User) -> None:
        """Keep for the request what ``annotate`` put on ``row`` (the user, or the token)."""

    def shape(self) -> tuple[str, ...]:
        """What ``annotate`` adds and the settings it reads, named (``annotated`` builds its query again
        when they change)."""


_readers: list[Reader] = []
_built: dict[tuple[str, str, tuple[tuple[str, ...], ...]], QuerySet[Any]] = {}


def install(reader: Reader) -> None:
    if not any(type(r) is type(reader) for r in _readers):
        _readers.append(reader)


def annotate(queryset: QuerySet[Any], user: str = "pk") -> QuerySet[Any]:
    for reader in _readers:
        queryset = reader.annotate(queryset, user)
    return queryset


def annotated(name: str, base: Callable[[], QuerySet[Any]], user: str = "pk") -> QuerySet[Any]:
    """``annotate(base(), user)``, built once per process (and again when a reader's shape changes):
    each request filters it to its one row. Building the annotations resolves every reader's
    expressions, which cost as much as the statement's run and compilation together; a queryset kept
    in a process and filtered per request is Django's own pattern (a view's ``queryset``)."""
    key = (name, user, tuple(reader.shape() for reader in _readers))
    queryset = _built.get(key)
    if queryset is None:
        queryset = _built[key] = annotate(base(), user)
    return queryset


def keep(row: Any, user: User) -> None:
    for reader in _readers:
        reader.keep(row, user)
