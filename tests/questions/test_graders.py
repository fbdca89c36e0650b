"""Table-driven tests of every built-in grader, including hostile inputs."""

from __future__ import annotations

import time

import pytest
from helpers import choices, fib, mc, numeric, part

from ve_edu_vault.questions.errors import InvalidAnswerError
from ve_edu_vault.questions.types import dropdown, fill_in_blank, multi_select, multiple_choice
from ve_edu_vault.questions.types import numeric as numeric_type


@pytest.mark.parametrize(
    ("answer", "score"),
    [("choice_1", 1.0), ("choice_0", 0.0), ("choice_2", 0.0), (None, 0.0)],
)
def test_multiple_choice(answer, score):
    result = multiple_choice.grade(mc(), answer)
    assert result.score == score
    assert result.correct is (score == 1.0)


@pytest.mark.parametrize("answer", ["choice_9", "", "Text 1", ["choice_1"], {"a": 1}, 1, "CHOICE_1"])
def test_multiple_choice_rejects_unknown_answers(answer):
    with pytest.raises(InvalidAnswerError) as info:
        multiple_choice.grade(mc(), answer)
    assert info.value.field == "part_0"


def test_multiple_choice_feedback_and_reused_results():
    p = part(
        "multiple_choice",
        {"choices": choices(2), "shuffle": False},
        {"correct": "choice_0", "feedback": {"choice_1": "No, <b>think</b>."}},
    )
    wrong = multiple_choice.grade(p, "choice_1")
    assert wrong.feedback_keys == ("choice_1",)
    assert wrong.feedback == {"choice_1": "No, <b>think</b>."}
    assert multiple_choice.grade(p, "choice_1") is wrong  # precomputed once per part
    assert multiple_choice.grade(p, "choice_0").feedback_keys == ()


def test_unanswered_has_a_feedback_key():
    assert multiple_choice.grade(mc(), None).feedback_keys == ("unanswered",)


def test_public_view_hides_keys_and_shuffles_deterministically():
    p = part(
        "multiple_choice",
        {"choices": [*choices(5), {"id": "none", "text": "None of these", "fixed": True}], "shuffle": True},
        {"correct": "choice_1", "feedback": {"choice_0": "secret"}},
    )
    first = multiple_choice.public_view(p, seed="attempt-1")
    assert first == multiple_choice.public_view(p, seed="attempt-1")
    assert first["choices"][-1] == {"id": "none", "text": "None of these"}
    assert sorted(c["id"] for c in first["choices"]) == sorted([f"choice_{i}" for i in range(5)] + ["none"])
    assert "secret" not in repr(first) and "correct" not in repr(first)
    orders = {tuple(c["id"] for c in multiple_choice.public_view(p, seed=s)["choices"]) for s in range(20)}
    assert len(orders) > 1


def _ms(rule: str, n: int = 4, correct=("choice_0", "choice_1")):
    return part(
        "multi_select",
        {"choices": choices(n), "shuffle": False, "partial_credit": rule},
        {"correct": list(correct)},
    )


@pytest.mark.parametrize(
    ("rule", "n", "answer", "score"),
    [
        ("none", 4, ["choice_0", "choice_1"], 1.0),
        ("none", 4, ["choice_1", "choice_0", "choice_0"], 1.0),  # order and duplicates do not matter
        ("none", 4, ["choice_0"], 0.0),
        ("none", 4, [], 0.0),
        ("edc", 4, ["choice_0"], 0.75),
        ("edc", 4, ["choice_0", "choice_2"], 0.5),
        ("edc", 4, ["choice_2", "choice_3"], 0.0),
        ("halves", 4, ["choice_0"], 0.5),
        ("halves", 4, ["choice_0", "choice_2"], 0.0),  # two mistakes need more than 4 choices
        ("halves", 5, ["choice_0", "choice_2"], 0.25),
        ("halves", 2, ["choice_0"], 0.0),
        ("penalty", 4, ["choice_0"], 0.5),
        ("penalty", 4, ["choice_0", "choice_2"], 0.0),
        ("penalty", 4, ["choice_0", "choice_1", "choice_2"], 0.5),
        ("penalty", 4, ["choice_2", "choice_3"], 0.0),
    ],
)
def test_multi_select_rules(rule, n, answer, score):
    result = multi_select.grade(_ms(rule, n), answer)
    assert result.score == pytest.approx(score)
    assert result.correct is (score == 1.0)


