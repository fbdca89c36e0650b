"""Fixtures for the OLX reader: the real Open edX exports shared next to the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

# /work/shared/olx is <repo>/../shared/olx; this file is <repo>/tests/olx/conftest.py.
SHARED_OLX = Path(__file__).resolve().parents[2] / ".." / "shared" / "olx"


@pytest.fixture(scope="session")
def shared_olx() -> Path:
    if not (SHARED_OLX / "openedx-test-course" / "course" / "course.xml").is_file():
        pytest.skip(f"the shared Open edX test course exports are not available at {SHARED_OLX.resolve()}")
    return SHARED_OLX.resolve()


@pytest.fixture(scope="session")
def course_dir(shared_olx: Path) -> Path:
    return shared_olx / "openedx-test-course" / "course"


@pytest.fixture(scope="session")
def course_tarball(shared_olx: Path) -> Path:
    path = shared_olx / "openedx-test-course-dist" / "test-course.tar.gz"
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    return path
