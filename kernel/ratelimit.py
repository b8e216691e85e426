"""Counting what people do, shared by every app server: login guessing, look-ups of personal data, the
public look-up and the kiosk's tickets.

A counter is a fixed window per key ("login-account:motcua.phohien"). With ``REDIS_URL`` the counts
live in Redis (``INCR`` is atomic); otherwise in the database table ``accounts_ratecounter``, through
one atomic upsert, so that two app servers — or twenty parallel guesses — never lose an increment. The
per-process cache is never used for this: it would give each app server its own allowance.

The client's address comes from the socket (``REMOTE_ADDR``) unless ``MOTCUA_TRUSTED_PROXIES`` says
how many reverse proxies in front of the app servers append to ``X-Forwarded-For``; a header the client
wrote itself is never believed.

Redis out of reach does not take the site down: each count it cannot take is taken in the database
instead, and the outage is logged (a window then counts in both places, so a guesser may get up to
twice the allowance while it lasts). Redis keys carry ``MOTCUA_CACHE_PREFIX``, so that installations
sharing one Redis keep apart.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from kernel.errors import TooManyRequests

log = logging.getLogger(__name__)

# Expired rows are swept now and then by the request that happens to count, not by a separate job.
_SWEEP_PROBABILITY = 0.001
_TABLE = "accounts_ratecounter"


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per ``seconds`` for one key of this kind."""

    name: str
    count: int
    seconds: int

    @classmethod
    def parse(cls, name: str, rate: str) -> Limit:
        """``Limit.parse("login-address", "20/m")``: a number, a slash, and s, m, h or d (or seconds)."""
        number, _slash, period = rate.partition("/")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        period = period.strip().lower()
        seconds = units[period[0]] if period and period[0] in units else int(period or 60)
        return cls(name=name, count=int(number), seconds=seconds)


@dataclass(frozen=True)
class Count:
    """How many events a key has in its current window, and when that window ends (epoch seconds)."""

    value: int
    resets_at: int

    def retry_after(self) -> int:
        return max(1, self.resets_at - int(time.time()))


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the socket's, or — behind ``MOTCUA_TRUSTED_PROXIES`` proxies — the
    address the outermost trusted proxy saw (each proxy appends what it received from)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = settings.MOTCUA_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]


def _key(limit: Limit, ident: str) -> str:
    key = f"{limit.name}:{ident.strip().lower()}"
    if len(key) > 200:  # long identifiers (user agents, free text) are hashed to fit the column
        key = f"{limit.name}:sha256:{hashlib.sha256(ident.encode()).hexdigest()}"
    return key


def hit(limit: Limit, ident: str) -> Count:
    """Count one event for ``ident`` and return the count of its window, this event included."""
    key, now = _key(limit, ident), int(time.time())
    if settings.REDIS_URL:
        try:
            return _redis_hit(key, limit.seconds, now)
        except _redis_errors() as error:
            _unreachable(error)
    ends = now + limit.seconds
    with connection.cursor() as cursor:
        # One statement: concurrent hits serialise on the row, none is lost (SQLite ≥ 3.35, PostgreSQL).
        cursor.execute(
            f"""
            INSERT INTO {_TABLE} (key, count, window_end) VALUES (%s, 1, %s)
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN {_TABLE}.window_end <= %s THEN 1 ELSE {_TABLE}.count + 1 END,
                window_end = CASE WHEN {_TABLE}.window_end <= %s THEN %s ELSE {_TABLE}.window_end END
            RETURNING count, window_end
            """,
            [key, ends, now, now, ends],
        )
        value, window_end = cursor.fetchone()
        if random.random() < _SWEEP_PROBABILITY:
            cursor.execute(f"DELETE FROM {_TABLE} WHERE window_end <= %s", [now])
    return Count(int(value), int(window_end))


def peek(limit: Limit, ident: str) -> Count:
    """The count of ``ident``'s current window, without counting."""
    key, now = _key(limit, ident), int(time.time())
    if settings.REDIS_URL:
        try:
            client = _redis()
            value, ttl = client.get(_redis_key(key)), client.ttl(_redis_key(key))
            return Count(int(value or 0), now + max(int(ttl), 0))
        except _redis_errors() as error:
            _unreachable(error)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count, window_end FROM {_TABLE} WHERE key = %s AND window_end > %s", [key, now]
        )
        row = cursor.fetchone()
    return Count(int(row[0]), int(row[1])) if row else Count(0, now)


def exceeded(limit: Limit, ident: str) -> bool:
    return peek(limit, ident).value >= limit.count


def throttle(limit: Limit, ident: str, *, message: str) -> Count:
    """Count one event for ``ident``; past the limit raise ``TooManyRequests`` (429, ``Retry-After``)
    with ``message``. The refused events count too: hammering does not shorten the wait."""
    count = hit(limit, ident)
    if count.value > limit.count:
        raise TooManyRequests(
            f"rate_limited_{limit.name}".replace("-", "_"), message, retry_after=count.retry_after()
        )
    return count


def reset(limit: Limit, ident: str) -> None:
    """Forget ``ident``'s count (after a successful login, or an administrator's unlock)."""
    key = _key(limit, ident)
    if settings.REDIS_URL:
        try:
            _redis().delete(_redis_key(key))
        except _redis_errors() as error:
            _unreachable(error)
    # The database too: counts taken there while Redis was out of reach are forgotten as well.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE} WHERE key = %s", [key])


_redis_client: Any = None


def _redis() -> Any:
    import redis  # a runtime dependency (pyproject.toml); imported only when REDIS_URL is set

    global _redis_client, _redis_client_url
    if _redis_client is None or _redis_client_url != settings.REDIS_URL:
        # A Redis that does not answer fails the count within a second or two, not the request's
        # whole time (the database takes the count instead).
        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        _redis_client_url = settings.REDIS_URL
    return _redis_client


_redis_client_url = ""
REDIS_TIMEOUT = 2.0


def _redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.RedisError,)


def _unreachable(error: Exception) -> None:
    log.error("Redis out of reach, counting in the database instead: %s", error)


def _redis_key(key: str) -> str:
    return f"{settings.MOTCUA_CACHE_PREFIX}:{key}"


def _redis_hit(key: str, seconds: int, now: int) -> Count:
    key = _redis_key(key)
    client = _redis()
    pipe = client.pipeline()
    pipe.set(key, 0, ex=seconds, nx=True)  # a new window starts at the first event
    pipe.incr(key)
    pipe.ttl(key)
    _created, value, ttl = pipe.execute()
    return Count(int(value), now + max(int(ttl), 0) if ttl and ttl > 0 else now + math.ceil(seconds))


# The limits of this installation, read from the settings at each use (tests override them).
PUBLIC_LOOKUP = ("public-lookup", "MOTCUA_LOOKUP_RATE")
KIOSK_TICKET = ("kiosk-ticket", "MOTCUA_KIOSK_TICKET_RATE")
APPLICANT_LOOKUP = ("applicant-lookup", "MOTCUA_APPLICANT_LOOKUP_RATE")


def configured(kind: tuple[str, str]) -> Limit:
    name, setting = kind
    return Limit.parse(name, getattr(settings, setting))


def throttle_address(kind: tuple[str, str], request: HttpRequest, *, message: str) -> Count:
    """``throttle`` keyed by the client's address (``client_address``)."""
    return throttle(configured(kind), client_address(request), message=message)
