"""
Shared fixtures. The suite runs in one host per pytest run: the LMS host by default, the Studio
host with ``--ds=hosts.cms.test_settings``. Tests marked ``cms`` run only in the Studio run,
tests marked ``both_hosts`` in both; all others only in the LMS run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


def _host() -> str:
    from django.conf import settings

    if not settings.configured:  # pure tests run with -p no:django
        return "lms"
    return getattr(settings, "VAULT_HOST", "lms")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    host = _host()
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        if "both_hosts" in marks:
            continue
        wanted = "cms" if "cms" in marks else "lms"
        if wanted != host:
            item.add_marker(pytest.mark.skip(reason=f"runs in the {wanted} host run"))


@pytest.fixture
def shared_olx() -> Path:
    path = SHARED / "olx"
    if not path.is_dir():
        pytest.skip(f"the shared course exports are not at {path}")
    return path


@pytest.fixture
def test_course_dir(shared_olx: Path) -> Path:
    return shared_olx / "openedx-test-course" / "course"


@pytest.fixture
def test_course_tar(shared_olx: Path) -> Path:
    return shared_olx / "openedx-test-course-dist" / "test-course.tar.gz"


@pytest.fixture
def make_user(db: Any) -> Any:
    from django.contrib.auth import get_user_model

    counter = {"n": 0}

    def make(username: str | None = None, **fields: Any) -> Any:
        counter["n"] += 1
        name = username or f"user{counter['n']}"
        return get_user_model().objects.create_user(
            username=name, email=f"{name}@example.com", password="pass-1234", **fields
        )

    return make


@pytest.fixture
def staff_user(make_user: Any) -> Any:
    return make_user("global_staff", is_staff=True)


@pytest.fixture
def jwt_client() -> Any:
    """An APIClient factory authenticating with an Open edX JWT signed with the host's private key, as the LMS signs."""
    from rest_framework.test import APIClient

    from tests.jwt_tokens import lms_jwt

    def make(user: Any) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"JWT {lms_jwt(user)}")
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_grade_report_window() -> None:
    """Each test starts outside the grade-report trigger window (it is per process, as in a worker)."""
    from ve_edu_vault.assessments import grades

    grades._last_trigger[0] = float("-inf")


STANDINS = Path(__file__).resolve().parent / "edx_platform_standins"
STANDIN_PACKAGES = ("common", "lms", "cms", "openedx", "xmodule")


def _purge_standins() -> None:
    import sys

    for name in list(sys.modules):
        if name.split(".")[0] in STANDIN_PACKAGES:
            del sys.modules[name]


@pytest.fixture
def edx_platform(settings: Any) -> Any:
    """
    The real edx-platform backend, run against the stand-ins of tests/edx_platform_standins/.

    Puts the stand-ins first on ``sys.path``, selects ``VE_EDU_VAULT_PLATFORM_BACKEND="edx_platform"``
    (the platform adapter reloads its backend) and yields the stand-in modulestore; on exit removes
    the stand-ins again, with their state (see that folder's README).
    """
    import sys

    from ve_edu_vault.platform import api as platform

    _purge_standins()
    sys.path.insert(0, str(STANDINS))
    try:
        settings.VE_EDU_VAULT_PLATFORM_BACKEND = "edx_platform"
        assert platform.backend_name() == "edx_platform"
        from xmodule.modulestore.django import modulestore

        yield modulestore()
    finally:
        sys.path.remove(str(STANDINS))
        _purge_standins()
