"""
Every Celery task of the plugin, for Celery's ``autodiscover_tasks()`` (which looks for ``<app>.tasks``).

The LMS and Studio Celery apps autodiscover tasks from INSTALLED_APPS; this module makes the
applets' task modules part of that.
"""

from ve_edu_vault.analytics.tasks import run_export
from ve_edu_vault.assessments.tasks import (
    auto_submit_attempt,
    report_grade,
    report_pending_grades,
    sweep_expired_attempts,
)
from ve_edu_vault.course_sync.tasks import sync_course
from ve_edu_vault.lti.tasks import deliver_lti_scores
from ve_edu_vault.questions.tasks import preview_question_import, run_question_import
from ve_edu_vault.regrade.tasks import run_regrade
from ve_edu_vault.webhooks.tasks import deliver_webhooks

__all__ = [
    "auto_submit_attempt",
    "deliver_lti_scores",
    "deliver_webhooks",
    "preview_question_import",
    "report_grade",
    "report_pending_grades",
    "run_export",
    "run_question_import",
    "run_regrade",
    "sweep_expired_attempts",
    "sync_course",
]
