"""
Throttling holds under concurrency (issue 18, item 8): parallel clients against a live server with
the Redis cache get exactly the configured number of requests per window, and 429s for the rest.

Before the fix, DRF's ``SimpleRateThrottle`` kept a list of timestamps per user, read it, checked
its length and wrote it back: parallel requests read the same list and each wrote its own, so 8
parallel clients sent 700 requests a minute against a 600/min rate without one 429.
"""

from __future__ import annotations

import http.client
import os
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform import backend as standalone
from tests.jwt_tokens import jwt_headers, lms_jwt

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db(transaction=True)]

COURSE = CourseKey.from_string("course-v1:Vault+Throttle+2026")
ACCESS = f"/api/ve-edu-vault/v1/courses/{COURSE}/access/"
CLIENTS = 8


def _redis_url() -> str:
    url = os.environ.get("CACHE_REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
    if not url.startswith("redis://"):
        pytest.skip("needs a Redis server (CACHE_REDIS_URL or a redis:// CELERY_BROKER_URL)")
    return url


# django-redis is how Tutor configures the LMS's caches (and the hosts' with CACHE_REDIS_URL); Django's own backend is
# what a deployment without django-redis would use. The counter is exact on both.
REDIS_BACKENDS = ["django_redis.cache.RedisCache", "django.core.cache.backends.redis.RedisCache"]


@pytest.fixture(params=REDIS_BACKENDS)
def redis_cache(request: Any, settings: Any) -> Any:
    """The default cache on Redis, as the LMS runs it, under a key prefix of its own."""
    import redis

    url, prefix = _redis_url(), f"vault-throttle-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": request.param, "LOCATION": url, "KEY_PREFIX": prefix}}
    yield cache
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):  # never FLUSHDB: the db may hold a Celery broker's queues
        client.delete(key)


def _wait_for_a_fresh_window(user: Any, scope: str, period: int, needed: float = 10.0) -> None:
    """Sleep past the current window if it ends within ``needed`` seconds (the burst must fit in one window)."""
    from ve_edu_vault.rest_api.throttling import window_for

    window = window_for(f"{scope}:user:{user.pk}", period, time.time())
    if window.ends_at - time.time() < needed:
        time.sleep(window.ends_at - time.time() + 0.1)


def _burst(base_url: str, token: str, per_client: int) -> list[tuple[int, str | None, str]]:
    """CLIENTS clients in parallel, each on its own connection, ``per_client`` requests each."""
    parts = urlsplit(base_url)

    def client(_: int) -> list[tuple[int, str | None, str]]:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        answers = []
        for _request in range(per_client):
            connection.request("GET", ACCESS, headers=jwt_headers(token))
            response = connection.getresponse()
            answers.append((response.status, response.getheader("Retry-After"), response.read().decode()))
        connection.close()
        return answers

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [answer for answers in pool.map(client, range(CLIENTS)) for answer in answers]


@pytest.mark.parametrize(("is_staff", "scope", "limit"), [(False, "vault_user", 40), (True, "vault_staff", 60)])
def test_parallel_clients_get_exactly_the_rate(
    live_server: Any, redis_cache: Any, settings: Any, make_user: Any, is_staff: bool, scope: str, limit: int
) -> None:
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = {"vault_user": "40/hour", "vault_staff": "60/hour"}
    user = make_user(f"parallel_{scope}", is_staff=is_staff)
    standalone.enroll(user, COURSE)
    token = lms_jwt(user)
    _wait_for_a_fresh_window(user, scope, 3600)

    answers = _burst(live_server.url, token, per_client=15)  # 120 requests

    statuses = Counter(status for status, _retry, _body in answers)
    assert statuses == {200: limit, 429: CLIENTS * 15 - limit}
    for status, retry_after, body in answers:
        if status == 429:
            assert retry_after is not None and 1 <= int(retry_after) <= 3600
            assert '"error_code":"throttled"' in body


def test_each_user_has_a_counter_of_their_own(
    live_server: Any, redis_cache: Any, settings: Any, make_user: Any
) -> None:
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = {"vault_user": "10/hour", "vault_staff": "10/hour"}
    first, second = make_user("first_user"), make_user("second_user")
    for user in (first, second):
        standalone.enroll(user, COURSE)
        _wait_for_a_fresh_window(user, "vault_user", 3600)
    answers = _burst(live_server.url, lms_jwt(first), per_client=3)  # 24 requests by the first user
    assert Counter(status for status, _retry, _body in answers) == {200: 10, 429: 14}
    answers = _burst(live_server.url, lms_jwt(second), per_client=1)  # the second user is not limited by the first
    assert Counter(status for status, _retry, _body in answers) == {200: 8}
