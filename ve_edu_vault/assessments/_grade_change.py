"""
Manual grade change: course staff set a graded attempt's points by hand, with a reason. Re-exported by ``api.py``.

TLDR: one transaction locks the attempt, writes the ``grade_changed`` audit entry with the grade before and after and
the ``attempt.graded`` webhook event, then stores the new points (score and pass follow from them) and queues the
grade publication on the attempt (the grade-report outbox of ``grades.py``: the LMS gradebook, and LTI AGS through the
score sinks). The attempt is written last: a MongoDB attempt document is not rolled back with the transaction, so a
failing audit or event write must come before it. After commit the report is handed off as after a submission. The
responses' own scores are untouched (item statistics and mastery stay what the learner answered, so the
``ATTEMPT_GRADED`` signal, whose receivers add an attempt's responses to the summaries, is not sent again); a later
regrade keeps the hand-set total (see docs/decisions/0026-audit-everything-and-manual-grade-change.rst).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ve_edu_vault.audit import api as audit
from ve_edu_vault.errors import ConflictError, ValidationError
from ve_edu_vault.hooks.signals import record_event

from . import scoring
from ._attempts import now_or
from ._context import load_context
from .data import AttemptState
from .data_api import GradeChange
from .grades import hand_off_grade
from .repositories import AttemptRecord, get_repository

#: The longest reason kept (the audit entry holds it).
REASON_MAX_LENGTH = 500


def _earned(value: Any, possible: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(_("earned must be a number of points."), field="earned")
    if not 0 <= value <= possible:
        raise ValidationError(
            _("earned must be between 0 and the attempt's points possible ({possible:g}).").format(possible=possible),
            field="earned",
        )
    return float(value)


def _reason(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(_("Give the reason for the grade change."), field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is at most {limit} characters.").format(limit=REASON_MAX_LENGTH), field="reason"
        )
    return text


def _grade(attempt: AttemptRecord) -> dict[str, Any]:
    return {"earned": attempt.earned, "score": attempt.score, "passed": attempt.passed}


def change_attempt_grade(
    attempt_id: int, *, earned: Any, reason: Any, staff: Any, now: datetime | None = None
) -> GradeChange:
    """
    Set a graded attempt's points by hand (the caller checked that ``staff`` is the course's staff).

    Raises ``ValidationError`` (400) for points outside 0..possible or a missing reason, ``ConflictError`` (409) for
    an attempt not graded yet, ``NotFoundError`` (404) for no such attempt. Nothing is stored when one is raised.
    """
    text = _reason(reason)
    now = now_or(now)
    repository = get_repository()
    with transaction.atomic():
        attempt = repository.get_attempt(attempt_id, lock=True)
        if attempt.state != AttemptState.GRADED or not attempt.possible:
            raise ConflictError(_("Only a graded attempt's grade can be changed."), field="attempt_id")
        possible = float(attempt.possible)
        points = _earned(earned, possible)
        ctx = load_context(attempt.assessment_id)
        fraction = points / possible
        report = ctx.reports_grades
        after = {"earned": points, "score": fraction, "passed": scoring.passed(fraction, ctx.config.pass_threshold)}
        course_key = ctx.row.course_key
        # The SQL writes first, the attempt last: the transaction rolls the audit entry and the event back when the
        # attempt's write fails, but not a MongoDB attempt document when a later SQL write fails.
        audit.record(
            audit.GRADE_CHANGED,
            object_type="attempt",
            object_id=attempt.id,
            course_key=course_key,
            actor=staff,
            learner_id=attempt.user_id,
            details={
                "assessment_id": attempt.assessment_id,
                "reason": text,
                "possible": possible,
                "before": _grade(attempt),
                "after": after,
            },
        )
        record_event(
            "attempt.graded",
            course_key=course_key,
            data={
                "attempt_id": attempt.id,
                "assessment_id": attempt.assessment_id,
                "user_id": attempt.user_id,
                "score": fraction,
                "passed": after["passed"],
                "earned": points,
                "possible": attempt.possible,
                "changed_by_staff": True,
            },
            sender=AttemptRecord,
        )
        changed = repository.update_attempt(attempt.id, **after, **({"report_due_at": now} if report else {}))
        if report:
            transaction.on_commit(lambda: hand_off_grade(changed.assessment_id, changed.user_id))
    return GradeChange(
        attempt_id=changed.id,
        assessment_id=changed.assessment_id,
        user_id=changed.user_id,
        earned=points,
        possible=possible,
        score=fraction,
        passed=bool(changed.passed),
        previous_earned=attempt.earned,
        reason=text,
        grade_reported=report,
    )