def test_multi_select_with_no_correct_choice():
    p = _ms("penalty", 3, correct=())
    assert multi_select.grade(p, []).score == 1.0
    assert multi_select.grade(p, ["choice_0"]).score == 0.0


@pytest.mark.parametrize("answer", ["choice_0", ["nope"], [["choice_0"]], 3])
def test_multi_select_rejects_malformed(answer):
    with pytest.raises(InvalidAnswerError):
        multi_select.grade(_ms("none"), answer)


def test_multi_select_feedback_selected_and_unselected():
    p = part(
        "multi_select",
        {"choices": choices(2), "shuffle": False, "partial_credit": "none"},
        {
            "correct": ["choice_0"],
            "feedback": {"choice_0": {"unselected": "Missed it"}, "choice_1": {"selected": "No"}},
        },
    )
    result = multi_select.grade(p, ["choice_1"])
    assert result.feedback_keys == ("choice_0:unselected", "choice_1:selected")
    assert result.feedback["choice_1:selected"] == "No"


@pytest.mark.parametrize(
    ("key", "answer", "correct"),
    [
        (fib("Paris"), "paris", True),
        (fib("Paris"), "  PARIS  ", True),
        (fib("Paris", case_sensitive=True), "paris", False),
        (fib("New York"), "new    york", True),
        (fib("New York"), "new\tyork\n", True),
        (fib("New York"), "newyork", False),
        (fib("Lutèce"), "Lutece", False),
        (fib("Lutèce", ignore_accents=True), "LUTECE", True),
        (fib("Lutece", ignore_accents=True), "Lutèce", True),
        (fib("Lutèce"), "Lute\u0300ce", True),  # decomposed accent: same text after NFC
        (fib("Lutèce"), "Lutece\u0301", False),
        (fib("Straße"), "STRASSE", True),  # case folding
        (fib("Paris"), "", False),
        (fib("東京"), "東京", True),
        (fib(r"colou?r", regexp=True), "Colour", True),
        (fib(r"colou?r", regexp=True, case_sensitive=True), "Colour", False),
        (fib(r"colou?r", regexp=True), "colours", False),  # whole answer must match
        (fib(r"a|b", regexp=True), "ab", False),
        (fib(r"caf[eé]", regexp=True, ignore_accents=True), "CAFÉ", True),
    ],
)
def test_fill_in_blank(key, answer, correct):
    assert fill_in_blank.grade(key, answer).correct is correct


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|a)*$", r"(a|aa)+$", r"(\w+\s?)+$", r"((a*)*)*b"])
def test_catastrophic_patterns_finish_fast(pattern):
    p = fib(pattern, regexp=True)
    started = time.perf_counter()
    result = fill_in_blank.grade(p, "a" * 40 + "!")
    assert time.perf_counter() - started < 1.0
    assert result.correct is False


def test_pattern_timeout_counts_as_wrong(monkeypatch):
    monkeypatch.setattr(fill_in_blank, "REGEX_TIMEOUT", 0.000001)
    p = fib(r"(?:(?:a|b|ab)*)*c", regexp=True)
    result = fill_in_blank.grade(p, "ab" * 900)
    assert result.correct is False
    assert result.feedback_keys == ("blank_0:timeout",)


def test_fill_in_blank_several_blanks():
    p = part(
        "fill_in_blank",
        {"blanks": [{"id": "a"}, {"id": "b"}]},
        {"blanks": {"a": {"answers": ["1"]}, "b": {"answers": ["2"]}}},
    )
    assert fill_in_blank.grade(p, {"a": "1", "b": "2"}).score == 1.0
    half = fill_in_blank.grade(p, {"a": "1"})
    assert half.score == 0.5 and half.feedback_keys == ("b:unanswered",)
    with pytest.raises(InvalidAnswerError):
        fill_in_blank.grade(p, "1")
    with pytest.raises(InvalidAnswerError):
        fill_in_blank.grade(p, {"c": "1"})


