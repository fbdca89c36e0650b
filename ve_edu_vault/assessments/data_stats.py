"""
What analytics reads of attempts and responses: frozen sums for item analysis, typed rows for the ORM's exports.

TLDR: no Django. The analytics applet turns these into statistics (``analytics/statistics.py``); the repository
computes them in the database on every backend (SQL ``GROUP BY`` on the ORM, an aggregation pipeline on MongoDB),
never by reading every response into Python. ``choice`` is which of each learner's graded attempts count: "all",
or one per learner, "first", "last" or "best" (the highest score, then the earliest). Notation as in
``analytics/data.py``: ``x`` a response's score as a fraction, ``y`` the points it earned (``x * points``), ``c`` 1
when it was correct, ``t`` the attempt's total points earned, ``u`` the sum of the attempt's fractions.

``AttemptRow`` and ``ResponseRow`` are named tuples, not data classes: the ORM's exports read them from a raw
cursor a page at a time, and a tuple subclass costs the export almost nothing per row (ADR 0028).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

__all__ = [
    "ATTEMPT_CHOICES",
    "EVERY_FINISHED",
    "AnswerTally",
    "AttemptRow",
    "AttemptSums",
    "ExportFilter",
    "ResponseRow",
    "VersionSums",
]

#: The values of ``choice`` the aggregate reads take.
ATTEMPT_CHOICES = ("first", "last", "best", "all")


@dataclass(frozen=True, kw_only=True, slots=True)
class VersionSums:
    """Sums over the responses to one question version in the counted attempts."""

    question_id: int
    version_id: int
    points: float  # the largest points of a response
    n: int
    sx: float
    sy: float
    syy: float
    syt: float
    st: float
    stt: float
    sc: float
    sct: float
    time_n: int  # responses whose attempt was submitted
    time_sum: float  # their attempts' durations, in seconds


@dataclass(frozen=True, kw_only=True, slots=True)
class AttemptSums:
    """Sums over the counted attempts of one assessment."""

    n: int = 0
    st: float = 0.0
    stt: float = 0.0
    su: float = 0.0
    suu: float = 0.0
    possible: float = 0.0  # the largest points possible of an attempt
    time_n: int = 0
    time_sum: float = 0.0
    partial: int = 0  # responses scored neither 0 nor 1 (KR-20 needs none)
    bins: tuple[int, ...] = (0,) * 10  # attempts by score: [0, 0.1), ..., [0.9, 1.0]; below 0 or none in the first


@dataclass(frozen=True, kw_only=True, slots=True)
class AnswerTally:
    """How many counted responses to a version gave one answer, and their attempts' totals summed."""

    version_id: int
    answer: Any
    count: int
    total: float


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportFilter:
    """
    Which attempts of an assessment an export reads: with ``choice`` "all" every attempt not in progress, else each
    learner's graded "first", "last" or "best" (highest score, then earliest); then those submitted in
    [``since``, ``until``). One value through the repository's export methods and both backends' queries.
    """

    since: datetime | None = None
    until: datetime | None = None
    choice: str = "all"


#: Every attempt not in progress, whenever submitted (the export methods' default).
EVERY_FINISHED = ExportFilter()


class AttemptRow(NamedTuple):
    """One exported attempt (the ORM's export pages)."""

    id: int
    assessment_id: int
    user_id: int
    number: int
    state: str
    started_at: datetime
    submitted_at: datetime | None
    graded_at: datetime | None
    earned: float | None
    possible: float | None
    score: float | None
    passed: bool | None
    submit_reason: str


class ResponseRow(NamedTuple):
    """One exported response with what it needs of its attempt (the ORM's export pages); ``score`` a fraction."""

    id: int
    attempt_id: int
    assessment_id: int
    user_id: int
    question_id: int
    question_version_id: int
    position: int
    score: float | None
    points: float
    correct: bool | None
    tries_used: int
    hints_shown: int
    submitted_at: datetime | None
    graded_at: datetime | None
