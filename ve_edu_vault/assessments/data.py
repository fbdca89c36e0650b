"""
Frozen data of assessments: configuration, accommodations, and what learners and staff are shown.

TLDR: no Django here. ``AssessmentConfig`` is stored as JSON (``to_dict``/``from_dict``) and
validated by ``from_dict``, which raises ``InvalidAssessmentConfig`` naming the field. The
``*View`` classes are the only shapes that reach a learner: they never carry answer keys,
explanations or unreleased hints (the api fills them only as the policies allow).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from ve_edu_vault.domain_errors import DomainError

__all__ = [
    "Accommodation",
    "AssessmentConfig",
    "AttemptState",
    "FeedbackPolicy",
    "InvalidAssessmentConfig",
    "QuestionBehaviour",
    "ScoringMethod",
    "SelectionMode",
    "SelectionRule",
]


class InvalidAssessmentConfig(DomainError, ValueError):
    """A configuration value is not valid; ``field`` names it (``selection.count``)."""

    code = "invalid_assessment_config"

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message, field=field_name)

    def __str__(self) -> str:
        return self.message


class SelectionMode(str, enum.Enum):
    FIXED = "fixed"  # the listed questions, in order (shuffled if asked)
    RANDOM = "random"  # ``count`` drawn from the pool under ``pool_node``


class DrawPer(str, enum.Enum):
    NONE = "none"  # ``count`` from the whole pool
    OBJECTIVE = "objective"  # ``count`` from each objective under the pool node
    TAG = "tag"  # ``count`` for each of ``tags``


class ScoringMethod(str, enum.Enum):
    HIGHEST = "highest"
    LATEST = "latest"
    AVERAGE = "average"
    FIRST = "first"


class QuestionBehaviour(str, enum.Enum):
    DEFERRED = "deferred"  # answers graded at submission
    IMMEDIATE = "immediate"  # each answer can be checked once before submission
    INTERACTIVE = "interactive"  # several tries per question, a penalty per extra try


class FeedbackPolicy(str, enum.Enum):
    IMMEDIATELY = "immediately"  # per question as soon as it is checked or graded
    AFTER_SUBMISSION = "after_submission"
    AFTER_CLOSE = "after_close"  # after the assessment's close date
    NEVER = "never"


class AttemptState(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"  # the deadline passed; submitted by the timer or the sweep
    GRADED = "graded"


@dataclass(frozen=True, kw_only=True, slots=True)
class SelectionRule:
    """
    Which questions an attempt gets.

    ``avoid_seen``: prefer questions the learner has not seen in earlier attempts of this
    assessment; ``avoid_seen_in_course``: nor in other assessments of the course. When the pool
    runs out, the least recently seen questions fill the draw.
    """

    mode: SelectionMode = SelectionMode.FIXED
    question_ids: tuple[int, ...] = ()
    pool_node: str | None = None  # usage key (string) of the topic/subtopic/objective whose pool is drawn
    count: int = 0
    per: DrawPer = DrawPer.NONE
    tags: tuple[str, ...] = ()
    avoid_seen: bool = True
    avoid_seen_in_course: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentConfig:
    """Everything an author sets on an assessment. Fractions are 0..1; durations in minutes or seconds as named."""

    selection: SelectionRule = field(default_factory=SelectionRule)
    shuffle_questions: bool = False
    shuffle_choices: bool = False
    attempt_limit: int | None = None  # None: unlimited
    time_limit_minutes: int | None = None  # None: untimed
    grace_seconds: int = 0  # answers accepted this long after the deadline (network latency)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    use_course_dates: bool = True  # take start/due from the mirror's node where the fields above are unset
    close_date_cuts_time: bool = False  # staff choice: a close date may shorten a running attempt
    pass_threshold: float = 0.5
    scoring: ScoringMethod = ScoringMethod.HIGHEST
    behaviour: QuestionBehaviour = QuestionBehaviour.DEFERRED
    max_tries: int = 1  # interactive behaviour: tries per question
    try_penalty: float = 0.0  # interactive: fraction of the question's score lost per extra try
    feedback: FeedbackPolicy = FeedbackPolicy.AFTER_SUBMISSION
    hints_enabled: bool = True  # hints released one at a time, on request
    hint_penalty: float = 0.0  # default fraction lost per hint shown (a hint's own penalty wins)
    graded: bool = True  # report the score to the platform gradebook

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["selection"]["question_ids"] = list(self.selection.question_ids)
        data["selection"]["tags"] = list(self.selection.tags)
        for name in ("opens_at", "closes_at"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return _plain(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AssessmentConfig:
        from ve_edu_vault.assessments.config_parsing import parse_config

        return parse_config(data)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class Accommodation:
    """Per-learner adjustments set by staff: extra minutes or a time multiplier, extra attempts."""

    extra_minutes: int = 0
    time_multiplier: float = 1.0
    extra_attempts: int = 0


CONFIG_FIELDS = tuple(f.name for f in fields(AssessmentConfig))
