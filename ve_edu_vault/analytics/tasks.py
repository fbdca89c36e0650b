"""
Celery tasks of analytics. They take ids, never models.

TLDR: ``run_export`` writes an export job's file to the export storage and mails the requester; safe to redeliver
(a finished job is not written twice), hence ``acks_late``.
"""

from __future__ import annotations

from celery import shared_task

__all__ = ["run_export"]


@shared_task(name="ve_edu_vault.analytics.tasks.run_export", acks_late=True)
def run_export(job_id: int) -> str:
    from ve_edu_vault.analytics import api

    return api.run_export_job(int(job_id)).status
