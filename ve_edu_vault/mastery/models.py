"""
Tables of mastery: where each learner stands on each objective, and every step that moved it.

TLDR: private to the mastery applet; everything else calls ``mastery.api``. A ``MasteryState`` row
per (learner, objective node) holds the current ``data.MasteryState.to_dict()`` (plus ``mastered``
and ``probability`` as columns, so "who has mastered this objective" is an indexed query). Each
``MasteryEvent`` is one graded response applied to that state: the states before and after and the
explanation a teacher reads, so a state can always say which responses moved it and by how much.
Events are derived data: ``mastery.api.recompute`` replaces them by a replay of the responses
(after a regrade, or a change of an objective's policy).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField
from opaque_keys.edx.keys import CourseKey


class MasteryState(models.Model):
    """
    One learner's current mastery of one objective.

    .. pii: links a learner to how well they master a course objective.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # PROTECT: mirror nodes are archived, never deleted.
    node = models.ForeignKey("ve_edu_vault.CourseNode", on_delete=models.PROTECT, related_name="+")
    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255)
    policy = models.CharField(max_length=64)
    mastered = models.BooleanField(default=False)
    probability = models.FloatField(null=True, blank=True)
    evidence_count = models.PositiveIntegerField(default=0)
    state = models.JSONField(default=dict)  # data.MasteryState.to_dict()
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["user", "node"], name="vault_mastery_user_node_uniq")]
        indexes = [
            models.Index(fields=["course_key", "user"], name="vault_mastery_course_user"),
            models.Index(fields=["node", "mastered"], name="vault_mastery_node_mastered"),
        ]

    def __str__(self) -> str:
        return f"mastery of {self.user_id} on node {self.node_id}"


class MasteryEvent(models.Model):
    """
    One graded response applied to a learner's mastery of one objective (the history a teacher reads).

    .. pii: links a learner to a graded response and its effect on their mastery.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    node = models.ForeignKey("ve_edu_vault.CourseNode", on_delete=models.PROTECT, related_name="+")
    course_key: CourseKeyField[CourseKey, CourseKey] = CourseKeyField(max_length=255)
    # CASCADE: a retired learner's responses go, and so does the evidence they were.
    # No database constraint: with the mongodb storage backend responses live in MongoDB (ADR 0016); the ORM
    # backend's deletes are still refused (PROTECT is enforced by Django's collector).
    response = models.ForeignKey(
        "ve_edu_vault.Response", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    question_id = models.PositiveIntegerField()
    sequence = models.PositiveIntegerField()  # 1-based position in the learner's history on the objective
    correct = models.BooleanField()
    score = models.FloatField()
    at = models.DateTimeField()
    before = models.JSONField()
    after = models.JSONField()
    explanation = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            models.UniqueConstraint(fields=["user", "node", "response"], name="vault_mastery_event_uniq"),
        ]
        indexes = [models.Index(fields=["user", "node", "sequence"], name="vault_mastery_event_seq")]

    def __str__(self) -> str:
        return f"mastery event {self.sequence} of {self.user_id} on node {self.node_id}"
