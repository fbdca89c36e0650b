"""
Celery tasks of the LTI tool: AGS score delivery. Tasks take ids, never models.

TLDR: ``deliver_lti_scores`` is queued after the grade-report drain hands scores over (``handlers.AgsScoreSink``)
and runs periodically from the beat schedule; after a failed send it queues itself for the earliest retry, so
backoff does not wait for the beat. A lost message only delays a score: the rows are the truth.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

log = logging.getLogger(__name__)

__all__ = ["deliver_lti_scores"]

#: Batches one run sends at most (``ags.BATCH_SIZE`` scores each).
MAX_BATCHES = 50


@shared_task(
    name="ve_edu_vault.lti.tasks.deliver_lti_scores",
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    max_retries=5,
    acks_late=True,
)
def deliver_lti_scores(self) -> str:  # type: ignore[no-untyped-def]
    from ve_edu_vault.lti import ags, store

    delivered = failed = 0
    for _batch in range(MAX_BATCHES):  # a full batch: more may be due (bounded, the beat does the rest)
        sent, refused = ags.deliver_due()
        delivered, failed = delivered + sent, failed + refused
        if sent + refused < ags.BATCH_SIZE:
            break
    if failed:
        due = store.next_due(timezone.now())
        if due is not None:
            self.apply_async(eta=due)
    log.info("AGS scores: %s delivered, %s failed", delivered, failed)
    return f"{delivered} delivered, {failed} failed"
