"""
Serializers of the assessments REST API: request bodies in, ``assessments.data_api`` values out.

TLDR: output serializers read the api's frozen data classes field by field; enums are sent as
their values, keys as strings. Learner output serializers declare exactly the fields of the
learner views (``QuestionView``, ``AttemptView``, ``AttemptResult``): nothing else can leak.
"""

from __future__ import annotations

import enum
from typing import Any

from rest_framework import serializers

from ve_edu_vault.assessments.data import Accommodation

_SHARED: dict[type[serializers.Serializer], serializers.Serializer] = {}


def render(serializer_class: type[serializers.Serializer], instance: Any) -> Any:
    """
    ``serializer_class(instance).data`` for a read-only output serializer, without building its fields again.

    A serializer deep-copies its declared fields on every instantiation (~0.2 ms for an attempt
    result, most of rendering it); the learner endpoints render on every autosave and submission,
    so each output serializer is built once per process and its ``to_representation`` reused
    (it reads its fields and never changes them). Same fields, same output: the declared fields
    remain the only ones that can reach a learner.
    """
    shared = _SHARED.get(serializer_class)
    if shared is None:
        shared = _SHARED.setdefault(serializer_class, serializer_class())
    return shared.to_representation(instance)


class EnumField(serializers.Field):
    """A read-only enum, sent as its value (``"in_progress"``, not ``"AttemptState.IN_PROGRESS"``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value.value if isinstance(value, enum.Enum) else value


class KeyField(serializers.Field):
    """A read-only opaque key (course or usage key), sent as its string."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Authoring (Studio)


class AssessmentCreateSerializer(serializers.Serializer):
    """POST body: a title, the node the assessment belongs to, and the configuration (``AssessmentConfig`` dict)."""

    title = serializers.CharField(max_length=255)
    node_usage_key = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    config = serializers.DictField(required=False, default=dict, help_text="AssessmentConfig.to_dict() shape.")


class AssessmentUpdateSerializer(serializers.Serializer):
    """PATCH body: any of title and configuration (the configuration is replaced as a whole)."""

    title = serializers.CharField(max_length=255, required=False)
    config = serializers.DictField(required=False, help_text="AssessmentConfig.to_dict() shape.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send at least one of title and config.")
        return attrs


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    course_key = KeyField()
    node_usage_key = KeyField()
    title = serializers.CharField(read_only=True)
    config = serializers.SerializerMethodField()
    archived = serializers.BooleanField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    modified = serializers.DateTimeField(read_only=True)

    def get_config(self, instance: Any) -> dict[str, Any]:
        config: dict[str, Any] = instance.config.to_dict()
        return config


class AccommodationFieldsSerializer(serializers.Serializer):
    extra_minutes = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
    time_multiplier = serializers.FloatField(min_value=1.0, max_value=10.0, default=1.0)
    extra_attempts = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class AccommodationWriteSerializer(AccommodationFieldsSerializer):
    """PUT body: the learner (by username) and their accommodation (missing values reset to none)."""

    username = serializers.CharField(max_length=150)

    def accommodation(self) -> dict[str, Any]:
        data = self.validated_data
        return {name: data[name] for name in ("extra_minutes", "time_multiplier", "extra_attempts")}


class AccommodationSerializer(serializers.Serializer):
    assessment_id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    accommodation = serializers.SerializerMethodField()
    set_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    modified = serializers.DateTimeField(read_only=True)

    def get_accommodation(self, instance: Any) -> dict[str, Any]:
        value: Accommodation = instance.accommodation
        return {
            "extra_minutes": value.extra_minutes,
            "time_multiplier": value.time_multiplier,
            "extra_attempts": value.extra_attempts,
        }


# ---------------------------------------------------------------------------------------------
# Learners (LMS)


