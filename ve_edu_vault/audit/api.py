"""
Public Python API of the audit log: record a staff action, list a course's entries.

TLDR: call ``record`` inside the transaction of the action (a rolled-back action leaves no entry, a committed one
always has its entry). Entries are append-only: nothing here updates or deletes one.
"""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import CourseKey

from . import store
from .data import (
    ACCOMMODATION_SET,
    ACTIONS,
    ADMIN_CHANGE,
    ATTEMPT_SUBMITTED_BY_STAFF,
    BLOCK_BOUND,
    BLOCK_UNBOUND,
    EXPORT_STARTED,
    GRADE_CHANGED,
    LEARNER_RETIRED,
    LTI_ASSESSMENT_CREATED,
    LTI_DEEP_LINK_CHOSEN,
    LTI_KEYS_CHANGED,
    LTI_LINK_BOUND,
    LTI_PLATFORM_SAVED,
    LTI_SCORES_RETRIED,
    REGRADE_STARTED,
    SYNC_UNDONE,
    WEBHOOK_DELIVERY_REPLAYED,
    WEBHOOK_SECRET_ROTATED,
    WEBHOOK_SUBSCRIPTION_CHANGED,
    WEBHOOK_SUBSCRIPTION_CREATED,
    AuditEntryData,
)

__all__ = [
    "ACCOMMODATION_SET",
    "ACTIONS",
    "ADMIN_CHANGE",
    "ATTEMPT_SUBMITTED_BY_STAFF",
    "BLOCK_BOUND",
    "BLOCK_UNBOUND",
    "EXPORT_STARTED",
    "GRADE_CHANGED",
    "LEARNER_RETIRED",
    "LTI_ASSESSMENT_CREATED",
    "LTI_DEEP_LINK_CHOSEN",
    "LTI_KEYS_CHANGED",
    "LTI_LINK_BOUND",
    "LTI_PLATFORM_SAVED",
    "LTI_SCORES_RETRIED",
    "REGRADE_STARTED",
    "SYNC_UNDONE",
    "WEBHOOK_DELIVERY_REPLAYED",
    "WEBHOOK_SECRET_ROTATED",
    "WEBHOOK_SUBSCRIPTION_CHANGED",
    "WEBHOOK_SUBSCRIPTION_CREATED",
    "AuditEntryData",
    "actor_id",
    "attempts_changed_by_hand",
    "list_entries",
    "record",
]


def actor_id(user: Any) -> int | None:
    """The id of an authenticated user (``None`` for anonymous, a task, or the platform)."""
    return getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None


def record(
    action: str,
    *,
    object_type: str,
    object_id: Any,
    course_key: CourseKey | None = None,
    actor: Any = None,
    learner_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntryData:
    """Append one entry (in the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return store.append(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        course_key=course_key,
        actor_id=actor_id(actor),
        learner_id=learner_id,
        details=details or {},
    )


def attempts_changed_by_hand(attempt_ids: list[int]) -> set[int]:
    """Which of these attempts had their grade changed by hand (``GRADE_CHANGED``): a regrade keeps their totals."""
    if not attempt_ids:
        return set()
    found = store.object_ids_with(GRADE_CHANGED, "attempt", [str(item) for item in attempt_ids])
    return {int(item) for item in found}


def list_entries(
    course_key: CourseKey | None = None, *, action: str | None = None, learner_id: int | None = None
) -> list[AuditEntryData]:
    """Entries, newest first: of one course (``None``: every entry, for global staff), of one action or learner."""
    return store.entries(course_key, action, learner_id)
