"""
From graded answers to a response score, an attempt score, a learner's score and pass/fail.

TLDR: every score here is a fraction 0..1 except ``points``; all functions are pure.

The penalty rule (``response_score``), as in Moodle's interactive behaviour:

    score = raw - try_penalty * (tries_used - 1) - sum(hint penalties shown)

floored at 0 and capped at 1. Penalties are fractions of the question's FULL score, not of what
the learner earned: a hint worth 0.25 costs a quarter of the question whether the answer is then
right or half right. That keeps penalties predictable for the learner ("this hint costs 25%").
The first try is free; ``tries_used`` of 0 (not answered yet) is treated as one try. Penalties
can take a response to 0 but never below: a question can not cost points elsewhere.

An attempt's fraction weights each question by its points; a learner's fraction over several
attempts follows the assessment's ``ScoringMethod``. ``passed`` compares with a small tolerance
so that 0.7 earned out of 1.0 reaches a 0.7 threshold despite float sums such as 0.1 * 7.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ve_edu_vault.assessments.data import ScoringMethod

__all__ = ["PASS_TOLERANCE", "attempt_totals", "combine_attempts", "passed", "response_score"]

PASS_TOLERANCE = 1e-9


def response_score(
    raw: float,
    *,
    tries_used: int,
    try_penalty: float,
    hint_penalties: Sequence[float],
) -> float:
    """The score (0..1) of one question after try and hint penalties (see the module docstring)."""
    extra_tries = max(0, tries_used - 1)
    score = _clamp(raw) - extra_tries * try_penalty - math.fsum(hint_penalties)
    return _clamp(score)


def attempt_totals(items: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """
    ``(earned, possible, fraction)`` from ``(score fraction, points)`` per question.

    ``fraction`` is 0 when nothing is possible (an attempt of only zero-point questions), so the
    caller never divides by zero and such an attempt never passes a positive threshold.
    """
    earned = math.fsum(_clamp(fraction) * points for fraction, points in items)
    possible = math.fsum(points for _, points in items)
    return earned, possible, (earned / possible if possible > 0 else 0.0)


def combine_attempts(method: ScoringMethod, fractions_in_order: Sequence[float]) -> float | None:
    """The learner's fraction over graded attempts (oldest first); ``None`` when there is none."""
    if not fractions_in_order:
        return None
    if method is ScoringMethod.HIGHEST:
        return max(fractions_in_order)
    if method is ScoringMethod.LATEST:
        return fractions_in_order[-1]
    if method is ScoringMethod.FIRST:
        return fractions_in_order[0]
    if method is ScoringMethod.AVERAGE:
        return math.fsum(fractions_in_order) / len(fractions_in_order)
    raise ValueError(f"Unknown scoring method {method!r}")


def passed(fraction: float, threshold: float) -> bool:
    """Whether ``fraction`` reaches ``threshold`` (inclusive, with ``PASS_TOLERANCE``)."""
    return fraction >= threshold - PASS_TOLERANCE


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
