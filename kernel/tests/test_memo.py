"""kernel.memo: a value is computed once per request and never kept past it (issue 12 §7)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from kernel.memo import RequestMemoMiddleware, forget, remember
from testing.counting import Counter


def test_outside_a_request_every_call_computes() -> None:
    count = Counter()
    assert remember("k", count) == 1
    assert remember("k", count) == 2


def test_a_request_computes_once_and_forgets_at_its_end() -> None:
    count = Counter()
    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(remember("k", count))
        seen.append(remember("k", count))
        forget()  # a write to what the memo holds (organization clears it on a membership's save)
        seen.append(remember("k", count))
        return HttpResponse()

    middleware = RequestMemoMiddleware(view)
    middleware(HttpRequest())
    middleware(HttpRequest())  # the next request starts afresh
    assert seen == [1, 1, 2, 3, 3, 4]
    assert remember("k", count) == 5  # nothing is left after it
