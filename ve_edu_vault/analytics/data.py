"""
Frozen values of the analytics applet: the sums the database aggregates and the statistics made from them.

TLDR: ``ItemSums`` are sufficient statistics (counts and sums of products) of one question version over a choice
of attempts; every statistic of an item or an assessment is a pure function of such sums (``statistics.py``), so
the database does the per-response work and the sums can be kept up to date one attempt at a time.
Notation: ``x`` is a response's score as a fraction (0..1), ``y`` the points it earned (``x * points``), ``c`` 1
when it was correct, ``t`` the attempt's total points earned, ``u`` the sum of the attempt's fractions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class AttemptChoice(enum.StrEnum):
    """Which of each learner's graded attempts the statistics count."""

    FIRST = "first"
    LAST = "last"
    BEST = "best"  # the highest score, the earliest of equal scores
    ALL = "all"


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemSums:
    """Sums over the responses to one question version (or, added up, one question) in the chosen attempts."""

    question_id: int
    version_id: int | None  # None: a roll-up over every version of the question
    version: int | None
    points: float
    n: int = 0
    sx: float = 0.0
    sy: float = 0.0
    syy: float = 0.0
    syt: float = 0.0
    st: float = 0.0
    stt: float = 0.0
    sc: float = 0.0
    sct: float = 0.0
    time_n: int = 0
    time_sum: float = 0.0  # seconds of the attempts that had the question (the vault times attempts, not questions)

    def __add__(self, other: ItemSums) -> ItemSums:
        return ItemSums(
            question_id=self.question_id,
            version_id=None,
            version=None,
            points=max(self.points, other.points),
            n=self.n + other.n,
            sx=self.sx + other.sx,
            sy=self.sy + other.sy,
            syy=self.syy + other.syy,
            syt=self.syt + other.syt,
            st=self.st + other.st,
            stt=self.stt + other.stt,
            sc=self.sc + other.sc,
            sct=self.sct + other.sct,
            time_n=self.time_n + other.time_n,
            time_sum=self.time_sum + other.time_sum,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentSums:
    """Sums over the chosen attempts of one assessment."""

    n: int = 0
    st: float = 0.0  # total points earned
    stt: float = 0.0
    su: float = 0.0  # sum of the attempt's fractions (number right, for KR-20)
    suu: float = 0.0
    possible: float = 0.0  # the largest points possible of an attempt
    time_n: int = 0
    time_sum: float = 0.0
    dichotomous: bool = True  # every response scored 0 or 1
    same_items: bool = True  # every attempt had the same questions (alpha and KR-20 need it)
    bins: tuple[int, ...] = (0,) * 10  # attempts by score fraction: [0, 0.1), ..., [0.9, 1.0]


@dataclass(frozen=True, kw_only=True, slots=True)
class ChoiceCount:
    """How many chose one choice of a choice part, and the mean total score of those who did."""

    part_id: str
    choice_id: str
    text: str
    correct: bool
    count: int
    mean_total: float | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Flag:
    """A reason to look at an item again, in plain words (``code`` is stable, ``message`` translated)."""

    code: str
    message: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemStats:
    """The statistics of one question version (or one question over its versions)."""

    question_id: int
    version_id: int | None
    version: int | None
    title: str
    points: float
    attempts: int
    mean: float | None  # mean points earned
    facility: float | None  # mean fraction 0..1
    discrimination: float | None  # corrected item-total correlation
    point_biserial: float | None  # correct (0/1) against the attempt's total
    mean_seconds: float | None  # mean time of the attempts that had the item
    choices: tuple[ChoiceCount, ...] = ()
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class AssessmentStats:
    """The statistics of one assessment over the chosen attempts."""

    assessment_id: int
    attempts_choice: AttemptChoice
    attempts: int
    mean: float | None  # mean points earned
    mean_fraction: float | None
    sd: float | None  # sample standard deviation of the total
    possible: float
    alpha: float | None
    kr20: float | None
    sem: float | None  # standard error of measurement, sd * sqrt(1 - alpha)
    mean_seconds: float | None
    distribution: tuple[int, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemAnalysis:
    """An assessment's statistics, each question version's, and each question's over its versions."""

    assessment: AssessmentStats
    items: tuple[ItemStats, ...]
    questions: tuple[ItemStats, ...] = field(default_factory=tuple)


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportJobData:
    """An export written to storage by the worker, and whether it is ready."""

    id: int
    course_key: str
    kind: str
    format: str
    filters: dict[str, object]
    status: str
    storage_name: str
    rows: int
    size: int
    error: str
    requested_by_id: int | None
    created: datetime
    finished: datetime | None
