"""Values computed once per request (issue 12 §7): the caller's memberships and scope (values kept
across requests: kernel.generations). A request opens a memo (``RequestMemoMiddleware``);
``remember(key, compute)`` computes a value the first time the request asks for it and answers the
same value afterwards. Nothing lives past the request: outside a request (commands, tests calling
services, the task worker) there is no memo and every call computes.
A write to what a memo holds (a membership, an agency) calls ``forget()`` (organization's signals), so
a request that changes roles and then checks them sees the change.

Keep values immutable (frozensets, tuples): every caller gets the same object.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("request_memo", default=None)


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


def keep(key: Hashable, value: Any) -> None:
    """Remember ``value`` for ``key`` in this request (read along with something else); outside a
    request, nothing: ``remember`` computes."""
    store = _memo.get()
    if store is not None:
        store[key] = value


def held(key: Hashable) -> Any:
    """What this request holds for ``key`` (``keep``, ``remember``), or None."""
    store = _memo.get()
    return None if store is None else store.get(key)


def forget() -> None:
    store = _memo.get()
    if store is not None:
        store.clear()


class RequestMemoMiddleware:
    """Opens the request's memo and drops it when the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
