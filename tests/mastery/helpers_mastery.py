"""Builders shared by the mastery tests (pure: no Django, no database)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from ve_edu_vault.mastery import Observation

START = datetime(2025, 11, 3, 14, 0, tzinfo=UTC)


def observations(outcomes: Iterable[bool | int], *, first_id: int = 1) -> list[Observation]:
    """One observation per outcome, a minute apart, response ids counting up from ``first_id``."""
    return [
        Observation(
            response_id=first_id + index,
            correct=bool(outcome),
            score=1.0 if outcome else 0.0,
            at=START + timedelta(minutes=index),
            question_id=100 + index,
        )
        for index, outcome in enumerate(outcomes)
    ]
