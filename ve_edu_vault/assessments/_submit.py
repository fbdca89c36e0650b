"""
The grading pipeline of a submission, run inside the caller's transaction with the attempt locked.

TLDR: for each response, the registry grades the saved answer (an unreadable answer scores 0 with
the grader's message, it never fails the submission), ``scoring.response_score`` applies try and
hint penalties, ``scoring.attempt_totals`` sums by points, ``scoring.passed`` compares with the
threshold, and the attempt becomes GRADED, all in one transaction. A timer or sweep submission
grades exactly what was saved: expiry never turns answered work into a zero. After commit: the
``ATTEMPT_GRADED`` signal, and the grade hand-off to the platform when the assessment is graded.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction

from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.errors import QuestionError
from ve_edu_vault.questions.grading import grade_question

from . import feedback, scoring
from ._context import AssessmentContext, VersionCache
from .data import QuestionBehaviour
from .models import Attempt
from .repositories import AttemptRecord, ResponseRecord, get_repository

log = logging.getLogger(__name__)


def grade_answer(content: QuestionContent, answer: Any) -> tuple[float, bool, dict[str, Any]]:
    """``(raw score, correct, grader feedback)``; an answer the grader cannot read scores 0."""
    try:
        result = grade_question(content, answer)
    except QuestionError as error:
        return 0.0, False, {"score": 0.0, "correct": False, "error": error.message, "feedback": {}, "parts": []}
    return result.score, result.correct, result.to_dict()


def penalised(
    ctx: AssessmentContext, content: QuestionContent, raw: float, *, tries_used: int, hints_shown: int
) -> float:
    interactive = ctx.config.behaviour is QuestionBehaviour.INTERACTIVE
    return scoring.response_score(
        raw,
        tries_used=tries_used,
        try_penalty=ctx.config.try_penalty if interactive else 0.0,
        hint_penalties=feedback.shown_hint_penalties(content.hints, hints_shown, ctx.config.hint_penalty)
        if ctx.config.hints_enabled
        else (),
    )


def _grade_response(ctx: AssessmentContext, item: ResponseRecord, content: QuestionContent, now: datetime) -> float:
    repository = get_repository()
    if item.checked and item.graded_at is not None and item.raw_score is not None:
        # Checked during the attempt and unchanged since: that check is the grade.
        raw, tries = item.raw_score, max(1, item.tries_used)
        fields: dict[str, Any] = {}
    else:
        raw, correct, grader_feedback = grade_answer(content, item.answer)
        # Never checked: submission is the first try; changed after a check: one more try.
        tries = item.tries_used + 1 if item.checked else max(1, item.tries_used)
        fields = {"raw_score": raw, "correct": correct, "feedback": grader_feedback, "tries_used": tries}
    score = penalised(ctx, content, raw, tries_used=tries, hints_shown=item.hints_shown)
    repository.update_response(item.id, score=score, graded_at=now, **fields)
    return score


def finish_attempt(
    ctx: AssessmentContext, attempt: AttemptRecord, *, reason: str, now: datetime, versions: VersionCache
) -> AttemptRecord:
    """Grade and close a locked in-progress attempt; schedule the after-commit hand-offs."""
    items: list[tuple[float, float]] = []
    for item in attempt.responses:
        score = _grade_response(ctx, item, versions.content(item.question_version_id), now)
        items.append((score, item.points))
    earned, possible, fraction = scoring.attempt_totals(items)
    finished = get_repository().update_attempt(
        attempt.id,
        state=Attempt.GRADED,
        submitted_at=now,
        graded_at=now,
        earned=earned,
        possible=possible,
        score=fraction,
        passed=scoring.passed(fraction, ctx.config.pass_threshold),
        submit_reason=reason,
    )
    _set_monitoring(finished, reason)
    course_key = ctx.row.course_key
    graded = ctx.config.graded
    transaction.on_commit(lambda: _after_grading(finished, course_key=course_key, report=graded))
    return finished


def _set_monitoring(attempt: AttemptRecord, reason: str) -> None:
    try:
        from edx_django_utils.monitoring import set_custom_attribute
    except ImportError:  # pragma: no cover - edx-django-utils is a dependency; be tolerant anyway
        return
    set_custom_attribute("vault_attempt_id", attempt.id)
    set_custom_attribute("vault_submit_reason", reason)


def _after_grading(attempt: AttemptRecord, *, course_key: Any, report: bool) -> None:
    from .grades import hand_off_grade
    from .signals import ATTEMPT_GRADED

    ATTEMPT_GRADED.send_robust(
        sender=Attempt,
        attempt_id=attempt.id,
        user_id=attempt.user_id,
        course_key=course_key,
        assessment_id=attempt.assessment_id,
        score=attempt.score,
        passed=attempt.passed,
    )
    if report:
        hand_off_grade(attempt.assessment_id, attempt.user_id)
