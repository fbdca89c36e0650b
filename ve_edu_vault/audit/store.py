"""The audit log's one door to storage: append an entry, read entries. Private to ``audit``."""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import CourseKey

from .data import AuditEntryData
from .models import AuditEntry


def _data(row: AuditEntry, username: str | None) -> AuditEntryData:
    return AuditEntryData(
        id=row.pk,
        action=row.action,
        course_key=row.course_key,
        actor_id=row.actor_id,
        actor_username=username,
        learner_id=row.learner_id,
        object_type=row.object_type,
        object_id=row.object_id,
        details=dict(row.details or {}),
        created=row.created,
    )


def append(
    *,
    action: str,
    object_type: str,
    object_id: str,
    course_key: CourseKey | None,
    actor_id: int | None,
    learner_id: int | None,
    details: dict[str, Any],
) -> AuditEntryData:
    row = AuditEntry.objects.create(
        action=action,
        course_key=course_key,
        actor_id=actor_id,
        learner_id=learner_id,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )
    return _data(row, None)


def object_ids_with(action: str, object_type: str, object_ids: list[str]) -> set[str]:
    rows = AuditEntry.objects.filter(action=action, object_type=object_type, object_id__in=object_ids)
    return set(rows.values_list("object_id", flat=True).distinct())


def entries(course_key: CourseKey | None, action: str | None, learner_id: int | None) -> list[AuditEntryData]:
    rows = AuditEntry.objects.select_related("actor").order_by("-created", "-pk")
    if course_key is not None:
        rows = rows.filter(course_key=course_key)
    if action is not None:
        rows = rows.filter(action=action)
    if learner_id is not None:
        rows = rows.filter(learner_id=learner_id)
    return [_data(row, row.actor.get_username() if row.actor is not None else None) for row in rows]
