"""
Frozen records of the assessments applet's storage: what its repositories take and return.

TLDR: no Django. An ``AssessmentRecord`` is an assessment with what every attempt request needs of its mirror node
(usage key, start and due) and of the XBlock it is bound to, read in one go by the repository; ``AccessRecord`` is
the joined read of ``attempts/<id>/`` requests (attempt, assessment, pinned versions and their questions' nodes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.questions.data_api import QuestionVersionData

__all__ = [
    "AccessRecord",
    "AccommodationRecord",
    "AssessmentRecord",
    "BindingRecord",
    "DueReport",
    "GradedResponse",
    "ReportStatus",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentRecord:
    id: int
    course_key: CourseKey
    node_id: int | None
    node_usage_key: UsageKey | None
    node_start: datetime | None
    node_due: datetime | None
    title: str
    config: Mapping[str, Any]
    archived: bool
    created: datetime
    modified: datetime
    #: The usage key of the vault XBlock the assessment is bound to, or None.
    block_usage_key: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class AccommodationRecord:
    id: int
    assessment_id: int
    user_id: int
    username: str
    extra_minutes: int
    time_multiplier: float
    extra_attempts: int
    set_by_id: int | None
    modified: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class BindingRecord:
    usage_key: UsageKey
    course_key: CourseKey
    assessment_id: int
    bound_by_id: int | None
    modified: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessRecord:
    """An attempt's owner and deadline, its assessment, and its pinned versions with their questions' nodes."""

    attempt_id: int
    assessment_id: int
    user_id: int
    deadline: datetime | None
    assessment: AssessmentRecord
    versions: tuple[QuestionVersionData, ...]
    #: ``{question id: node}`` of the pinned versions' questions that are on a node.
    nodes: Mapping[int, CourseNodeData] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class DueReport:
    """A learner's queued grade publication: their attempts marked in the outbox, and the most tries of those."""

    assessment_id: int
    user_id: int
    attempt_ids: tuple[int, ...]
    tries: int


@dataclass(frozen=True, kw_only=True, slots=True)
class GradedResponse:
    """A scored response of a graded attempt: a mastery observation's source."""

    id: int
    user_id: int
    question_id: int
    correct: bool | None
    score: float | None
    graded_at: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportStatus:
    queued: int
    failing: int
    last_error: str
    next_try_at: datetime | None
