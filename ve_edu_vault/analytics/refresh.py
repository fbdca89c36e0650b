"""
The item summaries' refresh after grading: queued once per assessment and time window, without a cache round trip on
most submissions.

TLDR: time is cut into windows of ``WINDOW_SECONDS`` (W) on the wall clock (window ``floor(now / W)``, UTC epoch). A
graded attempt (``ATTEMPT_GRADED``, after commit) whose process has already seen its assessment's refresh queued for
the current window does nothing: no cache call, no broker message (``_handled``, bounded to ``MEMO_SIZE``
assessments). Otherwise it adds the window's key (``cache.add``); the attempt that adds it queues
``refresh_item_summaries`` due at the window's end plus ``MARGIN_SECONDS`` (M, an absolute ETA). The task adds every
graded attempt of the assessment not in its summaries yet (``unsummarised_attempts``), one by one through
``summaries.apply_graded_attempt``, each once (``SummarisedAttempt``). So a process pays one cache round trip per
assessment and window, and the deployment one task.

Why the summaries stay exact:

* **Counted once.** ``apply_graded_attempt`` marks the attempt under the lock of the assessment's summary rows and
  adds nothing for an attempt already marked; a rebuild marks exactly the attempts its sums count
  (``summaries.rebuild``). Two refreshes at once, a redelivered task or a late one add nothing twice.
* **None left behind.** Take an attempt X whose hook ran at time ``t`` by its web host's clock, in window
  ``w = floor(t / W)``; it had committed before (the hook runs after commit). A refresh of its assessment is queued
  for window ``w``, due at ``(w + 1) W + M``: X's process queued it (the key was added), or the key was there (the
  process that added it queued it), or X's process remembered window ``w`` (it had seen one of those two). Celery
  runs a task with an ETA once the worker's clock reaches it (``kombu/asynchronous/timer.py``, ``to_timestamp``), so
  at ``(w + 1) W + M`` or later by the worker's clock, later than ``t + M``. If the worker's clock is at most M behind
  the web host's, the refresh starts after ``t``, in real time, so its read (a new transaction) sees X: X is added
  by its own window's refresh. M = 2 s is the clock skew tolerated between web and worker hosts; NTP keeps hosts
  within milliseconds.
* **What the old design's first delete protected.** With one key per assessment, the key meant "a refresh is queued
  and has not read yet", so the task deleted it before reading: an attempt graded after the read found no key and
  queued the next refresh. Here the key names a window, and by the same clock bound every hook that reads window
  ``w`` (and may find its key, or remember it) runs before the window's refresh reads; a hook that runs after the
  read is in a later window, with a key of its own. The property holds without a delete, and the key expires by
  itself once no host can be in its window any more (``W + 2M``: adds of one window fall within ``W`` plus the skew).

Faults: with the cache down (``add`` answers None) there is no debounce: the attempt queues its own
``update_item_summaries`` and nothing is remembered. With the broker down, the process that added the key deletes it
and refreshes in the request: its read comes after every ``add`` that found the key, so after those attempts'
commits; later attempts of the window add the key again and do the same. The only attempts left then are those
whose process had remembered the window before the delete: they wait, as does everything a lost message, a
process killed between ``add`` and publishing, or a clock skewed beyond M leaves behind, for the assessment's next
refresh (any graded attempt in a later window queues one, which adds every attempt not added yet) or for
``vault_item_analysis --refresh``. None is ever counted twice. Summaries not built yet are left alone (their first
read builds them).

A regrade's rebuild (``queue_rebuild``, the ``rebuild_item_summaries`` task) may run before or after a refresh of
the same assessment, or at the same time: a refresh that runs first adds its attempts to the old rows, which the
rebuild then replaces; one that runs after finds its attempts marked by the rebuild; one that runs during it waits
for the rebuild's lock on the summary rows. The rebuild marks exactly the attempts its sums count
(``summaries.rebuild``).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from ve_edu_vault import caching, conf
from ve_edu_vault.analytics import store, summaries
from ve_edu_vault.assessments import api as assessments

__all__ = ["MARGIN_SECONDS", "MEMO_SIZE", "WINDOW_SECONDS", "forget", "queue", "queue_rebuild", "refresh"]

log = logging.getLogger(__name__)

#: W: the length of a refresh window; an assessment's attempts graded in one window are added by one refresh.
WINDOW_SECONDS = 2
#: M: how long after its window's end a refresh is due: the clock skew tolerated between web and worker hosts.
MARGIN_SECONDS = 2
#: How many assessments a process remembers the last handled window of (the least recently handled go first).
MEMO_SIZE = 1024
#: The wall clock the windows are cut from (seconds since the epoch; a test moves it).
clock = time.time

_KEY = "ve_edu_vault:analytics:summaries-window:{assessment_id}:{window}"
#: The previous release's key, one per assessment, deleted by its task before reading; see ``refresh``.
_PREVIOUS_KEY = "ve_edu_vault:analytics:summaries-queued:{assessment_id}"
#: Per process: assessment id -> the last window whose refresh this process saw queued (added, or found added).
_handled: dict[int, int] = {}


def queue(assessment_id: int, attempt_id: int) -> None:
    """After an attempt is graded: see that its window's refresh is queued; never raises."""
    window = int(clock() // WINDOW_SECONDS)
    if _handled.get(assessment_id) == window:
        return  # this process saw the window's refresh queued: it reads this attempt (module docstring)
    key = _KEY.format(assessment_id=assessment_id, window=window)
    added = caching.add(key, attempt_id, timeout=WINDOW_SECONDS + 2 * MARGIN_SECONDS)
    if added is False:
        _remember(assessment_id, window)  # another process queued the window's refresh
        return
    from ve_edu_vault.analytics.tasks import refresh_item_summaries, update_item_summaries

    options: dict[str, Any] = {"queue": conf.celery_queue()} if conf.celery_queue() else {}
    try:
        if added:
            due = datetime.fromtimestamp((window + 1) * WINDOW_SECONDS + MARGIN_SECONDS, tz=UTC)
            refresh_item_summaries.apply_async(args=[assessment_id], eta=due, **options)
            _remember(assessment_id, window)
        else:  # the cache is down: no debounce, the attempt's own task (nothing remembered)
            update_item_summaries.apply_async(args=[attempt_id], **options)
        return
    except Exception:
        log.exception("Could not queue the item summaries of assessment %s; updating them now", assessment_id)
    try:
        if added:
            caching.delete(key)  # first: the window's later attempts queue (or run) a refresh of their own
            refresh(assessment_id)  # reads after every add that found the key: those attempts had committed
        else:
            summaries.apply_graded_attempt(attempt_id)
    except Exception:
        log.exception("Could not update the item summaries of assessment %s", assessment_id)


def _remember(assessment_id: int, window: int) -> None:
    """Remember the window as handled; beyond ``MEMO_SIZE`` assessments, forget the least recently handled."""
    _handled.pop(assessment_id, None)
    _handled[assessment_id] = window  # last in order: the dict runs from the oldest handled to the newest
    while len(_handled) > MEMO_SIZE:
        try:
            del _handled[next(iter(_handled))]
        except (KeyError, RuntimeError, StopIteration):  # another thread of the process changed it: try again
            continue


def forget() -> None:
    """Forget every handled window (tests: a test's assessment ids may be reused by the next one)."""
    _handled.clear()


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
    """Add the assessment's graded attempts not in its summaries yet; how many were added.

    The window keys need no delete (module docstring). The previous release's per-assessment key is deleted first,
    as that release's task did, so that its web processes, during a rolling upgrade, queue their next refresh
    rather than wait up to 5 minutes for the key to time out; drop this with that key's last reader.
    """
    caching.delete(_PREVIOUS_KEY.format(assessment_id=assessment_id))
    if not store.summaries_exist(assessment_id):
        return 0  # not built yet: the first read builds them, these attempts included
    return sum(summaries.apply_graded_attempt(attempt_id) for attempt_id in unsummarised_attempts(assessment_id))


def unsummarised_attempts(assessment_id: int) -> list[int]:
    """The ids of the assessment's graded attempts not in its summaries yet (the attempt repository, either backend)."""
    done = store.summarised_attempt_ids(assessment_id)
    graded = assessments.get_repository().graded_attempt_users(assessment_id)
    return sorted(attempt_id for attempt_id in graded if attempt_id not in done)
