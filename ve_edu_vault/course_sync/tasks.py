"""
Celery tasks of course sync. Tasks take string keys, never model instances.

A failed sync is retried with exponential backoff when the failure is transient (source down,
database deadlock); the mirror is untouched by a failed attempt because a sync applies in one
transaction.

The Course Blocks API source lags behind a publish: the LMS rebuilds its block-structure cache in a
task ``COURSE_PUBLISH_TASK_DELAY`` seconds after ``course_published`` (30 by default;
openedx/core/djangoapps/content/block_structure/signals.py), so a sync scheduled by a publish may
read the outline it already applied. Such a sync is scheduled again every ``REFRESH_INTERVAL_SECONDS``
while the source serves the version last applied, for at most
``VE_EDU_VAULT_BLOCKS_API_REFRESH_WAIT_SECONDS``; then it ends as "unchanged" (the publish did not
change the outline, or the LMS is late: the next publish or a manual sync catches up).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import conf

log = logging.getLogger(__name__)

REFRESH_INTERVAL_SECONDS = 15


class TransientSyncError(Exception):
    """A sync failure worth retrying (source unreachable, database deadlock)."""


@shared_task(
    name="ve_edu_vault.course_sync.tasks.sync_course",
    bind=True,
    autoretry_for=(TransientSyncError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def sync_course(self: Any, course_key: str, trigger: str = "task", waited: int = 0) -> int | None:
    """Read the published outline of ``course_key`` and apply it to the mirror; returns the sync id."""
    from ve_edu_vault.course_sync import api
    from ve_edu_vault.course_sync.source_registry import SourceUnavailable

    wait = conf.outline_source() == "blocks_api" and api.is_publish_trigger(trigger)
    try:
        result = api.sync_course_from_platform(
            CourseKey.from_string(course_key),
            trigger=trigger,
            wait_for_new_version=wait and waited < conf.blocks_api_refresh_wait_seconds(),
        )
    except (SourceUnavailable, OperationalError) as exc:
        log.warning("Sync of %s failed (%s); will retry", course_key, exc)
        raise TransientSyncError(str(exc)) from exc
    if result.status == "waiting":
        log.info("Sync of %s: %s Trying again in %ss.", course_key, result.message, REFRESH_INTERVAL_SECONDS)
        options: dict[str, Any] = {"countdown": REFRESH_INTERVAL_SECONDS}
        if conf.celery_queue():
            options["queue"] = conf.celery_queue()
        self.apply_async(
            args=[course_key], kwargs={"trigger": trigger, "waited": waited + REFRESH_INTERVAL_SECONDS}, **options
        )
        return None
    log.info("Sync of %s: %s (sync id %s)", course_key, result.status, result.sync_id)
    return result.sync_id
