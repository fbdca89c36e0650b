"""
Tables of the course mirror. Private to ``course_sync``: other applets use ``course_sync.api``.

TLDR: nodes are never deleted (removal archives them); ``vault_data`` belongs to the vault and
no sync touches it; each applied change set is a ``SyncRecord`` holding the inverse of every
change; ``CourseSyncState`` is one row per course, locked for the length of a sync.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField
from opaque_keys.edx.keys import CourseKey, UsageKey


class CourseNode(models.Model):
    """
    One topic, subtopic or objective of a course's mirrored outline.

    .. no_pii: course structure only.
    """

    ACTIVE = "active"
    ARCHIVED = "archived"
    STATE_CHOICES = [(ACTIVE, "Active"), (ARCHIVED, "Archived")]
    KIND_CHOICES = [("topic", "Topic"), ("subtopic", "Subtopic"), ("objective", "Objective")]

    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255, db_index=True)
    usage_key: UsageKeyField[UsageKey, UsageKey] = UsageKeyField(max_length=255, unique=True)
    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    # Studio sets no length limit on display names: a text column keeps every one whole.
    display_name = models.TextField(blank=True)
    parent_key = UsageKeyField(max_length=255, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    graded = models.BooleanField(default=False)
    format = models.CharField(max_length=255, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    due = models.DateTimeField(null=True, blank=True)
    visible_to_staff_only = models.BooleanField(default=False)
    hide_after_due = models.BooleanField(default=False)
    # [[block_type, usage_key], ...] of the component blocks under an objective, nested ones included.
    components = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=ACTIVE, db_index=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Data the vault keeps about a node (descriptions, mastery parameters...). No sync touches it.
    vault_data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        indexes = [models.Index(fields=["course_key", "state", "kind"], name="vault_node_course_state")]

    def __str__(self) -> str:
        return f"{self.kind} {self.usage_key}"


class CourseSyncState(models.Model):
    """
    Per-course sync settings and bookkeeping; its row is the per-course sync lock.

    .. no_pii: course settings only.
    """

    APPLY_ALL = "apply_all"
    HOLD_DESTRUCTIVE = "hold_destructive"
    POLICY_CHOICES = [(APPLY_ALL, "Apply every change set"), (HOLD_DESTRUCTIVE, "Hold destructive change sets")]

    course_key = CourseKeyField(max_length=255, unique=True)
    policy = models.CharField(max_length=32, choices=POLICY_CHOICES, default=APPLY_ALL)
    paused = models.BooleanField(default=False)
    paused_reason = models.CharField(max_length=255, blank=True)
    last_version = models.CharField(max_length=255, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"sync state of {self.course_key}"


class SyncRecord(models.Model):
    """
    One sync of one course: the applied (or held, skipped, failed) change set and its inverse.

    .. pii: ``requested_by`` links to the staff user who asked for a manual sync or an undo. Kept as a
       staff audit record; the link is nulled (SET_NULL) when the user is deleted.
    .. pii_types: id
    .. pii_retirement: retained
    """

    APPLIED = "applied"
    HELD = "held"
    REJECTED = "rejected"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNDONE = "undone"
    STATUS_CHOICES = [
        (APPLIED, "Applied"),
        (HELD, "Held for review"),
        (REJECTED, "Rejected"),
        (SKIPPED, "Skipped (older outline)"),
        (FAILED, "Failed"),
        (UNDONE, "Undone"),
    ]

    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255, db_index=True)
    source = models.CharField(max_length=32)
    trigger = models.CharField(max_length=64, blank=True)
    outline_version = models.CharField(max_length=255, blank=True)
    outline_published_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    counts = models.JSONField(default=dict)
    # Each change as change_to_dict(): kind, usage_key, before, after, fields. The inverse is derived.
    changes = models.JSONField(default=list)
    timings = models.JSONField(default=dict)
    message = models.TextField(blank=True)
    undo_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "ve_edu_vault"
        ordering = ["-id"]
        indexes = [models.Index(fields=["course_key", "status"], name="vault_sync_course_status")]

    def __str__(self) -> str:
        return f"sync {self.pk} of {self.course_key} ({self.status})"
