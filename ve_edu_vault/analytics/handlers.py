"""
Receivers of analytics (thin): a graded attempt updates its assessment's summaries, a finished regrade rebuilds them.

TLDR: both signals are sent after commit with ``send_robust`` (``hooks.signals``), so a failure here is logged and
never fails grading; the summaries of an assessment whose update failed are rebuilt by ``vault_item_analysis
--refresh`` (or the next regrade). Graded attempts are added by the ``refresh_item_summaries`` task, queued once per
assessment and time window (``refresh.py``; ``VE_EDU_VAULT_ANALYTICS_SUMMARIES="task"``, the default), so the
learner's submit neither waits for the summary writes nor, mostly, sends a broker message or a cache round trip;
when the queue cannot be reached the request adds them itself. A finished regrade queues one
``rebuild_item_summaries`` per assessment with the question (in "task" mode; the regrade run returns without waiting
for a rebuild of every assessment), and rebuilds in-process when the queue cannot be reached; in "inline" mode it
rebuilds in-process.
"""

from __future__ import annotations

import logging
from typing import Any

from ve_edu_vault import conf
from ve_edu_vault.analytics import refresh, store, summaries
from ve_edu_vault.hooks.signals import ATTEMPT_GRADED, REGRADE_FINISHED

__all__ = ["connect"]

log = logging.getLogger(__name__)


def on_attempt_graded(sender: Any, *, attempt_id: int, assessment_id: int, **kwargs: Any) -> None:
    if conf.analytics_summaries_mode() == "task":
        refresh.queue(int(assessment_id), int(attempt_id))
        return
    summaries.apply_graded_attempt(int(attempt_id))


def on_regrade_finished(sender: Any, *, question_id: int, **kwargs: Any) -> None:
    task = conf.analytics_summaries_mode() == "task"
    for assessment_id in store.assessments_with_question(int(question_id)):
        if task:
            refresh.queue_rebuild(assessment_id)  # off the regrade's critical path
        else:
            summaries.rebuild(assessment_id)


def connect() -> None:
    ATTEMPT_GRADED.connect(on_attempt_graded, dispatch_uid="ve_edu_vault.analytics.attempt_graded")
    REGRADE_FINISHED.connect(on_regrade_finished, dispatch_uid="ve_edu_vault.analytics.regrade_finished")
