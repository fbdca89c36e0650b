"""
Regular-expression denial of service through fill-in-the-blank patterns written by authors (issue 18, hostile input).

Two costs are bounded: compiling (the ``regex`` module unrolls counted repeats, and no time limit stops a compile:
refused on save by the estimated weight, never compiled at grading) and matching (a time limit per blank and a
budget per part; running out counts as wrong and logs a warning).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from helpers import fib, part
from hypothesis import given
from hypothesis import strategies as st

from ve_edu_vault.errors import ValidationError
from ve_edu_vault.questions import api
from ve_edu_vault.questions.errors import InvalidQuestionConfigError
from ve_edu_vault.questions.types import fill_in_blank
from ve_edu_vault.questions.types._pattern_cost import PatternRefused, pattern_weight

# 1.5 s and 290 MB to compile before this check; (?:(?:a{300}){300}){300} took over 20 s and 6 GB.
COMPILE_BOMB = r"(?:(?:a{100}){100}){100}"


def validate_patterns(*patterns: str, **key: Any) -> None:
    fill_in_blank.validate(
        {"blanks": [{"id": "blank_0"}]}, {"blanks": {"blank_0": {"answers": list(patterns), "regexp": True, **key}}}
    )


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (COMPILE_BOMB, "repeats too much to compile safely"),
        (r"(?:(?:a{300}){300}){300}", "repeats too much to compile safely"),
        ("a{6000}", "repeats too much to compile safely"),
        ("\uff08?:a{80}\uff09{80}", None),  # fullwidth brackets are literal: weight ~ 80 + 80, accepted
        ("(?x)a # (", "Verbose mode (?x) is not supported"),
        ("(?V1)[[a-z]--[aeiou]]", "Version 1 syntax (?V1) is not supported"),
        ("a" * 501, "limited to 500 characters"),
        ("(", "Not a valid regular expression"),
    ],
)
def test_patterns_are_checked_on_save(pattern: str, message: str | None) -> None:
    if message is None:
        validate_patterns(pattern)
        return
    with pytest.raises(InvalidQuestionConfigError) as error:
        validate_patterns(pattern)
    assert error.value.field == "answer_key.blanks.blank_0.answers[0]"
    assert message in error.value.message


def test_normalised_patterns_are_weighed_as_compiled() -> None:
    """``ignore_accents`` compiles the NFKD form: fullwidth braces become counted repeats, and are weighed so."""
    with pytest.raises(InvalidQuestionConfigError, match="repeats too much"):
        validate_patterns("(?:(?:a\uff5b100\uff5d)\uff5b100\uff5d)", ignore_accents=True)


def test_a_blanks_patterns_together_are_bounded() -> None:
    one = "(?:a{60}){60}"  # 3,600 alone, 7,200 as two alternatives
    validate_patterns(one)
    with pytest.raises(InvalidQuestionConfigError) as error:
        validate_patterns(one, one)
    assert error.value.field == "answer_key.blanks.blank_0.answers"


@pytest.mark.django_db
def test_the_api_refuses_a_compile_bomb_naming_the_field() -> None:
    from opaque_keys.edx.keys import CourseKey

    content = {"parts": [fib(COMPILE_BOMB, regexp=True, id="p0").to_dict()]}
    with pytest.raises(ValidationError) as error:
        api.create_question(CourseKey.from_string("course-v1:Vault+ReDoS+2026"), content=content)
    assert error.value.field == "content.parts[0].answer_key.blanks.blank_0.answers[0]"


def test_a_stored_compile_bomb_is_never_compiled(monkeypatch: Any, caplog: Any) -> None:
    """Content saved before the check is graded as timed out; the pattern is not handed to the compiler."""
    compiled: list[str] = []
    real_compile = fill_in_blank.regex.compile
    monkeypatch.setattr(
        fill_in_blank.regex, "compile", lambda source, *a, **k: compiled.append(source) or real_compile(source, *a, **k)
    )
    legacy = fib(COMPILE_BOMB, regexp=True)  # built directly, as a stored version is: no validation
    with caplog.at_level(logging.WARNING, logger="ve_edu_vault.questions.types.fill_in_blank"):
        result = fill_in_blank.grade(legacy, "a")
    assert result.correct is False and result.feedback_keys == ("blank_0:timeout",)
    assert compiled == []
    assert "its patterns are refused" in caplog.text


def test_catastrophic_backtracking_counts_as_wrong_and_logs_a_warning(caplog: Any) -> None:
    key = fib(r"(a|aa)+$", regexp=True)
    with caplog.at_level(logging.WARNING, logger="ve_edu_vault.questions.types.fill_in_blank"):
        result = fill_in_blank.grade(key, "a" * 1900 + "!")
    assert (result.score, result.correct, result.feedback_keys) == (0.0, False, ("blank_0:timeout",))
    assert "part_0: the patterns of blank(s) blank_0 ran out of time" in caplog.text
    assert "aaaa" not in caplog.text  # the answer is not logged
    assert fill_in_blank.grade(key, "aaaa").correct is True  # the same pattern still matches what it should


def test_the_part_budget_bounds_many_catastrophic_blanks(monkeypatch: Any) -> None:
    blanks = [{"id": f"b{index}"} for index in range(30)]
    keys = {blank["id"]: {"answers": [r"(a|aa)+$"], "regexp": True} for blank in blanks}
    keys["b0"] = {"answers": ["plain"]}  # a plain blank does not use the budget
    many = part("fill_in_blank", {"blanks": blanks}, {"blanks": keys})
    answer = {blank["id"]: "a" * 40 + "!" for blank in blanks} | {"b0": "plain", "b1": "aa"}
    monkeypatch.setattr(fill_in_blank, "PART_TIME_BUDGET", 0.0)  # spent before the first pattern runs
    result = fill_in_blank.grade(many, answer)
    assert result.score == pytest.approx(1 / 30)  # only the plain blank: no pattern ran, not even b1's easy one
    assert len(result.feedback_keys) == 29 and all(key.endswith(":timeout") for key in result.feedback_keys)


def test_many_catastrophic_blanks_take_about_the_budget() -> None:
    """A hang detector, not a benchmark: 30 blanks at 50 ms each would be 1.5 s or more; the budget is 0.2 s."""
    import time

    blanks = [{"id": f"b{index}"} for index in range(30)]
    many = part(
        "fill_in_blank",
        {"blanks": blanks},
        {"blanks": {b["id"]: {"answers": [r"(a|aa)+$"], "regexp": True} for b in blanks}},
    )
    started = time.monotonic()
    result = fill_in_blank.grade(many, {blank["id"]: "a" * 40 + "!" for blank in blanks})
    assert result.score == 0.0
    assert time.monotonic() - started < 10 * fill_in_blank.PART_TIME_BUDGET


# --- the weight estimate ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "weight"),
    [
        ("paris", 5),
        (r"\d{4}", 4),
        (r"colou?r", 7),
        ("a{1000}b{1000}", 2000),
        (r"[a{300}]{3}", 3),  # braces in a set are characters
        (r"\p{L}{3}", 3),  # \p{L} is one atom
        (r"\x{263a}{2}", 2),
        ("a{,5}", 1),  # at least zero: a loop, not unrolled
        ("a{5,}", 5),
        ("a{1,400}", 1),
        ("a{x}", 4),  # not a repeat: literal characters
        ("(?#a{99}(()x", 1),  # a comment ends at the first ")"
        ("a|b{5}", 6),
    ],
)
def test_pattern_weight(pattern: str, weight: int) -> None:
    assert pattern_weight(pattern) == weight


def test_nested_repeats_multiply() -> None:
    assert pattern_weight(r"(?:(?:a{300}){300}){300}") > 300**3
    assert pattern_weight(r"(a{10}|b{10}){10}") >= 200


@pytest.mark.parametrize("flags", ["(?x)", "(?ix)", "(?x:a)", "(?V1)", "(?iV1:a)"])
def test_unsupported_syntax_is_refused(flags: str) -> None:
    with pytest.raises(PatternRefused):
        pattern_weight(flags + "a")


@given(
    counts=st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=4),
    prefix=st.text(alphabet="abc .-|", max_size=5),
)
def test_the_weight_never_underestimates_nested_repeats(counts: list[int], prefix: str) -> None:
    pattern = "a"
    for count in counts:
        pattern = f"(?:{pattern}){{{count}}}"
    product = 1
    for count in counts:
        product *= count
    assert pattern_weight(prefix + pattern) >= product
