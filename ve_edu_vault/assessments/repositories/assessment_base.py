"""
The storage port of assessments, their accommodations and their XBlock bindings.

TLDR: ``api.py`` and its helper modules read and write these only through this interface and get frozen records
(``data_records.py``) back. Transactions are the caller's; ``lock=True`` holds the row until the transaction ends.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from ..data_records import AccommodationRecord, AssessmentRecord, BindingRecord

__all__ = ["ASSESSMENT_FIELDS", "AssessmentRepository"]

#: The assessment fields ``update_assessment`` may change.
ASSESSMENT_FIELDS = frozenset({"title", "config", "archived", "archived_at"})


class AssessmentRepository(abc.ABC):
    @abc.abstractmethod
    def get_assessment(self, assessment_id: int) -> AssessmentRecord | None:
        """The assessment with its node's key and dates and its block's key, in one read; None if absent."""

    @abc.abstractmethod
    def list_assessments(self, course_key: CourseKey, *, include_archived: bool) -> list[AssessmentRecord]:
        """The course's assessments, oldest first."""

    @abc.abstractmethod
    def assessment_ids(self, course_key: CourseKey) -> list[int]: ...

    @abc.abstractmethod
    def create_assessment(
        self,
        *,
        course_key: CourseKey,
        node_id: int | None,
        title: str,
        config: Mapping[str, Any],
        created_by_id: int | None,
    ) -> int:
        """A new assessment; returns its id."""

    @abc.abstractmethod
    def update_assessment(self, assessment_id: int, **fields: Any) -> None:
        """Change fields named in ``ASSESSMENT_FIELDS`` (and the modification time)."""

    @abc.abstractmethod
    def lock_assessment(self, assessment_id: int) -> None:
        """Hold the assessment's row until the transaction ends (serialises its editors)."""

    @abc.abstractmethod
    def get_accommodation(self, assessment_id: int, user_id: int) -> AccommodationRecord | None: ...

    @abc.abstractmethod
    def set_accommodation(
        self,
        assessment_id: int,
        user_id: int,
        *,
        extra_minutes: int,
        time_multiplier: float,
        extra_attempts: int,
        set_by_id: int | None,
    ) -> AccommodationRecord: ...

    @abc.abstractmethod
    def list_accommodations(self, assessment_id: int) -> list[AccommodationRecord]:
        """By user id."""

    @abc.abstractmethod
    def delete_accommodations(self, user_id: int) -> int:
        """Remove a learner's accommodations (retirement); how many."""

    @abc.abstractmethod
    def get_binding(self, usage_key: UsageKey, *, lock: bool = False) -> BindingRecord | None: ...

    @abc.abstractmethod
    def binding_elsewhere(self, assessment_id: int, usage_key: UsageKey) -> BindingRecord | None:
        """The binding of the assessment to a block other than ``usage_key``, if any."""

    @abc.abstractmethod
    def bindings(self, course_key: CourseKey) -> dict[int, UsageKey]:
        """``{assessment id: block usage key}`` of the course's bound assessments."""

    @abc.abstractmethod
    def bind(
        self, usage_key: UsageKey, *, course_key: CourseKey, assessment_id: int, bound_by_id: int | None
    ) -> BindingRecord:
        """Bind (or rebind) the block; ``ConflictError`` when the assessment is bound to another block meanwhile."""

    @abc.abstractmethod
    def unbind(self, usage_key: UsageKey) -> None: ...

    @abc.abstractmethod
    def record_binding_change(
        self,
        usage_key: UsageKey,
        *,
        bound: bool,
        assessment_id: int | None,
        previous_assessment_id: int | None,
        changed_by_id: int | None,
    ) -> None:
        """The audit record of a binding change."""
