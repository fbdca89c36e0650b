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