@pytest.mark.parametrize("answer", [123, ["Paris"], "x" * 5000])
def test_fill_in_blank_rejects_malformed(answer):
    with pytest.raises(InvalidAnswerError):
        fill_in_blank.grade(fib("Paris"), answer)


TOL5 = numeric(value=10, tolerance=5, tolerance_mode="percent")


@pytest.mark.parametrize(
    ("key", "answer", "correct"),
    [
        (numeric(value=42), "42", True),
        (numeric(value=42), " 42.0 ", True),
        (numeric(value=42), "+4.2e1", True),
        (numeric(value=42), "42.001", False),
        (numeric(value=42), "42.0001", True),  # capa default tolerance 0.001 %
        (numeric(value=42), 42, True),
        (numeric(value=42), 42.0, True),
        (numeric(value=1200), "1.2e3", True),
        (numeric(value=1200), "1.2E3", True),
        (numeric(value=-3), "\u22123", True),  # typographic minus
        (TOL5, "10.5", True),
        (TOL5, "9.5", True),
        (TOL5, "10.51", False),
        (numeric(value=0.3, tolerance=0.1), "0.4", True),  # exact decimal arithmetic at the boundary
        (numeric(value=0.3, tolerance=0.1), "0.2", True),
        (numeric(value=0.3, tolerance=0.1), "0.41", False),
        (numeric(value=0, tolerance=0), "0", True),
        (numeric(value=0, tolerance=0), "-0", True),
        (numeric(value=0, tolerance=0), "1e-300", False),
        (numeric(range={"low": 1, "high": 5, "low_inclusive": True, "high_inclusive": False}), "1", True),
        (numeric(range={"low": 1, "high": 5, "low_inclusive": True, "high_inclusive": False}), "4.999", True),
        (numeric(range={"low": 1, "high": 5, "low_inclusive": True, "high_inclusive": False}), "5", False),
        (numeric(range={"low": 1, "high": 5, "low_inclusive": False, "high_inclusive": True}), "1", False),
        (numeric(value=1e308, tolerance=1e308), "1e309", False),  # beyond float range: infinite
        (numeric(value=1e308), "1e308", True),
        (numeric(value=5), "1e999999999", False),
        (numeric(value=0), "1e-999999999", True),
        (numeric(value=5), "9" * 390, False),
        (numeric(value=5), "nan", False),
        (numeric(value=5), "NaN", False),
        (numeric(value=5), "inf", False),
        (numeric(value=5), "-Infinity", False),
        (numeric(value=5), float("nan"), False),
        (numeric(value=5), float("inf"), False),
        (numeric(range={"low": -1e308, "high": 1e308}), "inf", False),
    ],
)
def test_numeric(key, answer, correct):
    assert numeric_type.grade(key, answer).correct is correct


@pytest.mark.parametrize(
    "answer", ["abc", "1,5", "1 000", "0x10", "1e", "--1", "1_000", "٣", "2*3", "pi", [1], True, {}]
)
def test_numeric_rejects_non_numbers(answer):
    with pytest.raises(InvalidAnswerError) as info:
        numeric_type.grade(numeric(value=1), answer)
    assert info.value.field == "part_0"
    assert info.value.message


@pytest.mark.parametrize("answer", [None, "", "   "])
def test_numeric_unanswered(answer):
    assert numeric_type.grade(numeric(value=1), answer).feedback_keys == ("unanswered",)


def test_numeric_huge_inputs_are_fast():
    started = time.perf_counter()
    for text in ("9" * 400, "1e400", "1e-400", "1" + "0" * 300 + "e-300"):
        numeric_type.grade(numeric(value=1), text)
    with pytest.raises(InvalidAnswerError):
        numeric_type.grade(numeric(value=1), "9" * 100_000)
    assert time.perf_counter() - started < 0.5


def test_dropdown():
    p = part("dropdown", {"options": choices(3, "option")}, {"correct": "option_2", "feedback": {"option_0": "No"}})
    assert dropdown.grade(p, "option_2").correct
    assert dropdown.grade(p, "option_0").feedback == {"option_0": "No"}
    assert dropdown.public_view(p) == {"options": [{"id": f"option_{i}", "text": f"Text {i}"} for i in range(3)]}
    with pytest.raises(InvalidAnswerError):
        dropdown.grade(p, "Text 2")
