"""
Tables of assessments. Private to ``assessments``: everything else calls ``assessments.api``.

TLDR: an ``Assessment`` holds its configuration as JSON (``AssessmentConfig.to_dict()``); an
``Attempt`` is one learner's go at it and a ``Response`` one drawn question of an attempt, pinned to
the exact ``QuestionVersion`` shown (so every score is traceable to the content that produced it,
whatever later edits do). Attempts and responses are read and written only through
``assessments.repositories`` (the storage port). ``Attempt.in_progress`` is True while the attempt
runs and NULL afterwards: with the unique (assessment, user, in_progress) constraint the database
itself guarantees a learner never has two attempts in progress (NULLs are distinct on SQLite,
MariaDB and PostgreSQL, so finished attempts never collide).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField
from opaque_keys.edx.keys import CourseKey, UsageKey


class Assessment(models.Model):
    """
    A quiz, test or exam of a course, attached to a node of the course mirror.

    .. pii: ``created_by`` links to the staff user who created the assessment (an authoring record; the link
       is nulled when the user is deleted).
    .. pii_types: id
    .. pii_retirement: retained
    """

    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255)
    # PROTECT: mirror nodes are archived, never deleted, and an assessment must keep its place.
    node = models.ForeignKey(
        "ve_edu_vault.CourseNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=255)
    config = models.JSONField(default=dict)
    archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        indexes = [models.Index(fields=["course_key", "archived"], name="vault_assessment_course")]

    def __str__(self) -> str:
        return f"assessment {self.pk} of {self.course_key}"


class AssessmentBlock(models.Model):
    """
    The vault assessment XBlock (``ve_vault_assessment``) an assessment is bound to, by the block's usage key.

    TLDR: one row per bound block; an assessment has at most one block and a block at most one assessment
    (both unique). Keyed by usage key, not by a field of the block: a course re-run, an import or a duplicated
    component gets new usage keys and so no binding (its author picks or creates one), instead of a copied
    field pointing two blocks, or two courses, at one assessment. Course sync never touches these rows (the
    block is a component of a mirrored unit; moving it keeps its usage key). Grades of a bound, graded
    assessment reach the LMS gradebook as the block's ``grade`` events (``grades.py``, ADR 0003).

    .. pii: ``bound_by`` links to the staff user who bound the block (an authoring record; nulled on delete).
    .. pii_types: id
    .. pii_retirement: retained
    """

    usage_key: UsageKeyField[UsageKey, UsageKey] = UsageKeyField(max_length=255, unique=True)
    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255, db_index=True)
    # PROTECT: assessments are archived, never deleted.
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="block")
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"assessment {self.assessment_id} in block {self.usage_key}"


class AssessmentBlockChange(models.Model):
    """
    The audit record of a binding change: who bound, rebound or unbound which block, from and to which assessment.

    .. pii: ``changed_by`` links to the staff user who made the change (kept as an audit record; nulled on delete).
    .. pii_types: id
    .. pii_retirement: retained
    """

    BOUND = "bound"
    UNBOUND = "unbound"
    ACTION_CHOICES = [(BOUND, "Bound"), (UNBOUND, "Unbound")]

    usage_key: UsageKeyField[UsageKey, UsageKey] = UsageKeyField(max_length=255, db_index=True)
    action = models.CharField(max_length=16, choices=ACTION_CHOICES)
    assessment_id = models.BigIntegerField(null=True, blank=True)  # the assessment bound after the change
    previous_assessment_id = models.BigIntegerField(null=True, blank=True)  # the one bound before
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"{self.action} {self.usage_key}: {self.previous_assessment_id} -> {self.assessment_id}"


class Accommodation(models.Model):
    """
    Per-learner adjustments of one assessment (extra time, extra attempts), set by staff.

    .. pii: links a learner (and the staff member who set it) to an accommodation; the reason for it is not stored.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="accommodations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    extra_minutes = models.PositiveIntegerField(default=0)
    time_multiplier = models.FloatField(default=1.0)
    extra_attempts = models.PositiveIntegerField(default=0)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["assessment", "user"], name="vault_accommodation_uniq")]

    def __str__(self) -> str:
        return f"accommodation of {self.user_id} on {self.assessment_id}"


class Attempt(models.Model):
    """
    One learner's attempt at an assessment: its draw (seed), timing, and grade.

    .. pii: links a learner to their answers and scores.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    GRADED = "graded"
    STATE_CHOICES = [(IN_PROGRESS, "In progress"), (SUBMITTED, "Submitted"), (EXPIRED, "Expired"), (GRADED, "Graded")]
    REASON_CHOICES = [("learner", "Learner"), ("timer", "Timer"), ("sweep", "Sweep"), ("staff", "Staff")]

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    # PROTECT: a learner's attempts are never deleted with their account (retirement keeps them, ADR 0013).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=STATE_CHOICES, default=IN_PROGRESS)
    # The draw and the shuffles derive from this seed, so the attempt renders the same every time.
    seed = models.BigIntegerField()
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    earned = models.FloatField(null=True, blank=True)
    possible = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)  # earned / possible, 0..1
    passed = models.BooleanField(null=True, blank=True)
    submit_reason = models.CharField(max_length=16, choices=REASON_CHOICES, blank=True)
    # True while in progress, NULL afterwards; see the module docstring.
    in_progress = models.BooleanField(null=True, blank=True, default=True)
    # The grade-report outbox (assessments/grades.py): set by the transaction that grades or regrades the attempt
    # of a graded assessment on a node, so the grade and its pending report commit together; cleared by the
    # transaction that reports it. After a failed report: the next try's time, how many tries, the last error.
    report_due_at = models.DateTimeField(null=True, blank=True)
    report_tries = models.PositiveIntegerField(default=0)
    report_error = models.TextField(blank=True, default="")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user", "number"], name="vault_attempt_number_uniq"),
            models.UniqueConstraint(fields=["assessment", "user", "in_progress"], name="vault_attempt_one_in_progress"),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="vault_attempt_state_deadline"),
            models.Index(fields=["user", "state"], name="vault_attempt_user_state"),
            models.Index(fields=["report_due_at"], name="vault_attempt_report_due"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.user_id} on {self.assessment_id}"


class Response(models.Model):
    """
    One question of an attempt: the pinned version shown, the learner's answer and its grade.

    .. no_pii: answers to course questions; the learner link is the attempt's.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="responses")
    position = models.PositiveIntegerField()
    question = models.ForeignKey("ve_edu_vault.Question", on_delete=models.PROTECT, related_name="+")
    # The exact version shown and graded: versions are immutable, so the grade stays explainable.
    question_version = models.ForeignKey("ve_edu_vault.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    points = models.FloatField(default=1.0)  # the version's points, copied for totals and analytics
    answer = models.JSONField(null=True, blank=True)
    raw_score = models.FloatField(null=True, blank=True)  # the grader's 0..1, before penalties
    score = models.FloatField(null=True, blank=True)  # 0..1 after try and hint penalties
    correct = models.BooleanField(null=True, blank=True)
    tries_used = models.PositiveIntegerField(default=0)
    hints_shown = models.PositiveIntegerField(default=0)
    checked = models.BooleanField(default=False)
    feedback = models.JSONField(null=True, blank=True)  # GradeResult.to_dict() of the last grading
    graded_at = models.DateTimeField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="vault_response_position_uniq")]

    def __str__(self) -> str:
        return f"response {self.position} of attempt {self.attempt_id}"
