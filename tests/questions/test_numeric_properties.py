"""Property tests of the numeric tolerance rules against exact decimal arithmetic."""

from __future__ import annotations

from decimal import Decimal

from helpers import numeric
from hypothesis import given
from hypothesis import strategies as st

from ve_edu_vault.questions.types import numeric as numeric_type

decimals = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=4)
tolerances = st.decimals(min_value=0, max_value=10**6, allow_nan=False, allow_infinity=False, places=4)


@given(expected=decimals, answer=decimals, tolerance=tolerances)
def test_absolute_tolerance(expected, answer, tolerance):
    key = numeric(value=float(expected), tolerance=float(tolerance), tolerance_mode="absolute")
    want = abs(answer - Decimal(repr(float(expected)))) <= Decimal(repr(float(tolerance)))
    assert numeric_type.grade(key, str(answer)).correct is want


@given(expected=decimals, answer=decimals, percent=st.decimals(min_value=0, max_value=100, places=2))
def test_percent_tolerance(expected, answer, percent):
    exact_expected = Decimal(repr(float(expected)))
    key = numeric(value=float(expected), tolerance=float(percent), tolerance_mode="percent")
    want = abs(answer - exact_expected) * 100 <= Decimal(repr(float(percent))) * abs(exact_expected)
    assert numeric_type.grade(key, str(answer)).correct is want


@given(expected=decimals, tolerance=tolerances)
def test_bounds_are_inclusive(expected, tolerance):
    key = numeric(value=float(expected), tolerance=float(tolerance))
    exact_expected, exact_tolerance = Decimal(repr(float(expected))), Decimal(repr(float(tolerance)))
    assert numeric_type.grade(key, str(exact_expected + exact_tolerance)).correct
    assert numeric_type.grade(key, str(exact_expected - exact_tolerance)).correct
    assert not numeric_type.grade(key, str(exact_expected + exact_tolerance + Decimal("1e-9"))).correct


@given(expected=st.floats(allow_nan=False, allow_infinity=False), answer=st.floats())
def test_any_float_grades_without_error_and_non_finite_is_never_correct(expected, answer):
    result = numeric_type.grade(numeric(value=expected), answer)
    if answer != answer or answer in (float("inf"), float("-inf")):
        assert not result.correct
    assert 0.0 <= result.score <= 1.0


@given(expected=decimals, answer=decimals)
def test_default_tolerance_is_relative(expected, answer):
    key = numeric(value=float(expected))
    exact_expected = Decimal(repr(float(expected)))
    want = abs(answer - exact_expected) * 100_000 <= max(abs(answer), abs(exact_expected))
    assert numeric_type.grade(key, str(answer)).correct is want


@given(text=st.text(max_size=50))
def test_arbitrary_text_is_graded_or_rejected_cleanly(text):
    try:
        result = numeric_type.grade(numeric(value=1), text)
    except numeric_type.InvalidAnswerError as error:
        assert error.message
    else:
        assert result.score in (0.0, 1.0)


@given(low=decimals, width=tolerances, answer=decimals, low_in=st.booleans(), high_in=st.booleans())
def test_ranges(low, width, answer, low_in, high_in):
    high = low + width
    if low == high and not (low_in and high_in):
        return
    bounds = {"low": float(low), "high": float(high), "low_inclusive": low_in, "high_inclusive": high_in}
    lo, hi = Decimal(repr(float(low))), Decimal(repr(float(high)))
    want = (answer >= lo if low_in else answer > lo) and (answer <= hi if high_in else answer < hi)
    assert numeric_type.grade(numeric(range=bounds), str(answer)).correct is want
