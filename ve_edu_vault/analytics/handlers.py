"""
Receivers of analytics (thin): a graded attempt updates its assessment's summaries, a finished regrade rebuilds them.

TLDR: both signals are sent after commit with ``send_robust`` (``hooks.signals``), so a failure here is logged and
never fails grading; the summaries of an assessment whose update failed are rebuilt by ``vault_item_analysis
--refresh`` (or the next regrade). A graded attempt is added by the ``update_item_summaries`` task
(``VE_EDU_VAULT_ANALYTICS_SUMMARIES="task"``, the default), so the learner's submit does not wait for the
summary writes; when the queue cannot be reached the request adds it itself.
"""

from __future__ import annotations

import logging
from typing import Any

from ve_edu_vault import conf
from ve_edu_vault.analytics import store, summaries
from ve_edu_vault.hooks.signals import ATTEMPT_GRADED, REGRADE_FINISHED

__all__ = ["connect"]

log = logging.getLogger(__name__)


def on_attempt_graded(sender: Any, *, attempt_id: int, **kwargs: Any) -> None:
    if conf.analytics_summaries_mode() == "task":
        from ve_edu_vault.analytics.tasks import update_item_summaries

        try:
            options = {"queue": conf.celery_queue()} if conf.celery_queue() else {}
            update_item_summaries.apply_async(args=[int(attempt_id)], **options)
            return
        except Exception:
            log.exception("Could not queue the item summaries of attempt %s; updating them now", attempt_id)
    summaries.apply_graded_attempt(int(attempt_id))


def on_regrade_finished(sender: Any, *, question_id: int, **kwargs: Any) -> None:
    for assessment_id in store.assessments_with_question(int(question_id)):
        summaries.rebuild(assessment_id)


def connect() -> None:
    ATTEMPT_GRADED.connect(on_attempt_graded, dispatch_uid="ve_edu_vault.analytics.attempt_graded")
    REGRADE_FINISHED.connect(on_regrade_finished, dispatch_uid="ve_edu_vault.analytics.regrade_finished")
