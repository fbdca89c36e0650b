"""
Per-user throttling of the vault's REST API: an atomic fixed-window counter in the cache.

TLDR: each request adds one to a counter ``(scope, user or IP, window)`` with ``cache.add`` then
``cache.incr``, which Redis (and memcached, and Django's local-memory cache) do atomically, so
parallel requests in any number of processes are counted exactly: at most N requests a window
pass, whatever the concurrency. This is how django-ratelimit counts (``django_ratelimit/core.py``,
``get_usage``: ``cache.add(key, initial, period + EXPIRATION_FUDGE)`` then ``cache.incr(key)``),
which edx-platform uses for its own limits (e.g. ``openedx/core/djangoapps/oauth_dispatch/views.py``).
DRF's ``SimpleRateThrottle``, used before, read a list of timestamps, checked it and wrote it back:
parallel requests overwrote each other's entries (issue 18: 700 requests a minute passed a 600/min
rate). Rates come from ``VE_EDU_VAULT_API_THROTTLE_RATES`` (DRF's ``"N/period"`` format); global
staff get the ``vault_staff`` rate. See docs/decisions/0007-api-throttling.rst.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from ve_edu_vault import conf
from ve_edu_vault.platform import api as platform

__all__ = ["VaultUserRateThrottle", "Window", "parse_rate", "window_for"]

log = logging.getLogger(__name__)

# The counter outlives its window by this much, so that a slow request still finds it (django-ratelimit: 5).
EXPIRATION_FUDGE = 5
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/minute"`` (DRF's format: the period's first letter counts) -> ``(600, 60)``; ValueError if not a rate."""
    count, _slash, period = str(rate).partition("/")
    unit = period.strip()[:1]
    if not count.strip().isdigit() or unit not in _PERIODS:
        raise ValueError(f"{rate!r} is not a rate such as '600/minute' (periods: second, minute, hour, day)")
    return int(count), _PERIODS[unit]


@dataclass(frozen=True, kw_only=True, slots=True)
class Window:
    key: str
    ends_at: float


def window_for(ident: str, period: int, now: float) -> Window:
    """
    The fixed window holding ``now`` for this identity.

    Windows are offset per identity (crc32 of the identity, as django-ratelimit does), so that the
    counters of all users do not reset at the same second.
    """
    offset = zlib.crc32(ident.encode()) % period
    index = math.floor((now - offset) / period)
    return Window(key=f"{ident}:{period}:{index}", ends_at=(index + 1) * period + offset)


def count_hit(window: Window, period: int) -> int | None:
    """Add one to the window's counter and return it; None when the cache cannot count."""
    key = f"ve_edu_vault:throttle:{window.key}"
    timeout = period + EXPIRATION_FUDGE
    try:
        if cache.add(key, 1, timeout):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:  # evicted between add and incr: start it again
            return 1 if cache.add(key, 1, timeout) else int(cache.incr(key))
    except Exception:  # the cache is down: let requests through rather than refuse them all
        log.warning("ve-edu-vault throttle: the cache cannot count requests; not throttling", exc_info=True)
        return None


class VaultUserRateThrottle(BaseThrottle):
    """Throttles each user (or anonymous IP); global staff get the higher ``vault_staff`` rate."""

    scope = "vault_user"
    staff_scope = "vault_staff"

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        rates: dict[str, str] = conf.get("VE_EDU_VAULT_API_THROTTLE_RATES") or {}
        # An endpoint class may have its own scope (``throttle_scope`` on the view, e.g. the webhook receiver);
        # without a rate configured for it, the user and staff scopes apply.
        own = getattr(view, "throttle_scope", None)
        if own and own in rates:
            scope = own
        else:
            scope = self.staff_scope if platform.is_global_staff(request.user) else self.scope
        rate = rates.get(scope)
        if not rate:
            return True
        limit, period = parse_rate(rate)
        user = request.user
        ident = f"user:{user.pk}" if user.is_authenticated else f"ip:{self.get_ident(request)}"
        now = time.time()
        window = window_for(f"{scope}:{ident}", period, now)
        count = count_hit(window, period)
        if count is None or count <= limit:
            return True
        self._wait = max(window.ends_at - now, 1.0)
        return False

    def wait(self) -> float | None:
        return self._wait
