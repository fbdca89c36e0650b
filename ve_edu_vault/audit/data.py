"""Frozen data and the action names of the audit log, as callers see them (no Django)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey

REGRADE_STARTED = "regrade_started"
ACCOMMODATION_SET = "accommodation_set"
SYNC_UNDONE = "sync_undone"
LEARNER_RETIRED = "learner_retired"
BLOCK_BOUND = "block_bound"
BLOCK_UNBOUND = "block_unbound"
ATTEMPT_SUBMITTED_BY_STAFF = "attempt_submitted_by_staff"
LTI_PLATFORM_SAVED = "lti_platform_saved"
LTI_KEYS_CHANGED = "lti_keys_changed"
LTI_LINK_BOUND = "lti_link_bound"
#: (action, label) of every audited action.
ACTION_CHOICES: tuple[tuple[str, str], ...] = (
    (REGRADE_STARTED, "Regrade started"),
    (ACCOMMODATION_SET, "Accommodation set"),
    (SYNC_UNDONE, "Sync undone"),
    (LEARNER_RETIRED, "Learner retired"),
    (BLOCK_BOUND, "Block bound"),
    (BLOCK_UNBOUND, "Block unbound"),
    (ATTEMPT_SUBMITTED_BY_STAFF, "Attempt submitted by staff"),
    (LTI_PLATFORM_SAVED, "LTI platform registered or updated"),
    (LTI_KEYS_CHANGED, "LTI tool key rotated or retired"),
    (LTI_LINK_BOUND, "LTI resource link bound"),
)
ACTIONS: tuple[str, ...] = tuple(action for action, _label in ACTION_CHOICES)


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditEntryData:
    id: int
    action: str
    course_key: CourseKey | None
    actor_id: int | None
    actor_username: str | None
    learner_id: int | None
    object_type: str
    object_id: str
    details: dict[str, Any] = field(default_factory=dict)
    created: datetime
