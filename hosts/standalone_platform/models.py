"""
Tables of the hosts' standalone platform backend: enrollments, course roles, published outlines, grades.

TLDR: these stand in for edx-platform's student, modulestore and gradebook data in the hosts, the
demo and the tests. They belong to the hosts, not to the plugin: a production LMS never gets them
(docs/decisions/0012-platform-adapter-proven.rst). A host database made before the move gets its
rows copied over by this app's first migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class StandaloneEnrollment(models.Model):
    """
    A learner's enrollment in a course, for the standalone backend.

    .. no_pii: links a user id to a course; no personal data of its own.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    is_active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "standalone_platform"
        constraints = [models.UniqueConstraint(fields=["user", "course_key"], name="host_standalone_enrollment_uniq")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_key}"


class StandaloneCourseRole(models.Model):
    """
    A course role (staff or instructor), for the standalone backend.

    .. no_pii: links a user id to a course role; no personal data of its own.
    """

    STAFF = "staff"
    INSTRUCTOR = "instructor"
    ROLE_CHOICES = [(STAFF, "Staff"), (INSTRUCTOR, "Instructor")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    role = models.CharField(max_length=32, choices=ROLE_CHOICES, default=STAFF)

    class Meta:
        app_label = "standalone_platform"
        constraints = [models.UniqueConstraint(fields=["user", "course_key", "role"], name="host_standalone_role_uniq")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} of {self.course_key}"


class StandalonePublishedOutline(models.Model):
    """
    The published outline of a course, for the standalone backend's stand-in modulestore.

    .. no_pii: course structure only.
    """

    course_key = CourseKeyField(max_length=255, unique=True)
    version = models.CharField(max_length=255)
    published_at = models.DateTimeField(null=True)
    outline = models.JSONField()

    class Meta:
        app_label = "standalone_platform"

    def __str__(self) -> str:
        return f"{self.course_key}@{self.version}"


class StandaloneGrade(models.Model):
    """
    A learner's score on one graded block, for the standalone backend's stand-in gradebook.

    .. pii: links a learner to a score.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course_key = CourseKeyField(max_length=255, db_index=True)
    usage_key = models.CharField(max_length=255)
    earned = models.FloatField()
    possible = models.FloatField()
    graded_at = models.DateTimeField()
    # How many times the grade was published (the fault and load tests prove each report is delivered once).
    publications = models.PositiveIntegerField(default=1)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "standalone_platform"
        constraints = [models.UniqueConstraint(fields=["user", "usage_key"], name="host_standalone_grade_uniq")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.earned}/{self.possible} on {self.usage_key}"
