"""
Frozen return values of ``assessments.api``: what views, pages, tasks and other applets receive.

TLDR: learner-facing views (``AttemptView``, ``QuestionView``, ``AttemptResult``) are built by the
api only through ``feedback.py``'s release rules, so a serializer can dump them as they are:
nothing in them is secret at the moment they are built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.assessments.data import Accommodation, AssessmentConfig, AttemptState
from ve_edu_vault.assessments.data_records import AssessmentRecord
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.questions.data_api import QuestionVersionData


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentData:
    """An assessment as authors see it."""

    id: int
    course_key: CourseKey
    node_usage_key: str | None
    title: str
    config: AssessmentConfig
    archived: bool
    created: datetime
    modified: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class BlockBinding:
    """The vault assessment XBlock an assessment is bound to (by the block's usage key)."""

    usage_key: UsageKey
    course_key: CourseKey
    assessment_id: int
    bound_by_id: int | None
    modified: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class AccommodationData:
    assessment_id: int
    user_id: int
    username: str
    accommodation: Accommodation
    set_by_id: int | None
    modified: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class LearnerAssessmentSummary:
    """One line of a learner's list of a course's assessments."""

    id: int
    title: str
    node_usage_key: str | None
    opens_at: datetime | None
    closes_at: datetime | None
    is_open: bool
    time_limit_minutes: int | None  # with the learner's accommodation applied
    attempts_used: int
    attempts_allowed: int | None  # None: unlimited
    in_progress_attempt_id: int | None
    score: float | None  # across attempts by the scoring method, once released; 0..1
    passed: bool | None


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionView:
    """
    One question of an attempt as the learner may see it now.

    ``question`` is the learner-safe view (``questions.grading.public_question_view``: prompt,
    parts, choices in the attempt's order, no keys). ``hints`` are the hints released so far
    (text only); ``feedback``/``score``/``correct``/``explanation`` are None until released.
    """

    response_id: int
    position: int
    question: dict[str, Any]
    answer: Any = None
    tries_used: int = 0
    tries_left: int | None = None
    hints: tuple[str, ...] = ()
    hints_remaining: int = 0
    score: float | None = None
    correct: bool | None = None
    feedback: dict[str, Any] | None = None
    explanation: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptView:
    """An attempt as the learner (or staff previewing) sees it now."""

    id: int
    assessment_id: int
    number: int
    state: AttemptState
    started_at: datetime
    deadline: datetime | None
    seconds_left: int | None
    submitted_at: datetime | None
    questions: tuple[QuestionView, ...]
    preview: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptResult:
    """The outcome of an attempt, with what the feedback policy releases now."""

    attempt_id: int
    assessment_id: int
    state: AttemptState
    submitted_at: datetime | None
    released: bool  # False: score and feedback are withheld by the policy
    score: float | None = None  # 0..1, after penalties
    points_earned: float | None = None
    points_possible: float | None = None
    passed: bool | None = None
    questions: tuple[QuestionView, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptSummary:
    """One line of an attempt history."""

    id: int
    number: int
    state: AttemptState
    started_at: datetime
    submitted_at: datetime | None
    score: float | None  # None until released
    passed: bool | None


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptAccess:
    """
    What a permission check needs of an attempt (its course, learner and deadline), from one read.

    The read also loads the attempt's assessment and pinned question versions (with their questions' nodes): hand
    this back to the api (``submit_attempt(access=...)`` and the other attempt functions) and it uses them instead
    of reading them again (same request, same data; versions are immutable).
    """

    attempt_id: int
    assessment_id: int
    course_key: CourseKey
    user_id: int
    deadline: datetime | None
    assessment: AssessmentRecord = field(compare=False, repr=False)
    versions: tuple[QuestionVersionData, ...] = field(default=(), compare=False, repr=False)
    nodes: Mapping[int, CourseNodeData] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class GradeChange:
    """A manual grade change as stored: the attempt's new points, score and pass, what it had before, why."""

    attempt_id: int
    assessment_id: int
    user_id: int
    earned: float
    possible: float
    score: float
    passed: bool
    previous_earned: float | None
    reason: str
    grade_reported: bool  # the grade publication was queued (graded and bound, or an LTI link's)
