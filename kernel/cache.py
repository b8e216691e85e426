"""Django's Redis cache, forgiving: Redis out of reach is a miss, not an error page.

The cache holds only what can be computed again (lists shown on pages; the kept query shapes of
``kernel.jsonrows``); the counters that must be shared do not use it (``kernel.ratelimit``). So when
Redis cannot be reached, a read answers "not cached", a write is dropped, and the outage is logged —
the pages go on, a little slower, instead of failing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis import RedisError

log = logging.getLogger(__name__)


def _forgiving(name: str, fallback: Any) -> Any:
    method = getattr(RedisCache, name)

    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            log.error("Redis out of reach, cache %s skipped: %s", name, error)
            if name == "get":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return fallback() if callable(fallback) else fallback

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


class ForgivingRedisCache(RedisCache):
    get = _forgiving("get", None)
    get_many = _forgiving("get_many", dict)
    has_key = _forgiving("has_key", False)
    set = _forgiving("set", None)
    set_many = _forgiving("set_many", list)
    add = _forgiving("add", False)
    touch = _forgiving("touch", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many", None)
    clear = _forgiving("clear", False)
