"""
Celery tasks of course sync. Tasks take string keys, never model instances.

A failed sync is retried with exponential backoff when the failure is transient (source down,
database deadlock); the mirror is untouched by a failed attempt because a sync applies in one
transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError
from opaque_keys.edx.keys import CourseKey

log = logging.getLogger(__name__)


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
def sync_course(self: Any, course_key: str, trigger: str = "task") -> int | None:
    """Read the published outline of ``course_key`` and apply it to the mirror; returns the sync id."""
    from ve_edu_vault.course_sync import api
    from ve_edu_vault.course_sync.source_registry import SourceUnavailable

    try:
        result = api.sync_course_from_platform(CourseKey.from_string(course_key), trigger=trigger)
    except (SourceUnavailable, OperationalError) as exc:
        log.warning("Sync of %s failed (%s); will retry", course_key, exc)
        raise TransientSyncError(str(exc)) from exc
    log.info("Sync of %s: %s (sync id %s)", course_key, result.status, result.sync_id)
    return result.sync_id
