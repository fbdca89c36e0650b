"""
``ve_edu_vault.caching`` on a real Redis, through both Redis backends a deployment may configure: django-redis (how
Tutor configures edx-platform's caches, and the hosts' with ``CACHE_REDIS_URL``) and Django's own ``RedisCache``.
The plugin's debounce keys (summaries refresh, LTI link answers) rely on ``add`` meaning "added only if absent" and on
an unreachable server reading as a miss, the same on either backend.
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

import pytest

from ve_edu_vault import caching

BACKENDS = ["django_redis.cache.RedisCache", "django.core.cache.backends.redis.RedisCache"]


def _redis_url() -> str:
    url = os.environ.get("CACHE_REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
    if not url.startswith("redis://"):
        pytest.skip("needs a Redis server (CACHE_REDIS_URL or a redis:// CELERY_BROKER_URL)")
    return url


@pytest.fixture(params=BACKENDS)
def redis_cache(request: Any, settings: Any) -> Any:
    """The default cache on Redis under a key prefix of its own (never FLUSHDB: the db may hold a broker's queues)."""
    import redis

    url, prefix = _redis_url(), f"vault-caching-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": request.param, "LOCATION": url, "KEY_PREFIX": prefix}}
    yield request.param
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_add_get_set_delete_on_redis(redis_cache: str) -> None:
    key = "ve_edu_vault:test:debounce:1"
    assert caching.get(key, "missing") == "missing"
    assert caching.add(key, 1, timeout=60) is True
    assert caching.add(key, 2, timeout=60) is False  # already there: the first writer keeps it
    assert caching.get(key) == 1
    assert caching.set(key, {"has_links": False}, timeout=60) is True
    assert caching.get(key) == {"has_links": False}
    assert caching.delete(key) is True
    assert caching.get(key, "missing") == "missing"
    assert caching.add(key, False, timeout=60) is True  # a falsy value is stored, not read back as a miss
    assert caching.get(key, "missing") is False


def test_a_key_expires_after_its_timeout(redis_cache: str) -> None:
    import time

    key = "ve_edu_vault:test:expiring"
    assert caching.add(key, 1, timeout=1) is True
    deadline = time.monotonic() + 5
    while caching.get(key) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert caching.get(key) is None
    assert caching.add(key, 1, timeout=1) is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unreachable_redis_reads_as_a_miss_and_adds_nothing(settings: Any, caplog: Any, backend: str) -> None:
    """Nothing listens on port 1: every call degrades (None from ``add``: not known) and says so in the log."""
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    with caplog.at_level(logging.WARNING, logger="ve_edu_vault.caching"):
        assert caching.get("ve_edu_vault:test:down", "default") == "default"
        assert caching.add("ve_edu_vault:test:down", 1, timeout=60) is None
        assert caching.set("ve_edu_vault:test:down", 1, timeout=60) is False
        assert caching.delete("ve_edu_vault:test:down") is False
    assert caplog.text.count("the cache is unavailable") == 4


def test_each_backend_reads_what_the_other_wrote(settings: Any) -> None:
    """Same key layout and values on both (integers raw, the rest pickled): a change of backend keeps the keys."""
    import redis
    from django.core.cache import caches

    url, prefix = _redis_url(), f"vault-caching-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        alias: {"BACKEND": backend, "LOCATION": url, "KEY_PREFIX": prefix}
        for alias, backend in zip(("default", "other"), BACKENDS, strict=True)
    }
    try:
        for writer, reader in (("default", "other"), ("other", "default")):
            caches[writer].set(f"value-{writer}", {"has_links": False}, 60)
            assert caches[reader].get(f"value-{writer}") == {"has_links": False}
            assert caches[writer].add(f"counter-{writer}", 1, 60) is True
            assert caches[reader].add(f"counter-{writer}", 1, 60) is False
            assert caches[reader].incr(f"counter-{writer}") == 2
            assert caches[writer].get(f"counter-{writer}") == 2
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
