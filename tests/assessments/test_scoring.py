"""Penalties, attempt totals, combining attempts and passing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ve_edu_vault.assessments.data import ScoringMethod
from ve_edu_vault.assessments.scoring import attempt_totals, combine_attempts, passed, response_score


@pytest.mark.parametrize(
    ("raw", "tries", "try_penalty", "hints", "expected"),
    [
        (1.0, 1, 0.1, (), 1.0),  # the first try is free
        (1.0, 0, 0.1, (), 1.0),  # not answered yet counts as one try
        (1.0, 2, 0.1, (), 0.9),
        (1.0, 4, 0.1, (), 0.7),
        (0.5, 3, 0.1, (), 0.3),  # penalty is of the full score, not of what was earned
        (1.0, 1, 0.0, (0.25,), 0.75),
        (1.0, 1, 0.0, (0.25, 0.5), 0.25),
        (1.0, 3, 0.1, (0.2,), 0.6),
        (0.2, 3, 0.1, (0.2,), 0.0),  # floored at zero
        (1.0, 11, 0.5, (), 0.0),
        (0.0, 1, 0.0, (1.0,), 0.0),
        (1.0, 1, 0.0, (0.0, 0.0), 1.0),
        (1.2, 1, 0.0, (), 1.0),  # raw outside 0..1 is clamped
        (-0.5, 1, 0.0, (), 0.0),
    ],
)
def test_response_score(raw: float, tries: int, try_penalty: float, hints: tuple[float, ...], expected: float) -> None:
    assert response_score(raw, tries_used=tries, try_penalty=try_penalty, hint_penalties=hints) == pytest.approx(
        expected
    )


@given(
    raw=st.floats(0, 1),
    tries=st.integers(0, 20),
    try_penalty=st.floats(0, 1),
    hints=st.lists(st.floats(0, 1), max_size=5),
)
def test_response_score_is_a_fraction_never_above_raw(
    raw: float, tries: int, try_penalty: float, hints: list[float]
) -> None:
    score = response_score(raw, tries_used=tries, try_penalty=try_penalty, hint_penalties=hints)
    assert 0.0 <= score <= raw


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], (0.0, 0.0, 0.0)),
        ([(1.0, 0.0)], (0.0, 0.0, 0.0)),  # nothing possible: fraction 0, no division
        ([(1.0, 1.0), (0.0, 1.0)], (1.0, 2.0, 0.5)),
        ([(1.0, 3.0), (0.5, 1.0)], (3.5, 4.0, 0.875)),  # weighted by points
        ([(0.25, 4.0), (1.0, 0.0)], (1.0, 4.0, 0.25)),
    ],
)
def test_attempt_totals(items: list[tuple[float, float]], expected: tuple[float, float, float]) -> None:
    assert attempt_totals(items) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("method", "fractions", "expected"),
    [
        (ScoringMethod.HIGHEST, [0.2, 0.9, 0.5], 0.9),
        (ScoringMethod.LATEST, [0.2, 0.9, 0.5], 0.5),
        (ScoringMethod.FIRST, [0.2, 0.9, 0.5], 0.2),
        (ScoringMethod.AVERAGE, [0.2, 0.9, 0.5], pytest.approx(1.6 / 3)),
        (ScoringMethod.AVERAGE, [0.1] * 10, pytest.approx(0.1)),
        (ScoringMethod.HIGHEST, [0.4], 0.4),
        (ScoringMethod.LATEST, [0.4], 0.4),
        (ScoringMethod.FIRST, [0.4], 0.4),
        (ScoringMethod.AVERAGE, [0.4], 0.4),
    ],
)
def test_combine_attempts(method: ScoringMethod, fractions: list[float], expected: float) -> None:
    assert combine_attempts(method, fractions) == expected


@pytest.mark.parametrize("method", list(ScoringMethod))
def test_combine_no_attempts_is_none(method: ScoringMethod) -> None:
    assert combine_attempts(method, []) is None


@pytest.mark.parametrize(
    ("fraction", "threshold", "expected"),
    [
        (0.5, 0.5, True),
        (0.49, 0.5, False),
        (sum([0.1] * 7), 0.7, True),  # 0.7000000000000001 vs 0.7 either way
        (0.7 - 1e-12, 0.7, True),  # within tolerance
        (0.7 - 1e-6, 0.7, False),
        (0.0, 0.0, True),
        (1.0, 1.0, True),
        (0.999999, 1.0, False),
    ],
)
def test_passed(fraction: float, threshold: float, expected: bool) -> None:
    assert passed(fraction, threshold) is expected
