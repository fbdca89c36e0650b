"""
Grade hand-off: the learner's score on a graded assessment goes to the platform's gradebook.

TLDR: called after the grading transaction commits (never inside it: the platform may be slow or
down, and a failure there must not undo a grade). The score reported is the learner's score over
graded attempts by the assessment's scoring method, against the block the assessment is attached
to (its mirror node's usage key); an assessment without a node, an ungraded assessment, or a
learner without a graded attempt reports nothing. A failed report is retried by the
``report_grade`` Celery task. See docs/decisions/0003-grades-to-the-platform.rst.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.platform import api as platform

from . import scoring
from ._context import load_context
from .models import Attempt
from .repositories import get_repository

__all__ = ["ReportedGrade", "hand_off_grade", "learner_grade"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportedGrade:
    course_key: CourseKey
    usage_key: str
    earned: float
    possible: float
    graded_at: datetime


def learner_grade(assessment_id: int, user_id: int) -> ReportedGrade | None:
    """What the gradebook should hold for this learner and assessment, or None if nothing is to report."""
    ctx = load_context(assessment_id)
    if not ctx.config.graded or ctx.usage_key is None:
        return None
    graded = [
        attempt
        for attempt in get_repository().list_attempts(assessment_id, user_id)
        if attempt.state == Attempt.GRADED and attempt.score is not None and attempt.graded_at is not None
    ]
    if not graded:
        return None
    fraction = scoring.combine_attempts(ctx.config.scoring, [attempt.score or 0.0 for attempt in graded])
    latest = graded[-1]
    possible = latest.possible or 0.0
    if fraction is None or possible <= 0:
        return None
    return ReportedGrade(
        course_key=ctx.row.course_key,
        usage_key=ctx.usage_key,
        earned=fraction * possible,
        possible=possible,
        graded_at=max(attempt.graded_at for attempt in graded if attempt.graded_at is not None),
    )


def report_grade_now(assessment_id: int, user_id: int) -> bool:
    """Report synchronously; raises what the platform raises. True if a grade was reported."""
    grade = learner_grade(assessment_id, user_id)
    if grade is None:
        return False
    user = get_user_model().objects.get(pk=user_id)
    platform.report_score(
        user,
        grade.course_key,
        usage_key=grade.usage_key,
        earned=grade.earned,
        possible=grade.possible,
        graded_at=grade.graded_at,
    )
    return True


def hand_off_grade(assessment_id: int, user_id: int) -> None:
    """
    Hand the learner's grade to the platform, after commit; never raises.

    By default (``VE_EDU_VAULT_GRADE_REPORT = "task"``) the ``report_grade`` Celery task reports it, so a
    learner's submission does not wait on the platform's grade machinery (edx-submissions, then the
    grades app's recalculation) and a slow or failing platform is retried with backoff. ``"inline"``
    reports within the request and queues the task only when that fails.
    """
    if conf.get("VE_EDU_VAULT_GRADE_REPORT") != "inline":
        try:
            from .tasks import report_grade

            report_grade.apply_async(args=[assessment_id, user_id])
            return
        except Exception:  # the broker is down: report now rather than lose the hand-off
            log.warning(
                "Could not queue the grade report for assessment %s, user %s; reporting now", assessment_id, user_id
            )
    try:
        report_grade_now(assessment_id, user_id)
    except Exception:
        log.warning("Grade report for assessment %s, user %s failed; queued a retry", assessment_id, user_id)
        try:
            from .tasks import report_grade

            report_grade.apply_async(args=[assessment_id, user_id], countdown=30)
        except Exception:
            log.exception("Could not queue the grade report for assessment %s, user %s", assessment_id, user_id)
