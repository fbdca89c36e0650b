"""
Celery tasks of analytics. They take ids, never models.

TLDR: ``run_export`` writes an export job's file to the export storage and mails the requester; safe to redeliver
(a finished job is not written twice), hence ``acks_late``. ``refresh_item_summaries`` adds an assessment's graded
attempts not in its summaries yet (queued once per assessment and time window of graded attempts, due after the
window ends: ``refresh.py``);
``update_item_summaries`` adds one graded attempt (queued when the cache is down); ``rebuild_item_summaries``
recomputes an assessment's summaries after a regrade of one of its questions (``refresh.queue_rebuild``). Adding an
attempt twice counts it once; a rebuild run twice gives the same rows.
"""

from __future__ import annotations

from celery import shared_task

__all__ = ["rebuild_item_summaries", "refresh_item_summaries", "run_export", "update_item_summaries"]


@shared_task(name="ve_edu_vault.analytics.tasks.run_export", acks_late=True)
def run_export(job_id: int) -> str:
    from ve_edu_vault.analytics import api

    return api.run_export_job(int(job_id)).status


@shared_task(name="ve_edu_vault.analytics.tasks.update_item_summaries", acks_late=True)
def update_item_summaries(attempt_id: int) -> bool:
    from ve_edu_vault.analytics import summaries

    return summaries.apply_graded_attempt(int(attempt_id))


@shared_task(name="ve_edu_vault.analytics.tasks.refresh_item_summaries", acks_late=True)
def refresh_item_summaries(assessment_id: int) -> int:
    from ve_edu_vault.analytics import refresh

    return refresh.refresh(int(assessment_id))


@shared_task(name="ve_edu_vault.analytics.tasks.rebuild_item_summaries", acks_late=True)
def rebuild_item_summaries(assessment_id: int) -> None:
    from ve_edu_vault.analytics import summaries

    summaries.rebuild(int(assessment_id))
