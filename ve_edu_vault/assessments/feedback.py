"""
When a learner may see results, per-question feedback and hints.

TLDR: the api builds learner views only through these rules; nothing else decides what is
released. Each function answers one yes/no question from the policy and the attempt's state.

Rules:

- ``NEVER``: nothing is released to the learner (staff see everything elsewhere).
- ``IMMEDIATELY`` and ``AFTER_SUBMISSION``: the attempt's results once it is finished
  (submitted, expired or graded). The score itself needs ``GRADED`` (``score_released``),
  because grading may run after submission.
- ``AFTER_CLOSE``: as above, and only from the close date (inclusive). Decision: an assessment
  with no close date (none set, none from the course) behaves as ``AFTER_SUBMISSION``; the
  alternative, "never", would hide results forever without anyone having chosen that.
- Per-question feedback DURING an attempt only with ``IMMEDIATELY``, for an answer the learner
  checked, in the immediate or interactive behaviour (deferred has no "check"). After the
  attempt, per-question feedback follows the results rule.
- Hints are released one at a time in order; the penalty of the next one is the hint's own
  penalty, else the assessment's default.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ve_edu_vault.assessments.data import AttemptState, FeedbackPolicy, QuestionBehaviour
from ve_edu_vault.questions.data import Hint

__all__ = [
    "FINISHED_STATES",
    "hints_visible",
    "next_hint_penalty",
    "question_feedback_released",
    "results_released",
    "score_released",
    "shown_hint_penalties",
]

FINISHED_STATES = frozenset({AttemptState.SUBMITTED, AttemptState.EXPIRED, AttemptState.GRADED})
_CHECKABLE = frozenset({QuestionBehaviour.IMMEDIATE, QuestionBehaviour.INTERACTIVE})


def results_released(
    policy: FeedbackPolicy,
    *,
    state: AttemptState,
    now: datetime,
    closes_at: datetime | None,
) -> bool:
    """Whether the learner may review a finished attempt (correctness, feedback, answers)."""
    if policy is FeedbackPolicy.NEVER or state not in FINISHED_STATES:
        return False
    if policy is FeedbackPolicy.AFTER_CLOSE and closes_at is not None:
        return now >= closes_at
    return True


def score_released(
    policy: FeedbackPolicy,
    *,
    state: AttemptState,
    now: datetime,
    closes_at: datetime | None,
) -> bool:
    """Whether the learner may see the attempt's score: results released and the attempt graded."""
    return state is AttemptState.GRADED and results_released(policy, state=state, now=now, closes_at=closes_at)


def question_feedback_released(
    policy: FeedbackPolicy,
    *,
    behaviour: QuestionBehaviour,
    state: AttemptState,
    checked: bool,
    now: datetime,
    closes_at: datetime | None,
) -> bool:
    """Whether one question's correctness and feedback may be shown to the learner now."""
    if state is AttemptState.IN_PROGRESS:
        return policy is FeedbackPolicy.IMMEDIATELY and checked and behaviour in _CHECKABLE
    return results_released(policy, state=state, now=now, closes_at=closes_at)


def hints_visible(hints: Sequence[Hint], shown: int) -> tuple[str, ...]:
    """The texts of the first ``shown`` hints (the ones the learner asked for)."""
    return tuple(hint.text for hint in hints[: max(0, shown)])


def next_hint_penalty(hints: Sequence[Hint], shown: int, default_penalty: float) -> float:
    """What asking for the next hint costs; 0 when there is no next hint (nothing to pay for)."""
    if shown < 0 or shown >= len(hints):
        return 0.0
    return _penalty(hints[shown], default_penalty)


def shown_hint_penalties(hints: Sequence[Hint], shown: int, default_penalty: float) -> tuple[float, ...]:
    """The penalties of the hints shown so far, as ``scoring.response_score`` takes them."""
    return tuple(_penalty(hint, default_penalty) for hint in hints[: max(0, shown)])


def _penalty(hint: Hint, default_penalty: float) -> float:
    return default_penalty if hint.penalty is None else hint.penalty
