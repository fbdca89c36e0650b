"""Tables of the audit log. Private to ``audit``: everything else calls ``audit.api``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey

from .data import ACTION_CHOICES


class AuditEntry(models.Model):
    """
    One staff (or platform) action that changed learner data or a course's grading: append-only.

    .. pii: ``actor`` links to the staff member who acted (nulled when that user is deleted); ``learner_id`` is the
       numeric id of the learner concerned, if one (no foreign key: the entry outlives the account, as the
       retirement record does).
    .. pii_types: id
    .. pii_retirement: retained
    """

    action = models.CharField(max_length=32, choices=list(ACTION_CHOICES))
    course_key: CourseKeyField[CourseKey | None, CourseKey | None] = CourseKeyField(
        max_length=255, null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learner_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=32)  # "regrade", "accommodation", "sync", "attempt", "block", "user"
    object_id = models.CharField(max_length=255)
    details = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "ve_edu_vault"
        indexes = [
            models.Index(fields=["course_key", "created"], name="vault_audit_course"),
            models.Index(fields=["learner_id"], name="vault_audit_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id} by {self.actor_id} at {self.created}"
