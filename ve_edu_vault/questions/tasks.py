"""
Celery tasks of question imports. They take the job id, never a model.

TLDR: ``preview_question_import`` runs the dry run of a large upload, ``run_question_import`` its import;
both are safe to redeliver (a finished import is not run twice), hence ``acks_late``. ``expire_question_uploads``
(periodic, from beat) deletes uploads that were not imported in time.
"""

from __future__ import annotations

from celery import shared_task

__all__ = ["expire_question_uploads", "preview_question_import", "run_question_import"]


@shared_task(name="ve_edu_vault.questions.tasks.preview_question_import", acks_late=True)
def preview_question_import(job_id: int) -> str:
    from ve_edu_vault.questions import api

    return api.preview_import_job(int(job_id)).status


@shared_task(name="ve_edu_vault.questions.tasks.run_question_import", acks_late=True)
def run_question_import(job_id: int) -> str:
    from ve_edu_vault.questions import api

    return api.run_import_job(int(job_id)).status


@shared_task(name="ve_edu_vault.questions.tasks.expire_question_uploads", acks_late=True)
def expire_question_uploads() -> int:
    from ve_edu_vault.questions import api

    return api.expire_uploads()
