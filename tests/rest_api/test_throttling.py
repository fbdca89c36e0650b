"""The throttle's pieces: rates, windows, settings validation, and requests passing when the cache is down."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from opaque_keys.edx.keys import CourseKey
from rest_framework.test import APIClient

from hosts.standalone_platform import backend as standalone
from ve_edu_vault import conf
from ve_edu_vault.rest_api.throttling import parse_rate, window_for

COURSE = CourseKey.from_string("course-v1:Vault+Throttle+2026")
ACCESS = f"/api/ve-edu-vault/v1/courses/{COURSE}/access/"


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("600/minute", (600, 60)), ("5/s", (5, 1)), ("10/hour", (10, 3600)), ("1/day", (1, 86400)), ("0/m", (0, 60))],
)
def test_rates_in_drf_format(rate: str, parsed: tuple[int, int]) -> None:
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["x/minute", "10/", "10", "10/week", "-1/minute", 10])
def test_what_is_not_a_rate(rate: Any) -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(rate)


def test_windows_are_fixed_per_identity_and_offset_between_identities() -> None:
    period = 60
    start = window_for("user:1", period, 1_000_000.0)
    assert 0 < start.ends_at - 1_000_000.0 <= period
    # every instant before the window's end is in the same window, the end starts the next one
    assert window_for("user:1", period, start.ends_at - 0.001) == start
    following = window_for("user:1", period, start.ends_at)
    assert following.key != start.key and following.ends_at == start.ends_at + period
    # identities do not all reset at the same second (the offset comes from the identity, as in django-ratelimit)
    ends = {window_for(f"user:{n}", period, 1_000_000.0).ends_at for n in range(50)}
    assert len(ends) > 10


@pytest.mark.parametrize(
    ("rates", "named"),
    [
        ("600/minute", "must be a dict"),
        ({"vault_user": "600/fortnight"}, "vault_user: '600/fortnight'"),
        ({"vault_staff": "lots"}, "vault_staff: 'lots'"),
    ],
)
def test_bad_rates_stop_start_up_naming_the_setting(settings: Any, rates: Any, named: str) -> None:
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = rates
    with pytest.raises(ImproperlyConfigured, match="VE_EDU_VAULT_API_THROTTLE_RATES") as raised:
        conf.validate_settings()
    assert named in str(raised.value)


@pytest.mark.django_db
def test_a_scope_without_a_rate_is_not_throttled(settings: Any, make_user: Any) -> None:
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = {"vault_user": None, "vault_staff": "1/minute"}
    client = APIClient()
    client.force_login(make_user())
    assert {client.get(ACCESS).status_code for _ in range(5)} == {200}


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["django_redis.cache.RedisCache", "django.core.cache.backends.redis.RedisCache"])
def test_requests_pass_when_the_cache_is_down(settings: Any, make_user: Any, caplog: Any, backend: str) -> None:
    """Redis unreachable (nothing listens on port 1): the API keeps answering, and says why it does not throttle."""
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.VE_EDU_VAULT_API_THROTTLE_RATES = {"vault_user": "1/minute", "vault_staff": "1/minute"}
    learner = make_user("learner_without_cache")
    standalone.enroll(learner, COURSE)
    client = APIClient()
    client.force_login(learner)
    with caplog.at_level(logging.WARNING, logger="ve_edu_vault.rest_api.throttling"):
        assert [client.get(ACCESS).status_code for _ in range(3)] == [200, 200, 200]
    assert "cannot count requests" in caplog.text
