"""
Tables of bulk regrades: one audit record per run, one row per response it regraded.

TLDR: private to the regrade applet. A ``RegradeRun`` is the audit record (who asked, which versions, the dry
run's report, status and progress); a ``RegradeItem`` says that this run regraded this response, from which
pinned version to which corrected one, with the old and new grade. The unique (run, response) constraint is
what makes "each response regraded exactly once per run" a database fact, even when a worker dies mid-batch and
the run is restarted: an item is written in the same transaction as the response's new grade.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey


class RegradeRun(models.Model):
    """
    One bulk regrade of a question's responses with a corrected version (the audit record).

    .. pii: ``requested_by`` links to the staff member who asked for the regrade (kept as an audit record; the
       link is nulled when the user is deleted).
    .. pii_types: id
    .. pii_retirement: retained
    """

    PLANNED = "planned"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUS_CHOICES = [
        (PLANNED, "Planned (dry run only)"),
        (QUEUED, "Queued"),
        (RUNNING, "Running"),
        (SUCCEEDED, "Succeeded"),
        (FAILED, "Failed"),
    ]

    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255)
    # No database constraint on the question and the version: with the mongodb storage backend the question bank
    # lives in MongoDB (ADR 0027); the ORM backend's deletes are still refused (PROTECT is Django's collector's).
    question = models.ForeignKey(
        "ve_edu_vault.Question", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    # The corrected version whose key is applied; responses keep their pinned (shown) version.
    to_version = models.ForeignKey(
        "ve_edu_vault.QuestionVersion", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    from_version_ids = models.JSONField(default=list)  # the pinned versions whose responses are regraded
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default=PLANNED, db_index=True)
    dry_run = models.BooleanField(default=False)
    batch_size = models.PositiveIntegerField(default=10000)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    cursor = models.BigIntegerField(default=0)  # the last response id regraded (responses go in id order)
    report = models.JSONField(default=dict, blank=True)  # the dry run's report (what the run will change)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        indexes = [models.Index(fields=["course_key", "created"], name="vault_regrade_course")]

    def __str__(self) -> str:
        return f"regrade {self.pk} of question {self.question_id}"


class RegradeItem(models.Model):
    """
    One response regraded by one run: the trace from the pinned version to the key that graded it.

    .. no_pii: grades of course questions; the learner link is the response's attempt's.
    """

    run = models.ForeignKey(RegradeRun, on_delete=models.CASCADE, related_name="items")
    # No database constraint: with the mongodb storage backend responses live in MongoDB (ADR 0016); the ORM
    # backend's deletes are still refused (PROTECT is enforced by Django's collector).
    response = models.ForeignKey(
        "ve_edu_vault.Response", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    attempt_id = models.BigIntegerField()
    from_version_id = models.BigIntegerField()  # the version the learner answered (still the response's pin)
    old_raw_score = models.FloatField(null=True, blank=True)
    old_score = models.FloatField(null=True, blank=True)
    old_correct = models.BooleanField(null=True, blank=True)
    new_raw_score = models.FloatField()
    new_score = models.FloatField()
    new_correct = models.BooleanField()

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["run", "response"], name="vault_regrade_item_uniq")]

    def __str__(self) -> str:
        return f"response {self.response_id} in regrade {self.run_id}"
