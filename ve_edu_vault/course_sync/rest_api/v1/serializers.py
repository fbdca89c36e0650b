"""
Serializers of the course sync REST API: output shapes of the api's data classes, and request bodies.

TLDR: a sync's result uses ``course_sync.reporting`` (the same JSON as ``vault_sync_course --json``);
these serializers describe it for the OpenAPI schema and validate inputs. No model is serialized
here: views get data classes from ``course_sync.api``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ve_edu_vault.course_sync.reporting import report_counts, stored_change_to_report

# Only sources that read from the platform: a REST caller must never name a server-side path.
REST_SOURCES = ("modulestore", "blocks_api")
POLICIES = ("apply_all", "hold_destructive")


class CountsSerializer(serializers.Serializer):
    add = serializers.IntegerField()
    remove = serializers.IntegerField()
    move = serializers.IntegerField()
    rename = serializers.IntegerField()
    reorder = serializers.IntegerField()
    attributes = serializers.IntegerField()
    restore = serializers.IntegerField()


class NodeCountsSerializer(serializers.Serializer):
    topic = serializers.IntegerField()
    subtopic = serializers.IntegerField()
    objective = serializers.IntegerField()


class ChangeReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    usage_key = serializers.CharField()
    block_type = serializers.CharField()
    display_name = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]  # the contract's key; DRF pops declared fields


class SyncReportSerializer(serializers.Serializer):
    """The result of a sync, dry run, undo or approval (``reporting.sync_result_to_dict``)."""

    sync_id = serializers.IntegerField(allow_null=True)
    course_key = serializers.CharField()
    outline_version = serializers.CharField()
    status = serializers.CharField()
    nodes = NodeCountsSerializer()
    counts = CountsSerializer()
    changes = ChangeReportSerializer(many=True)


class SyncRecordSerializer(serializers.Serializer):
    """One entry of a course's sync history (``SyncRecordData``) without its changes."""

    id = serializers.IntegerField()
    course_key = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named "source"
    trigger = serializers.CharField()
    outline_version = serializers.CharField()
    outline_published_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    counts = serializers.SerializerMethodField()
    message = serializers.CharField()
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)
    undo_of_id = serializers.IntegerField(allow_null=True)
    undone_by_id = serializers.IntegerField(allow_null=True)
    requested_by_id = serializers.IntegerField(allow_null=True)

    @extend_schema_field(CountsSerializer)
    def get_counts(self, record: Any) -> dict[str, int]:
        return report_counts(record.counts)


class SyncRecordDetailSerializer(SyncRecordSerializer):
    """A sync record with its changes, in the same shape as a sync report's changes."""

    timings = serializers.DictField(child=serializers.FloatField())
    changes = serializers.SerializerMethodField()

    @extend_schema_field(ChangeReportSerializer(many=True))
    def get_changes(self, record: Any) -> list[dict[str, Any]]:
        return [stored_change_to_report(item) for item in record.changes]


class CourseNodeSerializer(serializers.Serializer):
    """A node of the mirror; ``children`` holds nodes of the same shape (topics > subtopics > objectives)."""

    id = serializers.IntegerField()
    usage_key = serializers.CharField()
    kind = serializers.CharField()
    display_name = serializers.CharField()
    parent_key = serializers.CharField(allow_null=True)
    position = serializers.IntegerField()
    archived = serializers.BooleanField()
    attributes = serializers.JSONField()
    components = serializers.JSONField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.JSONField()))
    def get_children(self, node: Any) -> list[dict[str, Any]]:
        return CourseNodeSerializer(node.children, many=True).data  # type: ignore[return-value]


class CourseOutlineSerializer(serializers.Serializer):
    course_key = serializers.CharField()
    topics = CourseNodeSerializer(many=True)


class SyncRequestSerializer(serializers.Serializer):
    """Body of a preview or sync request: only platform sources (no filesystem path over REST)."""

    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named "source"
        choices=REST_SOURCES,
        required=False,
        allow_null=True,
        help_text=_("Outline source; default: the configured VE_EDU_VAULT_OUTLINE_SOURCE."),
    )


class SyncSettingsSerializer(serializers.Serializer):
    course_key = serializers.CharField(read_only=True)
    policy = serializers.ChoiceField(choices=POLICIES, required=False)
    paused = serializers.BooleanField(required=False)
    paused_reason = serializers.CharField(read_only=True)
    last_version = serializers.CharField(read_only=True)
    last_heartbeat_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def validate_paused(self, value: bool) -> bool:
        if value:
            raise serializers.ValidationError(
                _("Automatic sync is paused by undoing a sync; here it can only be resumed (paused: false).")
            )
        return value
