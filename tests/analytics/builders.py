"""
Fixed data sets for the analytics tests: graded attempts with chosen scores, written as the grading path stores them.

TLDR: the statistics are checked on score matrices chosen by the test (rows: attempts, columns: questions), so
the reference computations (NumPy, SciPy) see exactly what the database aggregates. The attempts and responses
are rows of the real tables with the fields the grading path fills (earned, possible, score, correct); the
end-to-end test through ``assessments.api`` lives in test_item_analysis.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.assessments.api_builders import COURSE, learner, make_assessment
from ve_edu_vault.assessments.models import Attempt, Response
from ve_edu_vault.questions import api as questions

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def assessment_with_questions() -> tuple[Any, list[Any]]:
    """The builders' assessment (mc 1 point, fib 2 points, numeric 1 point) and its questions' current versions."""
    created = make_assessment(block=None)
    ids = created.config.selection.question_ids
    found = questions.get_questions(ids)
    return created, [found[qid].current_version for qid in ids]


def add_attempt(
    assessment_id: int,
    user: Any,
    versions: list[Any],
    fractions: list[float],
    *,
    number: int = 1,
    seconds: float = 600.0,
    answers: list[Any] | None = None,
    state: str = Attempt.GRADED,
) -> Attempt:
    """One graded attempt with one response per version scored ``fractions`` (0..1)."""
    earned = sum(f * v.points for f, v in zip(fractions, versions, strict=True))
    possible = sum(v.points for v in versions)
    started = START + timedelta(hours=number)
    attempt = Attempt.objects.create(
        assessment_id=assessment_id,
        user=user,
        number=number,
        state=state,
        seed=number,
        started_at=started,
        submitted_at=started + timedelta(seconds=seconds),
        graded_at=started + timedelta(seconds=seconds),
        earned=earned,
        possible=possible,
        score=earned / possible,
        passed=earned / possible >= 0.5,
        in_progress=None,
    )
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            position=position,
            question_id=version.question_id,
            question_version_id=version.id,
            points=version.points,
            answer=(answers[position] if answers else None),
            raw_score=fraction,
            score=fraction,
            correct=fraction == 1.0,
            tries_used=1,
            checked=True,
            graded_at=attempt.graded_at,
        )
        for position, (version, fraction) in enumerate(zip(versions, fractions, strict=True))
    )
    return attempt


def learners(make_user: Any, count: int, prefix: str = "l") -> list[Any]:
    return [learner(make_user, f"{prefix}{i}") for i in range(count)]


__all__ = ["COURSE", "START", "add_attempt", "assessment_with_questions", "learners"]
