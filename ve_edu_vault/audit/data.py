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
LTI_SCORES_RETRIED = "lti_scores_retried"
LTI_DEEP_LINK_CHOSEN = "lti_deep_link_chosen"
WEBHOOK_SUBSCRIPTION_CREATED = "webhook_subscription_created"
WEBHOOK_SUBSCRIPTION_CHANGED = "webhook_subscription_changed"
WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated"  # noqa: S105  (an action name, not a secret)
WEBHOOK_DELIVERY_REPLAYED = "webhook_delivery_replayed"
EXPORT_STARTED = "export_started"
GRADE_CHANGED = "grade_changed"
ADMIN_CHANGE = "admin_change"
LTI_ASSESSMENT_CREATED = "lti_assessment_created"
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
    (LTI_SCORES_RETRIED, "LTI scores sent again"),
    (LTI_DEEP_LINK_CHOSEN, "LTI deep linking: assessment chosen for a link"),
    (WEBHOOK_SUBSCRIPTION_CREATED, "Webhook subscription created"),
    (WEBHOOK_SUBSCRIPTION_CHANGED, "Webhook subscription changed, disabled or enabled"),
    (WEBHOOK_SECRET_ROTATED, "Webhook secret rotated"),
    (WEBHOOK_DELIVERY_REPLAYED, "Webhook delivery replayed"),
    (EXPORT_STARTED, "Export of learner data started"),
    (GRADE_CHANGED, "Grade changed by hand"),
    (ADMIN_CHANGE, "Record added, changed or deleted in the Django admin"),
    (LTI_ASSESSMENT_CREATED, "Assessment created by LTI deep linking"),
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
