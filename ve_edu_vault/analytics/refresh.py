"""
The item summaries' refresh after grading, queued once per assessment for a burst of graded attempts.

TLDR: a graded attempt (``ATTEMPT_GRADED``, after commit) adds a cache key per assessment (``cache.add``); the
attempt that adds it queues ``refresh_item_summaries`` with a short countdown, the others of the burst queue
nothing (a cache round trip instead of a broker message on the learner's submit). The task first deletes the key,
so any attempt graded from then on queues the next refresh, and then adds every graded attempt of the assessment
not in its summaries yet (``unsummarised_attempts``), one by one through ``summaries.apply_graded_attempt``:
the same incremental update as before, each attempt once (``SummarisedAttempt``). An attempt that found the key
was committed before the task deleted it, so the task's read sees it: the summaries end up exact.

Faults: with the cache down there is no debounce, the attempt queues its own ``update_item_summaries``; with the
broker down the request runs the refresh itself; a refresh message lost in the broker leaves the key until it
times out (``QUEUED_TIMEOUT``), and the next graded attempt of the assessment queues a refresh that adds the
attempts left behind too. Summaries not built yet are left alone (their first read builds them).

A regrade's rebuild (``queue_rebuild``, the ``rebuild_item_summaries`` task) may run before or after a refresh of
the same assessment, or at the same time: a refresh that runs first adds its attempts to the old rows, which the
rebuild then replaces; one that runs after finds its attempts marked by the rebuild; one that runs during it waits
for the rebuild's lock on the summary rows. The rebuild marks exactly the attempts its sums count
(``summaries.rebuild``).
"""

from __future__ import annotations

import logging
from typing import Any

from ve_edu_vault import caching, conf
from ve_edu_vault.analytics import store, summaries
from ve_edu_vault.assessments import api as assessments

__all__ = ["QUEUED_TIMEOUT", "REFRESH_DELAY_SECONDS", "queue", "queue_rebuild", "refresh"]

log = logging.getLogger(__name__)

#: How long after the first graded attempt of a burst its assessment's summaries are refreshed.
REFRESH_DELAY_SECONDS = 2
#: How long the "refresh queued" key lives if no task deletes it (its message lost): the debounce's safety net.
QUEUED_TIMEOUT = 300
_QUEUED = "ve_edu_vault:analytics:summaries-queued:{assessment_id}"


def queue(assessment_id: int, attempt_id: int) -> None:
    """After an attempt is graded: queue its assessment's refresh unless one is queued already; never raises."""
    from ve_edu_vault.analytics.tasks import refresh_item_summaries, update_item_summaries

    key = _QUEUED.format(assessment_id=assessment_id)
    added = caching.add(key, attempt_id, timeout=QUEUED_TIMEOUT)
    if added is False:
        return  # a refresh is queued and has not started: it adds this attempt
    options: dict[str, Any] = {"queue": conf.celery_queue()} if conf.celery_queue() else {}
    try:
        if added:
            refresh_item_summaries.apply_async(args=[assessment_id], countdown=REFRESH_DELAY_SECONDS, **options)
        else:  # the cache is down: no debounce, the attempt's own task
            update_item_summaries.apply_async(args=[attempt_id], **options)
        return
    except Exception:
        log.exception("Could not queue the item summaries of assessment %s; updating them now", assessment_id)
    try:
        if added:
            refresh(assessment_id)  # also adds the attempts that found the key while it was set
        else:
            summaries.apply_graded_attempt(attempt_id)
    except Exception:
        log.exception("Could not update the item summaries of assessment %s", assessment_id)


def queue_rebuild(assessment_id: int) -> None:
    """After a regrade: queue the rebuild of the assessment's summaries; rebuild them now if the queue is down."""
    from ve_edu_vault.analytics.tasks import rebuild_item_summaries

    options: dict[str, Any] = {"queue": conf.celery_queue()} if conf.celery_queue() else {}
    try:
        rebuild_item_summaries.apply_async(args=[assessment_id], **options)
        return
    except Exception:
        log.exception("Could not queue the rebuild of the summaries of assessment %s; rebuilding now", assessment_id)
    summaries.rebuild(assessment_id)


def refresh(assessment_id: int) -> int:
    """Add the assessment's graded attempts not in its summaries yet; how many were added."""
    caching.delete(_QUEUED.format(assessment_id=assessment_id))  # first: later attempts queue the next refresh
    if not store.summaries_exist(assessment_id):
        return 0  # not built yet: the first read builds them, these attempts included
    return sum(summaries.apply_graded_attempt(attempt_id) for attempt_id in unsummarised_attempts(assessment_id))


def unsummarised_attempts(assessment_id: int) -> list[int]:
    """The ids of the assessment's graded attempts not in its summaries yet (the attempt repository, either backend)."""
    done = store.summarised_attempt_ids(assessment_id)
    graded = assessments.get_repository().graded_attempt_users(assessment_id)
    return sorted(attempt_id for attempt_id in graded if attempt_id not in done)
