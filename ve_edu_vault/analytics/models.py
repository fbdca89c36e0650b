"""
Tables of analytics. Private to ``analytics``: everything else calls ``analytics.api``.

TLDR: an ``ExportJob`` is an export written to storage by a Celery task for a course too large to download in
one request: who asked, for what, where the file is and whether it is ready (the requester's notice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey


class ExportJob(models.Model):
    """
    One export written to storage by the worker.

    .. pii: ``requested_by`` links to the staff user who asked for the export (nulled when the user is deleted);
       the file may name learners by username when a global staff user asked for usernames.
    .. pii_types: id, username
    .. pii_retirement: retained
    """

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUSES = [(QUEUED, "Queued"), (RUNNING, "Running"), (DONE, "Done"), (FAILED, "Failed")]

    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255, db_index=True)
    kind = models.CharField(max_length=32)
    format = models.CharField(max_length=16)
    filters = models.JSONField(default=dict)  # assessment_id, since, until, attempts, usernames
    status = models.CharField(max_length=16, choices=STATUSES, default=QUEUED)
    storage_name = models.CharField(max_length=512, blank=True)
    rows = models.PositiveBigIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "ve_edu_vault"
        indexes = [models.Index(fields=["course_key", "created"], name="vault_exportjob_course")]

    def __str__(self) -> str:
        return f"{self.kind} export {self.pk} of {self.course_key}: {self.status}"
