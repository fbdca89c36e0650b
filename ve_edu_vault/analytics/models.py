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


class AssessmentSummary(models.Model):
    """
    The sums of one assessment's counted attempts for one choice of attempts (``data.AssessmentSums``), kept up to
    date one graded attempt at a time (``summaries.py``).

    .. no_pii: sums over many learners' attempts; no learner is named.
    """

    assessment_id = models.BigIntegerField()
    choice = models.CharField(max_length=8)  # data.AttemptChoice
    n = models.PositiveIntegerField(default=0)
    st = models.FloatField(default=0.0)
    stt = models.FloatField(default=0.0)
    su = models.FloatField(default=0.0)
    suu = models.FloatField(default=0.0)
    possible = models.FloatField(default=0.0)
    time_n = models.PositiveIntegerField(default=0)
    time_sum = models.FloatField(default=0.0)
    partial = models.IntegerField(default=0)  # responses scored neither 0 nor 1 (KR-20 needs none)
    bins = models.JSONField(default=list)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            models.UniqueConstraint(fields=["assessment_id", "choice"], name="vault_assessment_summary_uniq")
        ]

    def __str__(self) -> str:
        return f"summary of assessment {self.assessment_id} ({self.choice})"


class ItemSummary(models.Model):
    """
    The sums of one question version's responses in an assessment's counted attempts (``data.ItemSums``), with the
    choice counts of its choice parts (``{"part/choice": [count, sum of totals]}``).

    .. no_pii: sums over many learners' responses; no learner is named.
    """

    assessment_id = models.BigIntegerField()
    choice = models.CharField(max_length=8)
    question_id = models.BigIntegerField()
    version_id = models.BigIntegerField()
    points = models.FloatField(default=0.0)
    n = models.IntegerField(default=0)
    sx = models.FloatField(default=0.0)
    sy = models.FloatField(default=0.0)
    syy = models.FloatField(default=0.0)
    syt = models.FloatField(default=0.0)
    st = models.FloatField(default=0.0)
    stt = models.FloatField(default=0.0)
    sc = models.FloatField(default=0.0)
    sct = models.FloatField(default=0.0)
    time_n = models.IntegerField(default=0)
    time_sum = models.FloatField(default=0.0)
    choices = models.JSONField(default=dict)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            models.UniqueConstraint(fields=["assessment_id", "choice", "version_id"], name="vault_item_summary_uniq")
        ]

    def __str__(self) -> str:
        return f"summary of version {self.version_id} in assessment {self.assessment_id} ({self.choice})"


class SummarisedAttempt(models.Model):
    """
    A graded attempt already added to its assessment's summaries: applying the same attempt twice does nothing.

    .. no_pii: an attempt id; the learner link is the attempt's.
    """

    attempt_id = models.BigIntegerField(primary_key=True)
    assessment_id = models.BigIntegerField(db_index=True)
    user_id = models.BigIntegerField()

    class Meta:
        app_label = "ve_edu_vault"
        indexes = [models.Index(fields=["assessment_id", "user_id"], name="vault_summarised_learner")]

    def __str__(self) -> str:
        return f"attempt {self.attempt_id} summarised"
