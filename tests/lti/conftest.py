"""Fixtures of the LTI tests: the platform server (lti-consumer-xblock) and a registered, bound tool."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lti_harness import DEPLOYMENT_ID, ISSUER, PlatformServer, platform_server

TOOL_BASE = "http://testserver"


@pytest.fixture(scope="module")
def platform() -> Iterator[PlatformServer]:
    """The platform, for a tool served by Django's test client."""
    with platform_server(TOOL_BASE) as server:
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
    from tests.assessments.api_builders import make_assessment
    from ve_edu_vault.lti import api

    platform.register()
    assessment = make_assessment(block=None)
    api.link_resource(
        issuer=ISSUER,
        deployment_id=DEPLOYMENT_ID,
        context_id="ctx-1",
        resource_link_id="rl-1",
        assessment_id=assessment.id,
    )
    return assessment
