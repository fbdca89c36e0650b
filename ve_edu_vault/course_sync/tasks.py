"""
Celery tasks of course sync. Tasks take string keys, never model instances.

A failed sync is retried with exponential backoff; the mirror is untouched by a failed attempt
because every sync applies in one transaction.
"""

from __future__ import annotations

import logging

from celery import shared_task
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
def sync_course(self: object, course_key: str, trigger: str = "task") -> int | None:
    """Read the published outline of ``course_key`` and apply it to the mirror; returns the sync id."""
    from ve_edu_vault.course_sync import api  # noqa: PLC0415

    result = api.sync_course_from_platform(CourseKey.from_string(course_key), trigger=trigger)
    return result.sync_id
