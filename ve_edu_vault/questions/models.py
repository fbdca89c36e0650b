"""
Tables of the question bank. Private to ``questions``: everything else calls ``questions.api``.

TLDR: a ``Question`` is an identity (course, node, OLX source) pointing at its current
``QuestionVersion``; versions are immutable rows (an edit adds one). The list filters (type, title,
tags, text) read the *current* version through the ``current_version`` join, so old versions never
match. Text search: PostgreSQL uses a GIN index on ``to_tsvector('simple', search_text)``,
MariaDB/MySQL a FULLTEXT index on ``search_text`` (both created by migration 0002 only on those
engines); SQLite falls back to ``icontains``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class Question(models.Model):
    """
    One question of a course's bank; its content lives in versions.

    .. no_pii: course content only.
    """

    course_key = CourseKeyField(max_length=255)
    # The objective (unit) the question belongs to; PROTECT because nodes are archived, never deleted.
    node = models.ForeignKey(
        "ve_edu_vault.CourseNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The OLX problem block the question was imported from: the match key of a re-import. A plain
    # CharField on purpose: UsageKeyField stores None as "", which would make every hand-made
    # question collide in the unique constraint (and MariaDB has no partial unique index).
    source_usage_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 - see above
    current_version = models.ForeignKey(
        "ve_edu_vault.QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [
            # NULLs never collide (in SQLite, MariaDB and PostgreSQL), so hand-made questions are free.
            models.UniqueConstraint(fields=["course_key", "source_usage_key"], name="vault_question_source_uniq"),
        ]
        indexes = [models.Index(fields=["course_key", "archived", "node"], name="vault_question_course")]

    def __str__(self) -> str:
        return f"question {self.pk} of {self.course_key}"


class QuestionVersion(models.Model):
    """
    One immutable version of a question's content (``QuestionContent.to_dict()``).

    .. pii: ``author`` links to the staff user who wrote the version. Kept as an authoring record;
       the link is nulled (SET_NULL) when the user is deleted.
    .. pii_types: id
    .. pii_retirement: retained
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    type = models.CharField(max_length=64)
    title = models.CharField(max_length=255, blank=True)
    # Title, prompts and choice texts without HTML: what the text filter searches.
    search_text = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    points = models.FloatField(default=1.0)
    # sha256 of the canonical JSON of ``content``: an edit or re-import with the same hash is a no-op.
    content_hash = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="vault_qversion_number_uniq")]
        indexes = [models.Index(fields=["type"], name="vault_qversion_type")]

    def __str__(self) -> str:
        return f"version {self.number} of question {self.question_id}"


class QuestionTag(models.Model):
    """
    One tag of one question version (a row per tag so the tag filter is an indexed equality).

    .. no_pii: course content only.
    """

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="tag_rows")
    tag = models.CharField(max_length=255)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["version", "tag"], name="vault_qtag_uniq")]
        indexes = [models.Index(fields=["tag"], name="vault_qtag_tag")]

    def __str__(self) -> str:
        return self.tag


class QuestionSource(models.Model):
    """
    Where a question came from in another system's file: the match key of a re-import (ADR 0009).

    ``source_id`` is the format family's identifier (``moodle:Geography#id:cap-fr``, ``qti:ITEM-1``...);
    ``source_key`` its sha256, the unique, indexable form (MariaDB cannot index long text).

    .. no_pii: course content identifiers only.
    """

    course_key = CourseKeyField(max_length=255)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sources")
    source_key = models.CharField(max_length=64)
    source_id = models.TextField()
    format = models.CharField(max_length=32)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "ve_edu_vault"
        constraints = [models.UniqueConstraint(fields=["course_key", "source_key"], name="vault_qsource_key_uniq")]

    def __str__(self) -> str:
        return self.source_id


class QuestionImportJob(models.Model):
    """
    One upload to import (Studio page, REST): its file, its preview, its outcome. Also the audit record
    of an import: who, when, which file, what was created, updated and refused.

    .. pii: ``created_by`` links to the staff user who uploaded the file. Kept as an audit record; the
       link is nulled (SET_NULL) when the user is deleted.
    .. pii_types: id
    .. pii_retirement: retained
    """

    UPLOADED, PREVIEWING, PREVIEWED, IMPORTING, IMPORTED, REFUSED, FAILED = (
        "uploaded", "previewing", "previewed", "importing", "imported", "refused", "failed",
    )  # fmt: skip
    STATUSES = [(value, value) for value in (UPLOADED, PREVIEWING, PREVIEWED, IMPORTING, IMPORTED, REFUSED, FAILED)]

    course_key = CourseKeyField(max_length=255, db_index=True)
    file_name = models.CharField(max_length=255)
    # Where the upload is kept until the import finishes (the import storage, see conf.import_storage()).
    storage_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(max_length=32, default="auto")
    node_usage_key = models.CharField(max_length=255, blank=True)
    partial = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUSES, default=UPLOADED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ve_edu_vault"

    def __str__(self) -> str:
        return f"import {self.pk} of {self.file_name} into {self.course_key}"
