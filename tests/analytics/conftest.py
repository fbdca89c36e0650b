"""
The analytics tests run their fixed data sets through both attempt backends: ``storage`` (``tests/storage_backends.py``)
selects MongoDB before ``builders.add_attempt`` writes there (through the attempt repository). ``clock`` sets the wall
clock the summaries' refresh windows are cut from (``analytics/refresh.py``) by hand.
"""

from __future__ import annotations

from typing import Any

import pytest
from storage_backends import storage

__all__ = ["WINDOW_START", "Clock", "clock", "storage"]

#: The start of a refresh window (2027-01-15 08:00 UTC): a multiple of every window length the tests use.
WINDOW_START = 1_800_000_000.0


class Clock:
    """The wall clock ``refresh.py`` reads (seconds since the epoch, UTC), moved by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    """A quarter of a second into a window, standing still until the test moves it."""
    from ve_edu_vault.analytics import refresh

    at = Clock(WINDOW_START + 0.25)
    monkeypatch.setattr(refresh, "clock", at)
    return at
