"""
Celery tasks of assessments: the per-attempt timer, the periodic sweep, the grade reports. Tasks take ids, never models.

TLDR: ``auto_submit_attempt`` is queued for each timed attempt at its deadline plus grace (ETA); if
the deadline moved later (an accommodation) it queues itself again for the new time. Messages can
be lost (broker restart, Redis visibility timeout on long ETAs), so ``sweep_expired_attempts`` runs
periodically (every minute, from the LMS beat schedule) and submits whatever is overdue. Both are
idempotent: submitting locks the attempt row and does nothing to a finished attempt.

``report_pending_grades`` hands the grades queued by grading transactions (the outbox of
``grades.py``) to the platform: queued after submissions (at most once a second per process) and
run periodically by the beat schedule, so a lost message only delays a report.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from ve_edu_vault.assessments import queueing

log = logging.getLogger(__name__)

__all__ = ["auto_submit_attempt", "report_grade", "report_pending_grades", "sweep_expired_attempts"]


@shared_task(
    name="ve_edu_vault.assessments.tasks.auto_submit_attempt",
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
    acks_late=True,
)
def auto_submit_attempt(self, attempt_id: int) -> str:  # type: ignore[no-untyped-def]
    """Submit the attempt (reason "timer") if it is still in progress and its time is up."""
    from ve_edu_vault.assessments import api
    from ve_edu_vault.errors import NotFoundError

    try:
        result = api.auto_submit_attempt(int(attempt_id))
    except NotFoundError:
        return "missing"
    if result is not None:
        log.info("Timer submitted attempt %s", attempt_id)
        return "submitted"
    due = api.timer_due_at(int(attempt_id))
    if due is not None and due > timezone.now():
        self.apply_async(args=[attempt_id], eta=due)
        return "rescheduled"
    return "nothing to do"


@shared_task(name="ve_edu_vault.assessments.tasks.sweep_expired_attempts", acks_late=True)
def sweep_expired_attempts() -> int:
    """Submit every overdue attempt whose timer task was lost."""
    from ve_edu_vault.assessments import api

    return api.sweep_expired_attempts()


@shared_task(
    name="ve_edu_vault.assessments.tasks.report_grade",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=10,
    acks_late=True,
)
def report_grade(assessment_id: int, user_id: int) -> bool:
    """Publish a learner's grade (messages queued by releases before the outbox; the drain does the rest)."""
    from ve_edu_vault.assessments.grades import publish_grade_now

    return publish_grade_now(int(assessment_id), int(user_id))


#: Batches per run of ``report_pending_grades`` (each one transaction of ``grades.BATCH_SIZE`` rows).
MAX_BATCHES_PER_RUN = 50


@shared_task(name="ve_edu_vault.assessments.tasks.report_pending_grades", acks_late=True)
def report_pending_grades() -> int:
    """Report every queued grade that is due (batch after batch, bounded); returns how many were reported."""
    from ve_edu_vault.assessments.grades import BATCH_SIZE
    from ve_edu_vault.assessments.grades import report_pending_grades as drain

    total = 0
    for _batch in range(MAX_BATCHES_PER_RUN):
        reported, failed = drain()
        total += reported
        if reported + failed < BATCH_SIZE:
            break
    return total


# The lower modules queue these by name (``queueing.py``): they do not import this module, which sits on top.
for _task in (auto_submit_attempt, report_grade, report_pending_grades, sweep_expired_attempts):
    queueing.register(_task.name.rsplit(".", 1)[-1], _task)
