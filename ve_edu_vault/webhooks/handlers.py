"""
The vault's own inbound webhook handlers.

``course.published`` (data: ``{"course_key": "course-v1:..."}``): a platform that cannot send openedx-events (or
sends them to a bus the vault does not read) tells the vault a course was published; the vault syncs the course
from its configured outline source, as a Studio publish would (debounced, after commit).
"""

from __future__ import annotations

from typing import Any

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ValidationError

from . import inbound

COURSE_PUBLISHED = "course.published"


def on_course_published(data: dict[str, Any], *, message_id: str) -> str:
    raw = data.get("course_key")
    try:
        course_key = CourseKey.from_string(raw) if isinstance(raw, str) else None
    except InvalidKeyError:
        course_key = None
    if course_key is None:
        raise ValidationError("data.course_key must be a course key.", field="data.course_key")
    course_sync.schedule_sync(course_key, trigger=course_sync.WEBHOOK_PUBLISH_TRIGGER)
    return f"sync of {course_key} scheduled"


def connect() -> None:
    inbound.register(COURSE_PUBLISHED, on_course_published)
    from . import api, store

    store.connect_version_bumps(api.forget_matchers)  # every change to subscriptions moves the outbox's gate
