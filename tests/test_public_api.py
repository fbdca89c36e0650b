"""The top-level ``ve_edu_vault.api`` re-exports the applets' public APIs (and nothing private)."""

from __future__ import annotations

import pytest

from ve_edu_vault import api


@pytest.mark.parametrize("name", api.__all__)
def test_every_exported_name_exists(name: str) -> None:
    assert getattr(api, name) is not None


def test_the_applets_apis_are_their_api_modules() -> None:
    for name in ("analytics", "assessments", "course_sync", "mastery", "questions", "regrade"):
        module = getattr(api, name)
        assert module.__name__ == f"ve_edu_vault.{name}.api"
        assert module.__all__  # each applet declares its contract


def test_nothing_private_is_exported() -> None:
    assert not [name for name in api.__all__ if name.startswith("_") or "models" in name]