class LearnerAssessmentSerializer(serializers.Serializer):
    """One line of ``LearnerAssessmentSummary``."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    node_usage_key = KeyField()
    opens_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closes_at = serializers.DateTimeField(read_only=True, allow_null=True)
    is_open = serializers.BooleanField(read_only=True)
    time_limit_minutes = serializers.IntegerField(read_only=True, allow_null=True)
    attempts_used = serializers.IntegerField(read_only=True)
    attempts_allowed = serializers.IntegerField(read_only=True, allow_null=True)
    in_progress_attempt_id = serializers.IntegerField(read_only=True, allow_null=True)
    score = serializers.FloatField(read_only=True, allow_null=True)
    passed = serializers.BooleanField(read_only=True, allow_null=True)


class QuestionViewSerializer(serializers.Serializer):
    """``QuestionView``: the learner-safe question, the saved answer, released hints and feedback."""

    response_id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    question = serializers.JSONField(read_only=True)
    answer = serializers.JSONField(read_only=True, allow_null=True)
    tries_used = serializers.IntegerField(read_only=True)
    tries_left = serializers.IntegerField(read_only=True, allow_null=True)
    hints = serializers.ListField(child=serializers.CharField(), read_only=True)
    hints_remaining = serializers.IntegerField(read_only=True)
    score = serializers.FloatField(read_only=True, allow_null=True)
    correct = serializers.BooleanField(read_only=True, allow_null=True)
    feedback = serializers.JSONField(read_only=True, allow_null=True)
    explanation = serializers.CharField(read_only=True, allow_null=True)


class AttemptViewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    assessment_id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    state = EnumField()
    started_at = serializers.DateTimeField(read_only=True)
    deadline = serializers.DateTimeField(read_only=True, allow_null=True)
    seconds_left = serializers.IntegerField(read_only=True, allow_null=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    questions = QuestionViewSerializer(many=True, read_only=True)
    preview = serializers.BooleanField(read_only=True)


class AttemptResultSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField(read_only=True)
    assessment_id = serializers.IntegerField(read_only=True)
    state = EnumField()
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    released = serializers.BooleanField(read_only=True)
    score = serializers.FloatField(read_only=True, allow_null=True)
    points_earned = serializers.FloatField(read_only=True, allow_null=True)
    points_possible = serializers.FloatField(read_only=True, allow_null=True)
    passed = serializers.BooleanField(read_only=True, allow_null=True)
    questions = QuestionViewSerializer(many=True, read_only=True)


class AttemptSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    state = EnumField()
    started_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    score = serializers.FloatField(read_only=True, allow_null=True)
    passed = serializers.BooleanField(read_only=True, allow_null=True)


class AnswersSerializer(serializers.Serializer):
    """PUT/PATCH body of autosave: ``{"answers": {response_id: answer}}`` (only the responses sent change)."""

    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), allow_empty=True)

    def validate_answers(self, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not str(key).isdigit():
                raise serializers.ValidationError(f"{key!r} is not a response id.")
        if len(value) > 1000:
            raise serializers.ValidationError("Too many answers in one request.")
        return {str(key): answer for key, answer in value.items()}


class CheckSerializer(serializers.Serializer):
    """POST body of check: the answer to check (saved first). Omit it to check the saved answer."""

    answer = serializers.JSONField(required=False, allow_null=True)


class GradeChangeRequestSerializer(serializers.Serializer):
    """POST body of a manual grade change (course staff): the attempt's new points and why (both required)."""

    earned = serializers.FloatField(help_text="Points, 0 to the attempt's points possible.")
    reason = serializers.CharField(max_length=500, help_text="Why (kept in the audit log).")


class GradeChangeSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField(read_only=True)
    assessment_id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    earned = serializers.FloatField(read_only=True)
    possible = serializers.FloatField(read_only=True)
    score = serializers.FloatField(read_only=True)
    passed = serializers.BooleanField(read_only=True)
    previous_earned = serializers.FloatField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)
    grade_reported = serializers.BooleanField(read_only=True, help_text="The grade publication was queued.")
