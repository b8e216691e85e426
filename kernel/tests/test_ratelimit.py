"""Rate counters are shared by every app server and lose no increment under concurrency; the client's
address comes from the socket unless trusted proxies are configured."""

from __future__ import annotations

import os
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from kernel import ratelimit
from kernel.ratelimit import Limit
from testing.workers import redis_test_url

LIMIT = Limit(name="test", count=3, seconds=60)


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


BACKENDS = [
    pytest.param("", id="database"),
    pytest.param(
        redis_test_url(15),  # flushed by the tests: one database per worker
        id="redis",
        marks=pytest.mark.skipif(
            not _redis_reachable() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, db):
    with override_settings(REDIS_URL=request.param):
        ratelimit._redis_client = None
        if request.param:
            ratelimit._redis().flushdb()
        yield request.param
        ratelimit._redis_client = None


def test_counts_within_a_window_and_starts_again_after_it(backend, clock):
    clock(datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    assert [ratelimit.hit(LIMIT, "Alice").value for _ in range(4)] == [1, 2, 3, 4]
    assert ratelimit.exceeded(LIMIT, "alice")  # keys ignore case
    assert not ratelimit.exceeded(LIMIT, "bob")
    if not backend:  # Redis expires keys on its own clock, not the frozen one
        clock(datetime(2026, 3, 2, 3, 0, tzinfo=UTC) + timedelta(seconds=61))
        assert ratelimit.peek(LIMIT, "alice").value == 0
        assert ratelimit.hit(LIMIT, "alice").value == 1


def test_reset_forgets_the_count(backend):
    ratelimit.hit(LIMIT, "carol")
    ratelimit.reset(LIMIT, "carol")
    assert ratelimit.peek(LIMIT, "carol").value == 0


def test_retry_after_is_the_rest_of_the_window(backend, clock):
    clock(datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    count = ratelimit.hit(LIMIT, "dave")
    assert 1 <= count.retry_after() <= 60


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_parallel_hits_lose_no_increment():
    """Twenty guesses at once from several connections count twenty (the per-process cache or a
    read-then-write counter would count fewer)."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(":memory"):
        pytest.skip("needs a file database")
    barrier = threading.Barrier(4)

    def guess() -> None:
        barrier.wait()
        for _ in range(5):
            ratelimit.hit(LIMIT, "parallel")
        connection.close()

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ratelimit.peek(LIMIT, "parallel").value == 20


def test_long_identifiers_are_hashed_to_fit(db):
    assert ratelimit.hit(LIMIT, "x" * 1000).value == 1
    assert ratelimit.hit(LIMIT, "x" * 1000).value == 2


def test_limit_parse():
    assert Limit.parse("a", "20/m") == Limit("a", 20, 60)
    assert Limit.parse("a", "5/h") == Limit("a", 5, 3600)
    assert Limit.parse("a", "100/d") == Limit("a", 100, 86400)
    assert Limit.parse("a", "7/30") == Limit("a", 7, 30)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.9"),  # a client's own header is never believed
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client prepended a fake address
        (2, "6.6.6.6, 1.2.3.4, 172.16.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "1.2.3.4"),  # fewer hops than proxies: the first one listed
        (1, "", "10.0.0.9"),
    ],
)
def test_client_address(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(MOTCUA_TRUSTED_PROXIES=proxies):
        assert ratelimit.client_address(request) == expected


# Nothing listens on port 1: connecting is refused at once, as when Redis is down.
UNREACHABLE = "redis://127.0.0.1:1/0"


def test_redis_out_of_reach_counts_in_the_database_and_says_so(db, caplog):
    with override_settings(REDIS_URL=UNREACHABLE):
        ratelimit._redis_client = None
        try:
            assert [ratelimit.hit(LIMIT, "erin").value for _ in range(2)] == [1, 2]
            assert ratelimit.peek(LIMIT, "erin").value == 2
            ratelimit.reset(LIMIT, "erin")
            assert ratelimit.peek(LIMIT, "erin").value == 0
        finally:
            ratelimit._redis_client = None
    assert "Redis out of reach" in caplog.text


def test_redis_keys_carry_the_installations_prefix(backend):
    if not backend:
        pytest.skip("Redis only")
    with override_settings(MOTCUA_CACHE_PREFIX="tinh-a"):
        ratelimit.hit(LIMIT, "frank")
    assert ratelimit._redis().get("tinh-a:test:frank") == b"1"
    assert ratelimit.peek(LIMIT, "frank").value == 0  # another installation's prefix: not its count


def test_the_cache_answers_a_miss_when_redis_is_out_of_reach(caplog):
    from kernel.cache import ForgivingRedisCache

    cache = ForgivingRedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("anything", "absent") == "absent"
    assert cache.get_or_set("computed", lambda: 42) == 42
    cache.set("anything", 1)
    assert cache.add("anything", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert "Redis out of reach" in caplog.text
