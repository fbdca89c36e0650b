"""
What learners see before and around attempts: the preview and the course's list of assessments.

TLDR: private to the applet, re-exported by ``api.py``. The preview renders through ``_render``
exactly as a learner's attempt, with nothing stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from . import _render, scoring, timing
from ._context import AssessmentContext, VersionCache, assessment_row, context_of
from ._draw import draw_responses
from .data import Accommodation, AttemptState
from .data_api import AttemptView, LearnerAssessmentSummary
from .data_records import AssessmentRecord
from .repositories import get_assessment_repository, get_repository


def preview_assessment(assessment_id: int, *, seed: int | None = None, now: datetime | None = None) -> AttemptView:
    """What a learner would see on starting now, rendered the same way; nothing is stored."""
    now = now or timezone.now()
    ctx = context_of(assessment_row(assessment_id))
    seed = secrets.randbits(48) if seed is None else seed
    versions = VersionCache()
    deadline = ctx.deadline(now, Accommodation())
    views = tuple(
        _render.question_view(
            ctx,
            response=None,
            content=versions.content(item.question_version_id),
            position=item.position,
            seed=seed,
            state=AttemptState.IN_PROGRESS,
            now=now,
        )
        for item in draw_responses(ctx, user_id=None, seed=seed)
    )
    return AttemptView(
        id=0,
        assessment_id=assessment_id,
        number=0,
        state=AttemptState.IN_PROGRESS,
        started_at=now,
        deadline=deadline,
        seconds_left=timing.seconds_left(now, deadline),
        submitted_at=None,
        questions=views,
        preview=True,
    )


def _by_id(row: AssessmentRecord) -> int:
    return row.id


def list_learner_assessments(
    course_key: CourseKey, user: Any, *, now: datetime | None = None
) -> list[LearnerAssessmentSummary]:
    """A learner's view of the course's (active) assessments: window, limits, attempts and released score."""
    now = now or timezone.now()
    rows = sorted(get_assessment_repository().list_assessments(course_key, include_archived=False), key=_by_id)
    return [_summary(context_of(row), user, now) for row in rows]


def learner_assessment(assessment_id: int, user: Any, *, now: datetime | None = None) -> LearnerAssessmentSummary:
    """One assessment as ``list_learner_assessments`` shows it to the learner (for the XBlock); a 404 if absent."""
    return _summary(context_of(assessment_row(assessment_id)), user, now or timezone.now())


def _summary(ctx: AssessmentContext, user: Any, now: datetime) -> LearnerAssessmentSummary:
    row = ctx.row
    accommodation = ctx.accommodation(user.pk)
    attempts = get_repository().list_attempts(row.id, user.pk)
    released = [
        attempt
        for attempt in attempts
        if attempt.state == AttemptState.GRADED
        and attempt.score is not None
        and _render.score_released(ctx, attempt, now)
    ]
    score = scoring.combine_attempts(ctx.config.scoring, [attempt.score or 0.0 for attempt in released])
    return LearnerAssessmentSummary(
        id=row.id,
        title=row.title,
        node_usage_key=ctx.usage_key,
        opens_at=ctx.opens_at,
        closes_at=ctx.closes_at,
        is_open=timing.is_open(now, ctx.opens_at, ctx.closes_at),
        time_limit_minutes=ctx.time_limit_minutes(accommodation),
        attempts_used=len(attempts),
        attempts_allowed=ctx.attempts_allowed(accommodation),
        in_progress_attempt_id=next((a.id for a in attempts if a.state == AttemptState.IN_PROGRESS), None),
        score=score,
        passed=scoring.passed(score, ctx.config.pass_threshold) if score is not None else None,
    )
