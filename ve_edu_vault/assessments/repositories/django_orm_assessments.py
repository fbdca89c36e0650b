"""
The Django ORM backend of ``AssessmentRepository``: assessments, accommodations and XBlock bindings.

TLDR: the only module that touches ``Assessment``, ``Accommodation``, ``AssessmentBlock`` and
``AssessmentBlockChange`` rows. The assessment is read with its mirror node's key and dates and its block's usage
key in one prepared query (every attempt request runs it); ``ASSESSMENT_LOOKUPS`` is shared with the attempt
repository's joined access read, inside this package only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.errors import ConflictError
from ve_edu_vault.prepared_queries import PreparedQuery

from ..data_records import AccommodationRecord, AssessmentRecord, BindingRecord
from ..models import Accommodation, Assessment, AssessmentBlock, AssessmentBlockChange
from .assessment_base import ASSESSMENT_FIELDS, AssessmentRepository
from .base import check_fields

__all__ = ["ASSESSMENT_LOOKUPS", "DjangoAssessmentRepository", "assessment_from_values"]

#: What an ``AssessmentRecord`` is read from, as lookups from an ``Assessment`` (in ``AssessmentRecord`` order).
ASSESSMENT_LOOKUPS = (
    "id",
    "course_key",
    "node_id",
    "node__usage_key",
    "node__start",
    "node__due",
    "title",
    "config",
    "archived",
    "created",
    "modified",
    "block__usage_key",
)
_NAMES = (
    "id",
    "course_key",
    "node_id",
    "node_usage_key",
    "node_start",
    "node_due",
    "title",
    "config",
    "archived",
    "created",
    "modified",
    "block_usage_key",
)
_ASSESSMENT = PreparedQuery(
    lambda assessment_id: Assessment.objects.filter(pk=assessment_id).values_list(*ASSESSMENT_LOOKUPS)
)


def assessment_from_values(values: Sequence[Any]) -> AssessmentRecord:
    """An assessment read as ``ASSESSMENT_LOOKUPS`` values."""
    record = dict(zip(_NAMES, values, strict=True))
    block_key = record["block_usage_key"]
    record["block_usage_key"] = str(block_key) if block_key is not None else None
    return AssessmentRecord(**record)


def _accommodation(row: Accommodation) -> AccommodationRecord:
    return AccommodationRecord(
        id=row.pk,
        assessment_id=row.assessment_id,
        user_id=row.user_id,
        username=row.user.username,
        extra_minutes=row.extra_minutes,
        time_multiplier=row.time_multiplier,
        extra_attempts=row.extra_attempts,
        set_by_id=row.set_by_id,
        modified=row.modified,
    )


def _binding(row: AssessmentBlock) -> BindingRecord:
    return BindingRecord(
        usage_key=row.usage_key,
        course_key=row.course_key,
        assessment_id=row.assessment_id,
        bound_by_id=row.bound_by_id,
        modified=row.modified,
    )


class DjangoAssessmentRepository(AssessmentRepository):
    def get_assessment(self, assessment_id: int) -> AssessmentRecord | None:
        found = _ASSESSMENT.first(assessment_id=assessment_id)
        return assessment_from_values(found) if found is not None else None

    def list_assessments(self, course_key: CourseKey, *, include_archived: bool) -> list[AssessmentRecord]:
        rows = Assessment.objects.filter(course_key=course_key)
        if not include_archived:
            rows = rows.filter(archived=False)
        return [assessment_from_values(row) for row in rows.order_by("created", "pk").values_list(*ASSESSMENT_LOOKUPS)]

    def assessment_ids(self, course_key: CourseKey) -> list[int]:
        return list(Assessment.objects.filter(course_key=course_key).values_list("pk", flat=True))

    def create_assessment(
        self,
        *,
        course_key: CourseKey,
        node_id: int | None,
        title: str,
        config: Mapping[str, Any],
        created_by_id: int | None,
    ) -> int:
        row = Assessment.objects.create(
            course_key=course_key, node_id=node_id, title=title, config=dict(config), created_by_id=created_by_id
        )
        return int(row.pk)

    def update_assessment(self, assessment_id: int, **fields: Any) -> None:
        check_fields(fields, ASSESSMENT_FIELDS)
        Assessment.objects.filter(pk=assessment_id).update(**fields, modified=timezone.now())

    def lock_assessment(self, assessment_id: int) -> None:
        Assessment.objects.select_for_update().filter(pk=assessment_id).values_list("pk").first()

    def get_accommodation(self, assessment_id: int, user_id: int) -> AccommodationRecord | None:
        row = Accommodation.objects.filter(assessment_id=assessment_id, user_id=user_id).select_related("user").first()
        return _accommodation(row) if row is not None else None

    def set_accommodation(
        self,
        assessment_id: int,
        user_id: int,
        *,
        extra_minutes: int,
        time_multiplier: float,
        extra_attempts: int,
        set_by_id: int | None,
    ) -> AccommodationRecord:
        saved, _ = Accommodation.objects.update_or_create(
            assessment_id=assessment_id,
            user_id=user_id,
            defaults={
                "extra_minutes": extra_minutes,
                "time_multiplier": time_multiplier,
                "extra_attempts": extra_attempts,
                "set_by_id": set_by_id,
            },
        )
        return _accommodation(Accommodation.objects.select_related("user").get(pk=saved.pk))

    def list_accommodations(self, assessment_id: int) -> list[AccommodationRecord]:
        rows = Accommodation.objects.filter(assessment_id=assessment_id).select_related("user").order_by("user_id")
        return [_accommodation(row) for row in rows]

    def delete_accommodations(self, user_id: int) -> int:
        removed, _ = Accommodation.objects.filter(user_id=user_id).delete()
        return int(removed)

    def get_binding(self, usage_key: UsageKey, *, lock: bool = False) -> BindingRecord | None:
        rows = AssessmentBlock.objects.select_for_update() if lock else AssessmentBlock.objects.all()
        row = rows.filter(usage_key=usage_key).first()
        return _binding(row) if row is not None else None

    def binding_elsewhere(self, assessment_id: int, usage_key: UsageKey) -> BindingRecord | None:
        row = AssessmentBlock.objects.filter(assessment_id=assessment_id).exclude(usage_key=usage_key).first()
        return _binding(row) if row is not None else None

    def bindings(self, course_key: CourseKey) -> dict[int, UsageKey]:
        rows = AssessmentBlock.objects.filter(course_key=course_key).values_list("assessment_id", "usage_key")
        return dict(rows)

    def bind(
        self, usage_key: UsageKey, *, course_key: CourseKey, assessment_id: int, bound_by_id: int | None
    ) -> BindingRecord:
        try:
            with transaction.atomic():
                row = AssessmentBlock.objects.filter(usage_key=usage_key).first()
                if row is None:
                    row = AssessmentBlock.objects.create(
                        usage_key=usage_key, course_key=course_key, assessment_id=assessment_id, bound_by_id=bound_by_id
                    )
                else:
                    row.assessment_id, row.bound_by_id = assessment_id, bound_by_id
                    row.save(update_fields=["assessment", "bound_by", "modified"])
        except IntegrityError as exc:  # a concurrent binding of the same assessment won
            raise ConflictError("This assessment is already used by another component.", field="assessment_id") from exc
        return _binding(row)

    def unbind(self, usage_key: UsageKey) -> None:
        AssessmentBlock.objects.filter(usage_key=usage_key).delete()

    def record_binding_change(
        self,
        usage_key: UsageKey,
        *,
        bound: bool,
        assessment_id: int | None,
        previous_assessment_id: int | None,
        changed_by_id: int | None,
    ) -> None:
        AssessmentBlockChange.objects.create(
            usage_key=usage_key,
            action=AssessmentBlockChange.BOUND if bound else AssessmentBlockChange.UNBOUND,
            assessment_id=assessment_id,
            previous_assessment_id=previous_assessment_id,
            changed_by_id=changed_by_id,
        )
