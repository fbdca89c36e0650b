"""Fixtures of the LTI tests: the platform server (lti-consumer-xblock) and a registered, bound tool."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lti_harness import PlatformServer, platform_server, registered_and_bound

TOOL_BASE = "http://testserver"


@pytest.fixture(scope="module")
def platform() -> Iterator[PlatformServer]:
    """The platform, for a tool served by Django's test client."""
    with platform_server(TOOL_BASE) as server:
        yield server


@pytest.fixture(scope="module")
def live_platform(live_server: Any) -> Iterator[PlatformServer]:
    """The platform, for the tool served over HTTP by the live server (it fetches the tool's JWKS)."""
    with platform_server(live_server.url) as server:
        yield server


@pytest.fixture(autouse=True)
def _lti_enabled(settings: Any) -> None:
    from django.core.cache import cache

    settings.VE_EDU_VAULT_LTI_ENABLED = True
    settings.VE_EDU_VAULT_LTI_BASE_URL = TOOL_BASE
    cache.clear()  # state, nonces, the platform's cached JWKS


@pytest.fixture
def bound(db: Any, platform: PlatformServer) -> Any:
    """The platform registered, a synced course with an assessment, resource link rl-1 (context ctx-1) bound to it."""
    return registered_and_bound(platform)
