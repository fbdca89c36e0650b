"""
Score sinks: other places a learner's assessment score goes, fed from the grade-report outbox of ``grades.py``.

TLDR: an applet above assessments (the LTI tool) registers a sink at start-up; assessments never import it.
``wants(assessment_id)`` says whether an assessment's grading must queue a report (the outbox mark is set in
the grading or regrading transaction, as for the LMS gradebook); ``receive(score)`` is called by the drain,
inside its transaction, with the learner's current score, so a sink queues its own delivery atomically with
the clearing of the mark (the LTI tool writes its AGS outbox row there and sends it from its own task).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["LearnerScore", "ScoreSink", "register", "sinks", "wanted"]


@dataclass(frozen=True, kw_only=True, slots=True)
class LearnerScore:
    """A learner's score on an assessment over their graded attempts, by its scoring method."""

    assessment_id: int
    user_id: int
    earned: float  # points, 0..possible
    possible: float  # the latest graded attempt's points possible
    graded_at: datetime  # the latest graded attempt's
    attempt_in_progress: bool


class ScoreSink(Protocol):
    def wants(self, assessment_id: int) -> bool: ...

    def receive(self, score: LearnerScore) -> None: ...


_sinks: list[ScoreSink] = []


def register(sink: ScoreSink) -> None:
    if sink not in _sinks:
        _sinks.append(sink)


def sinks() -> tuple[ScoreSink, ...]:
    return tuple(_sinks)


def wanted(assessment_id: int) -> bool:
    """Whether any sink wants this assessment's scores."""
    return any(sink.wants(assessment_id) for sink in _sinks)
