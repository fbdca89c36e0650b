"""
Signal receivers for course sync (thin): they only schedule a ``sync_course`` task.

TLDR: signals are triggers, the published outline is the truth. However many signals one publish
sends (``SignalHandler.course_published``, XBLOCK_PUBLISHED for the parent, XBLOCK_DELETED...), each course gets one
task per debounce window, scheduled after the transaction commits, that reads the whole outline.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf
from ve_edu_vault.platform import api as platform

log = logging.getLogger(__name__)

DEBOUNCE_CACHE_KEY = "ve_edu_vault:sync-scheduled:{course_key}"


def _schedule(course_key: CourseKey, trigger: str) -> None:
    """
    Queue the course's sync task, once per debounce window; never raises.

    The broker down (Redis unreachable) must not fail the publish whose transaction has just committed: the error
    is logged and the window released, so the next publish schedules the sync again (or staff sync by hand).
    """
    window = conf.sync_debounce_seconds()
    key = DEBOUNCE_CACHE_KEY.format(course_key=course_key)
    if window and not cache.add(key, trigger, timeout=window):
        log.debug("Sync of %s already scheduled in this window; %s ignored", course_key, trigger)
        return
    from ve_edu_vault.course_sync.tasks import sync_course

    options: dict[str, Any] = {"countdown": window}
    if conf.celery_queue():
        options["queue"] = conf.celery_queue()
    try:
        sync_course.apply_async(args=[str(course_key)], kwargs={"trigger": trigger}, **options)
    except Exception:
        log.warning("Could not queue the sync of %s (%s); the next publish schedules it again", course_key, trigger)
        if window:
            cache.delete(key)


def schedule_sync(course_key: CourseKey, trigger: str) -> None:
    """Schedule one sync of ``course_key`` after the current transaction commits (debounced)."""
    if not conf.auto_sync_enabled():
        return
    transaction.on_commit(lambda: _schedule(course_key, trigger))


def _plain(course_key: Any) -> CourseKey:
    """The course key without branch or version (Studio's published-branch keys carry them)."""
    key = CourseKey.from_string(str(course_key))
    if getattr(key, "branch", None) or getattr(key, "version_guid", None):
        key = key.replace(branch=None, version_guid=None)
    return key


def _course_key_of(kwargs: dict[str, Any]) -> CourseKey | None:
    # openedx_events/content_authoring/signals.py: XBLOCK_PUBLISHED, XBLOCK_DELETED and XBLOCK_DUPLICATED
    # send ``xblock_info`` (XBlockData / DuplicatedXBlockData); COURSE_CREATED, COURSE_IMPORT_COMPLETED and
    # COURSE_RERUN_COMPLETED send ``course`` (CourseData).
    for name in ("xblock_info", "course"):
        data = kwargs.get(name)
        if data is None:
            continue
        if getattr(data, "course_key", None) is not None:
            return _plain(data.course_key)
        usage_key = getattr(data, "usage_key", None)
        if usage_key is not None:
            return _plain(usage_key.course_key)
    return None


def on_course_authoring_event(**kwargs: Any) -> None:
    """Receiver for openedx-events content-authoring signals (hints that a course changed)."""
    course_key = _course_key_of(kwargs)
    if course_key is None:
        return
    metadata = kwargs.get("metadata")
    trigger = getattr(metadata, "event_type", None) or str(kwargs.get("signal", "openedx-event"))
    schedule_sync(course_key, trigger)


def on_course_published(sender: Any = None, course_key: Any = None, **kwargs: Any) -> None:
    """
    Receiver for the modulestore's ``SignalHandler.course_published`` (through the platform adapter).

    Its parameters must be named ``sender`` and ``course_key`` and it must take ``**kwargs``, as the
    upstream docstring of ``SignalHandler`` (xmodule/modulestore/django.py) requires.
    """
    if course_key is None:
        return
    schedule_sync(_plain(course_key), "course_published")


def connect_platform_receivers() -> None:
    platform.course_published_signal().connect(
        on_course_published, dispatch_uid="ve_edu_vault.course_sync.course_published"
    )
