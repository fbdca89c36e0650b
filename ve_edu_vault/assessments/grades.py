"""
Grade hand-off: the learner's score on a graded assessment goes to the platform's gradebook.

TLDR: a transactional outbox kept on the attempt row. The transaction that grades an attempt (or
regrades it) sets its ``report_due_at`` in the same UPDATE that stores the grade, so a committed
grade always has its report queued, whatever happens after the commit (broker down, process
killed), at no extra statement. ``report_pending_grades`` reports the due attempts' learners and
clears the mark in the transaction that reports; a failing report stays queued with a backoff
(``report_tries``, ``report_due_at``, ``report_error``) and is never dropped. Who runs it:

- ``VE_EDU_VAULT_GRADE_REPORT = "task"`` (default): after commit, ``hand_off_grade`` asks the
  ``report_pending_grades`` task to run in ``TRIGGER_WINDOW_SECONDS``, at most once per window per
  process (the run reports every row committed in the window, so a busy LMS publishes a handful of
  messages per second instead of one per submission), and the beat schedule runs the same task
  periodically as the catch-all;
- ``"inline"``: after commit, the request reports the learner's queued rows itself.

What is published: the learner's grade over graded attempts by the assessment's scoring method
(highest, latest, average, first) as the standard XBlock ``grade`` event of the vault assessment
block the assessment is bound to (``AssessmentBlock``): ``value`` is that fraction times the
latest graded attempt's points possible, ``max_value`` those points, both floats, unscaled; the LMS
grades app weights them by the block's ``weight``. An assessment that is not graded or not bound to
a block, or a learner without a graded attempt, publishes nothing: such grades count in the vault
only (a mirror node, a chapter, sequential or vertical, is not a scorable block). See
docs/decisions/0003-grades-to-the-platform.rst.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault import conf
from ve_edu_vault.platform import api as platform

from . import queueing, score_sinks, scoring
from ._context import AssessmentContext, load_context
from .data import AttemptState
from .repositories import get_repository
from .score_sinks import LearnerScore

__all__ = [
    "GradeReportStatus",
    "ReportedGrade",
    "grade_report_status",
    "hand_off_grade",
    "learner_grade",
    "learner_score",
    "report_pending_grades",
    "trigger_drain",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportedGrade:
    """A learner's grade as the bound block publishes it (the XBlock ``grade`` event's ``value`` and ``max_value``)."""

    course_key: CourseKey
    usage_key: str  # the vault assessment block's
    value: float
    max_value: float


def learner_score(assessment_id: int, user_id: int, *, ctx: AssessmentContext | None = None) -> LearnerScore | None:
    """The learner's score over their graded attempts (the assessment's scoring method), or None without one."""
    ctx = ctx or load_context(assessment_id)
    attempts = get_repository().list_attempts(assessment_id, user_id)
    graded = [
        attempt
        for attempt in attempts
        if attempt.state == AttemptState.GRADED and attempt.score is not None and attempt.graded_at is not None
    ]
    if not graded:
        return None
    fraction = scoring.combine_attempts(ctx.config.scoring, [attempt.score or 0.0 for attempt in graded])
    possible = float(graded[-1].possible or 0.0)
    if fraction is None or possible <= 0:
        return None
    graded_at = graded[-1].graded_at
    assert graded_at is not None
    return LearnerScore(
        assessment_id=assessment_id,
        user_id=user_id,
        earned=min(possible, max(0.0, float(fraction) * possible)),
        possible=possible,
        graded_at=graded_at,
        attempt_in_progress=any(attempt.state == AttemptState.IN_PROGRESS for attempt in attempts),
    )


def learner_grade(assessment_id: int, user_id: int) -> ReportedGrade | None:
    """What the LMS gradebook should hold for this learner and assessment, or None if nothing is to publish."""
    ctx = load_context(assessment_id)
    if not (ctx.config.graded and ctx.block_usage_key is not None):
        return None
    score = learner_score(assessment_id, user_id, ctx=ctx)
    if score is None:
        return None
    return ReportedGrade(
        course_key=ctx.row.course_key, usage_key=ctx.block_usage_key, value=score.earned, max_value=score.possible
    )


def publish_grade_now(assessment_id: int, user_id: int) -> bool:
    """
    Publish synchronously to the LMS gradebook (a bound block) and hand the score to the score sinks that want it
    (in the caller's transaction); raises what they raise. True if anything was published or handed over.
    """
    done = False
    grade = learner_grade(assessment_id, user_id)
    if grade is not None:
        user = get_user_model().objects.get(pk=user_id)
        platform.publish_grade(
            user, UsageKey.from_string(grade.usage_key), value=grade.value, max_value=grade.max_value
        )
        done = True
    wanting = [sink for sink in score_sinks.sinks() if sink.wants(assessment_id)]
    if wanting:
        score = learner_score(assessment_id, user_id)
        if score is not None:
            for sink in wanting:
                sink.receive(score)
            done = True
    return done


#: After a submission, the drain task runs this many seconds later, and a process asks for it at most once per window.
TRIGGER_WINDOW_SECONDS = 1.0
#: A failed report is tried again after 30 s, then 60 s, 120 s... at most an hour apart; it is never dropped.
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
#: Rows read per drain transaction.
BATCH_SIZE = 200

_last_trigger = [float("-inf")]


def hand_off_grade(assessment_id: int, user_id: int) -> None:
    """
    After the grading transaction committed a queued report: have it reported; never raises.

    ``"task"``: ask for the drain task (at most once per ``TRIGGER_WINDOW_SECONDS`` per process; if
    the broker is down the beat's periodic run reports it). ``"inline"``: report this learner's
    queued grade now, in the request; what fails stays queued.
    """
    if conf.get("VE_EDU_VAULT_GRADE_REPORT") == "inline":
        try:
            report_pending_grades(assessment_id=assessment_id, user_id=user_id)
        except Exception:
            log.exception("Grade report for assessment %s, user %s failed; it stays queued", assessment_id, user_id)
        return
    trigger_drain()


def trigger_drain() -> None:
    """Queue the drain task to run in ``TRIGGER_WINDOW_SECONDS``, unless this process did so within that window."""
    now = time.monotonic()
    if now - _last_trigger[0] < TRIGGER_WINDOW_SECONDS:
        return
    _last_trigger[0] = now
    try:
        queueing.task("report_pending_grades").apply_async(countdown=TRIGGER_WINDOW_SECONDS)
    except Exception:
        log.warning("Could not queue the grade report task; the periodic run will report the queued grades")


def report_pending_grades(
    *,
    now: datetime | None = None,
    assessment_id: int | None = None,
    user_id: int | None = None,
    limit: int = BATCH_SIZE,
) -> tuple[int, int]:
    """
    Report queued grades that are due (one transaction, at most ``limit`` attempts); ``(reported, failed)``.

    A learner with several queued attempts on one assessment is reported once (the current grade covers them
    all) and every mark is cleared in the same transaction; attempts another worker holds are skipped where the
    database can (``SKIP LOCKED``). A report that fails rolls back to its savepoint and its attempts wait for the
    next try (backoff doubling from ``RETRY_BASE_SECONDS`` up to ``RETRY_MAX_SECONDS``).
    """
    now = now or timezone.now()
    reported = failed = 0
    repository = get_repository()
    with transaction.atomic():
        for due in repository.due_reports(now, assessment_id=assessment_id, user_id=user_id, limit=limit):
            assessment, user = due.assessment_id, due.user_id
            try:
                with transaction.atomic():  # a savepoint: one failing report leaves the others
                    publish_grade_now(assessment, user)
            except Exception as error:
                tries = due.tries + 1
                delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (tries - 1))
                repository.defer_reports(
                    due.attempt_ids,
                    tries=tries,
                    due_at=now + timedelta(seconds=delay),
                    error=f"{type(error).__name__}: {error}"[:2000],
                )
                log.warning(
                    "Grade report for assessment %s, user %s failed (try %s); retrying in %s s",
                    assessment,
                    user,
                    tries,
                    delay,
                    exc_info=True,
                )
                failed += 1
            else:
                repository.clear_reports(due.attempt_ids)
                reported += 1
    return reported, failed


@dataclass(frozen=True, kw_only=True, slots=True)
class GradeReportStatus:
    """What staff see of an assessment's grade publications: queued, failing (tried and waiting), the last error."""

    queued: int  # attempts whose grade waits to be published (due now or later)
    failing: int  # of those, attempts whose last try failed
    last_error: str  # the most recent failure's message, "" if none
    next_try_at: datetime | None  # the earliest queued publication's time


def grade_report_status(assessment_id: int) -> GradeReportStatus:
    """The grade-publication outbox of one assessment, for its staff (the block's staff view, the authoring page)."""
    found = get_repository().report_status(assessment_id)
    return GradeReportStatus(
        queued=found.queued, failing=found.failing, last_error=found.last_error, next_try_at=found.next_try_at
    )
