"""
Shared fixtures. The suite runs in one host per pytest run: the LMS host by default, the Studio
host with ``--ds=hosts.cms.test_settings``. Tests marked ``cms`` run only in the Studio run,
tests marked ``both_hosts`` in both; all others only in the LMS run. ``--without-database-free`` leaves out the
tests that use no database (``make test`` runs them with its first database only; ADR 0030).
"""

from __future__ import annotations

from collections.abc import Iterator
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


#: pytest-django's fixtures that give a test the test database. (``django_db_blocker`` is not one: an autouse fixture
#: of pytest-django takes it for every test; the tests that unblock it here open SQLite files of their own.)
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--without-database-free",
        action="store_true",
        help="leave out the tests that use no database (scripts/test.sh: they run with the first database only)",
    )


def uses_database(item: Any) -> bool:
    """Whether a test reaches the test database: a ``django_db`` mark, a database fixture, or ``every_database``."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("every_database"):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    host = _host()
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        if "both_hosts" in marks:
            continue
        wanted = "cms" if "cms" in marks else "lms"
        if wanted != host:
            item.add_marker(pytest.mark.skip(reason=f"runs in the {wanted} host run"))
    if config.getoption("--without-database-free"):
        # A test that uses no database answers the same on every database server: ``make test`` runs it with the
        # first database only (ADR 0030). ``tools/ci_test_ids.py`` checks that every test still runs in CI.
        kept = [item for item in items if uses_database(item)]
        config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
        items[:] = kept


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


@pytest.fixture
def browser() -> Iterator[Any]:
    """The system's headless Chromium (``tests/browser_pages.py``; pages as a user with ``logged_in_page``)."""
    from tests.browser_pages import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(autouse=True)
def _fresh_grade_report_window() -> None:
    """Each test starts outside the grade-report trigger window (it is per process, as in a worker)."""
    from ve_edu_vault.assessments import grades

    grades._last_trigger[0] = float("-inf")


@pytest.fixture(autouse=True)
def _fresh_refresh_windows() -> None:
    """Each test starts with no summaries' refresh window remembered (per process; SQLite reuses rolled-back ids)."""
    import sys

    refresh = sys.modules.get("ve_edu_vault.analytics.refresh")  # not imported yet: nothing to forget
    if refresh is not None:
        refresh.forget()


@pytest.fixture(autouse=True)
def _fresh_process_cache() -> None:
    """
    Each test starts with an empty process-local cache (the default test cache): what a test cached about its rows
    (whether an assessment has LTI links, say) must not outlive them, and SQLite reuses the ids of rolled-back rows.
    A shared Redis cache (``CACHE_REDIS_URL``) is left alone: its database may be the broker's.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


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
