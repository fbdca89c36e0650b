"""
Fixed data sets for the analytics tests: graded attempts with chosen scores, written as the grading path stores them.

TLDR: the statistics are checked on score matrices chosen by the test (rows: attempts, columns: questions), so
the reference computations (NumPy, SciPy) see exactly what the database aggregates. The attempts and responses
are rows of the real tables with the fields the grading path fills (earned, possible, score, correct); the
end-to-end test through ``assessments.api`` lives in test_item_analysis.py. With
``VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"`` (the ``storage`` fixture of ``tests/analytics/conftest.py``) the same
attempts are written to MongoDB through the attempt repository instead (and nothing to the SQL tables), so one data
set runs through both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from kombu import Producer

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
    if getattr(settings, "VE_EDU_VAULT_STORAGE_BACKEND", "django") == "mongodb":
        return _mongodb_attempt(assessment_id, user, versions, fractions, number, seconds, answers, state)
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


def _mongodb_attempt(
    assessment_id: int,
    user: Any,
    versions: list[Any],
    fractions: list[float],
    number: int,
    seconds: float,
    answers: list[Any] | None,
    state: str,
) -> Any:
    """The same attempt in MongoDB, through the repository (started, answered and graded as the grading path does)."""
    from ve_edu_vault.assessments.repositories import NewAttempt, NewResponse, get_repository

    repository = get_repository("mongodb")
    earned = sum(f * v.points for f, v in zip(fractions, versions, strict=True))
    possible = sum(v.points for v in versions)
    started = START + timedelta(hours=number)
    graded = started + timedelta(seconds=seconds)
    record = repository.create_attempt(
        NewAttempt(
            assessment_id=assessment_id,
            user_id=user.pk,
            number=number,
            seed=number,
            started_at=started,
            deadline=None,
            responses=tuple(
                NewResponse(position=i, question_id=v.question_id, question_version_id=v.id, points=v.points)
                for i, v in enumerate(versions)
            ),
        )
    )
    repository.update_responses(
        [
            (response.id, {"answer": answers[i] if answers else None, "raw_score": fraction, "score": fraction,
                           "correct": fraction == 1.0, "tries_used": 1, "checked": True, "graded_at": graded})
            for i, (response, fraction) in enumerate(zip(record.responses, fractions, strict=True))
        ]
    )  # fmt: skip
    return repository.update_attempt(
        record.id, state=state, submitted_at=graded, graded_at=graded, earned=earned, possible=possible,
        score=earned / possible, passed=earned / possible >= 0.5,
    )  # fmt: skip


def learners(make_user: Any, count: int, prefix: str = "l") -> list[Any]:
    return [learner(make_user, f"{prefix}{i}") for i in range(count)]


__all__ = ["COURSE", "START", "add_attempt", "assessment_with_questions", "learners"]


REBUILD = "ve_edu_vault.analytics.tasks.rebuild_item_summaries"


def queued_rebuilds(monkeypatch: Any) -> list[int]:
    """The assessments whose rebuild is published to the broker from now on (recorded, not sent)."""
    queued: list[int] = []

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> None:
        if (kwargs.get("headers") or {}).get("task") == REBUILD:
            queued.append(int(body[0][0]))  # Celery's message protocol 2: (args, kwargs, embed)

    monkeypatch.setattr(Producer, "publish", publish)
    return queued
