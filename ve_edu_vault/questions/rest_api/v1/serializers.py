"""Serializers of the question bank REST API: request bodies in, ``data_api`` values out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ve_edu_vault.questions.data_api import QuestionData, QuestionVersionData


class QuestionWriteSerializer(serializers.Serializer):
    """POST/PUT body: the content (``QuestionContent.to_dict()`` shape) and an optional objective node."""

    content = serializers.JSONField()
    node_usage_key = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class PreviewGradeSerializer(serializers.Serializer):
    answers = serializers.JSONField(help_text="Answers per part: {part_id: answer}.")
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .tar.gz course export of this course.")


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    type = serializers.CharField()
    title = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    points = serializers.FloatField()
    content_hash = serializers.CharField()
    author_id = serializers.IntegerField(allow_null=True)
    created = serializers.DateTimeField()
    content = serializers.JSONField()

    def to_representation(self, instance: QuestionVersionData) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        data["tags"] = list(instance.tags)
        return data


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course_key = serializers.CharField()
    node_usage_key = serializers.CharField(allow_null=True)
    source_usage_key = serializers.CharField(allow_null=True)
    archived = serializers.BooleanField()
    archived_at = serializers.DateTimeField(allow_null=True)
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()
    current_version = VersionSerializer(allow_null=True)

    def to_representation(self, instance: QuestionData) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        for name in ("course_key", "node_usage_key", "source_usage_key"):
            value = getattr(instance, name)
            data[name] = str(value) if value is not None else None
        return data


class ImportReportSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    by_type = serializers.DictField(child=serializers.IntegerField())
    unsupported = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class InterchangeUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Moodle XML, GIFT or Aiken text, a QTI item or package (.zip).")
    format = serializers.CharField(required=False, default="auto", help_text="auto, moodle-xml, gift, aiken or qti.")
    node_usage_key = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Attach every question to this node of the course."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "partial" is a Serializer attribute (partial updates): the field is added here, not as a class attribute.
        fields: dict[str, serializers.Field] = super().get_fields()
        fields["partial"] = serializers.BooleanField(
            required=False, default=False, help_text="Import what can be imported when some items are refused."
        )
        return fields


class ImportConfirmSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()
        fields["partial"] = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Import what can be imported (default: as uploaded).",
        )
        return fields


class _EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    source_id = serializers.CharField()
    title = serializers.CharField()
    type = serializers.CharField()
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)


class _RefusalSerializer(serializers.Serializer):
    source_id = serializers.CharField()
    title = serializers.CharField()
    type = serializers.CharField()
    reason = serializers.CharField()
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)


class _PartialKey(serializers.Serializer):
    """Adds a read ``partial`` key: a Serializer attribute name (partial updates), so never a class attribute."""

    partial_help = ""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields: dict[str, serializers.Field] = super().get_fields()
        fields["partial"] = serializers.BooleanField(help_text=self.partial_help)
        return fields


class InterchangeReportSerializer(_PartialKey):
    """``docs/question_interchange_json.rst``: the ``--json`` output of ``vault_import_questions``."""

    partial_help = "Whether the importable items were imported without the refused ones."

    course_key = serializers.CharField()
    file = serializers.CharField()
    format = serializers.CharField()
    status = serializers.ChoiceField(choices=["imported", "refused", "dry_run"])
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    created = _EntrySerializer(many=True)
    updated = _EntrySerializer(many=True)
    unchanged = _EntrySerializer(many=True)
    refused = _RefusalSerializer(many=True)
    warnings = serializers.ListField(child=serializers.DictField())


class ImportJobSerializer(_PartialKey):
    partial_help = "Import what can be imported."

    id = serializers.IntegerField()
    course_key = serializers.CharField()
    file_name = serializers.CharField()
    size = serializers.IntegerField()
    format = serializers.CharField()
    node_usage_key = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["uploaded", "previewing", "previewed", "importing", "imported", "refused", "failed"]
    )
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    preview = InterchangeReportSerializer(allow_null=True, help_text="The dry run: what the import will do.")
    report = InterchangeReportSerializer(allow_null=True, help_text="What the import did.")
    error = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()
