"""
The cache when it cannot be reached (Redis or memcached down): which errors mean that, and reads and writes that
degrade instead of failing the request.

TLDR: a cache in front of figures that can be computed again (the staff dashboard's statistics) goes through
``get``/``set`` here: on an outage they log a warning and act as a miss, so the page is computed, slower. What
needs the cache to be correct (the LTI tool's one-time login state and nonces) catches ``UNAVAILABLE`` and refuses
with a 503 naming the reason; throttling lets requests through (``rest_api/throttling.py``). Django's
``RedisCache`` raises redis-py's errors (``django/core/cache/backends/redis.py`` leaves them unwrapped), and so does
django-redis, Tutor's backend (``omit_exception`` in ``django_redis/cache.py`` re-raises the redis-py error it
wrapped, unless ``DJANGO_REDIS_IGNORE_EXCEPTIONS``); ``tests/test_caching.py`` checks both.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache

__all__ = ["UNAVAILABLE", "add", "delete", "get", "set"]

log = logging.getLogger(__name__)


def _unavailable() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = []
    try:
        from redis.exceptions import RedisError

        errors.append(RedisError)
    except ImportError:  # pragma: no cover - redis-py is a dependency of the hosts, not of every deployment
        pass
    try:
        from pymemcache.exceptions import MemcacheError

        errors.append(MemcacheError)
    except ImportError:
        pass
    return tuple(errors) or (ConnectionError,)


#: The exceptions a cache backend raises when its server cannot be reached.
UNAVAILABLE: tuple[type[BaseException], ...] = _unavailable()


def get(key: str, default: Any = None) -> Any:
    """``cache.get``, or ``default`` when the cache is down (logged)."""
    try:
        return cache.get(key, default)
    except UNAVAILABLE:
        log.warning("ve-edu-vault: the cache is unavailable; reading %s as a miss", key.split(":", 1)[0])
        return default


def set(key: str, value: Any, timeout: float | None) -> bool:
    """``cache.set``; False when the cache is down (logged)."""
    try:
        cache.set(key, value, timeout=timeout)
        return True
    except UNAVAILABLE:
        log.warning("ve-edu-vault: the cache is unavailable; not keeping %s", key.split(":", 1)[0])
        return False


def add(key: str, value: Any, timeout: float | None) -> bool | None:
    """``cache.add``: True when the key was added, False when it was there already, None when the cache is down."""
    try:
        return bool(cache.add(key, value, timeout=timeout))
    except UNAVAILABLE:
        log.warning("ve-edu-vault: the cache is unavailable; not adding %s", key.split(":", 1)[0])
        return None


def delete(key: str) -> bool:
    """``cache.delete``; False when the cache is down (logged: the key lives until its timeout)."""
    try:
        cache.delete(key)
        return True
    except UNAVAILABLE:
        log.warning("ve-edu-vault: the cache is unavailable; not deleting %s", key.split(":", 1)[0])
        return False
