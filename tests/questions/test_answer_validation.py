"""Answers checked against their question's types before they are stored (``questions/answers.py``): pure tests."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from helpers import choices, fib, mc, numeric, part, question

from ve_edu_vault.questions.answers import MAX_DEPTH, check_answer
from ve_edu_vault.questions.data import CORRECT, QuestionContent
from ve_edu_vault.questions.errors import AnswerTooLargeError, InvalidAnswerError
from ve_edu_vault.questions.registry import GraderRegistry
from ve_edu_vault.questions.types import QuestionType
from ve_edu_vault.questions.types import fill_in_blank as fill_in_blank_type

LIMIT = 16384


def check(content: QuestionContent, answer: Any, **kw: Any) -> int:
    return check_answer(content, answer, max_part_bytes=kw.pop("max_part_bytes", LIMIT), **kw)


def refused(content: QuestionContent, answer: Any, **kw: Any) -> InvalidAnswerError:
    with pytest.raises(InvalidAnswerError) as error:
        check(content, answer, **kw)
    return error.value


MC = question(mc(id="p0"))
MS = question(part("multi_select", {"choices": choices(3)}, {"correct": ["choice_0"]}, id="p0"))
DROPDOWN = question(part("dropdown", {"options": choices(3, "option")}, {"correct": "option_1"}, id="p0"))
NUM = question(numeric(id="p0", value=42))
FIB = question(fib("Paris", id="p0"))
FIB2 = question(
    part(
        "fill_in_blank",
        {"blanks": [{"id": "b0"}, {"id": "b1"}]},
        {"blanks": {"b0": {"answers": ["x"]}, "b1": {"answers": ["y"]}}},
        id="p0",
    )
)


@pytest.mark.parametrize(
    ("content", "answer"),
    [
        (MC, {"p0": "choice_2"}),
        (MS, {"p0": []}),
        (MS, {"p0": ["choice_0", "choice_2"]}),
        (DROPDOWN, {"p0": "option_0"}),
        (NUM, {"p0": "1.5e3"}),
        (NUM, {"p0": 42}),
        (NUM, {"p0": "not a number yet"}),  # stored; graded as unreadable (a learner's typing is never lost)
        (FIB, {"p0": "Paris"}),
        (FIB, {"p0": {"blank_0": ""}}),
        (FIB2, {"p0": {"b0": "x", "b1": None}}),
        (FIB2, {"p0": {"b0": "\u05e9\u05dc\u05d5\u05dd \u200f", "b1": "e\u0301\u0301\u0301"}}),  # RTL mark, combining
        (MC, {"p0": None}),
        (MC, {}),
        (MC, None),
    ],
)
def test_valid_answers_pass_and_report_their_size(content: QuestionContent, answer: Any) -> None:
    assert check(content, answer) > 0


@pytest.mark.parametrize(
    ("content", "answer", "field", "message"),
    [
        # the examples (issue 18, item 7)
        (NUM, {"p0": {"x": [1, 2]}}, "p0", "Must be text or a number."),
        (NUM, {"p0": [1, 2, 3]}, "p0", "Must be text or a number."),
        (MC, {"p0": 12345}, "p0", "Is not one of the choices of this question."),
        # choices must exist
        (MC, {"p0": "choice_9"}, "p0", "Is not one of the choices of this question."),
        (DROPDOWN, {"p0": "choice_0"}, "p0", "Is not one of the choices of this question."),
        (MS, {"p0": ["choice_0", "nope"]}, "p0[1]", "Is not one of the choices of this question."),
        (MS, {"p0": ["choice_0", "choice_0"]}, "p0", "Lists the same entry twice."),
        (MS, {"p0": "choice_0"}, "p0", "Must be a list."),
        (MS, {"p0": True}, "p0", "Must be a list."),
        (NUM, {"p0": True}, "p0", "Must be text or a number."),
        (NUM, {"p0": "9" * 401}, "p0", "Is too long (at most 400 characters)."),
        (FIB, {"p0": {"blank_9": "x"}}, "p0.blank_9", "Has a key this question does not have."),
        (FIB, {"p0": {"blank_0": 3}}, "p0.blank_0", "Must be text or empty."),
        (FIB, {"p0": {"blank_0": "x" * 2001}}, "p0.blank_0", "Is too long (at most 2000 characters)."),
        (FIB2, {"p0": "x"}, "p0", "Must be an object."),
        # plain-data checks, for every type
        (FIB, {"p0": {"blank_0": "a\x00b"}}, "p0.blank_0", "Contains a NUL character, which cannot be stored."),
        (FIB, {"p0": {"blank_0": "\ud800"}}, "p0.blank_0", "Contains a lone surrogate, which is not text."),
        (NUM, {"p0": float("inf")}, "p0", "Must be a finite number (send other numbers as text)."),
        (NUM, {"p0": float("nan")}, "p0", "Must be a finite number (send other numbers as text)."),
        (NUM, {"p0": {1: "x"}}, "p0", "Object keys must be text."),
        (NUM, {"p0": {1, 2}}, "p0", "Must be plain JSON data (text, numbers, lists, objects)."),
        (MC, {"p9": "choice_0"}, None, "This question has no part 'p9'."),
        (MC, ["choice_0"], None, "An answer must be an object keyed by part id."),
        (MC, "choice_0", None, "An answer must be an object keyed by part id."),
    ],
)
def test_invalid_answers_are_refused_naming_the_part(
    content: QuestionContent, answer: Any, field: str | None, message: str
) -> None:
    error = refused(content, answer)
    assert (error.field, error.message) == (field, message)
    assert error.code == "invalid_answer"


def test_size_limit_per_part() -> None:
    megabyte = "x" * 1_000_000
    error = refused(NUM, {"p0": megabyte})
    assert isinstance(error, AnswerTooLargeError) and error.code == "answer_too_large"
    assert error.field == "p0" and "16384" in error.message and "x" * 50 not in error.message
    # counted in UTF-8 bytes of the compact JSON: 3,000 three-byte characters are 9,002 bytes
    assert check(FIB, {"p0": "\u20ac" * 1000}) > 3000
    error = refused(FIB, {"p0": "\u20ac" * 1000}, max_part_bytes=3000)
    assert isinstance(error, AnswerTooLargeError) and "3002 bytes" in error.message
    # a type without length limits of its own is bounded too
    error = refused(LIKERT_LIKE, {"p0": list(range(5000))}, registry=REGISTRY)
    assert isinstance(error, AnswerTooLargeError)
    assert isinstance(refused(LIKERT_LIKE, {"p0": 10**5000}, registry=REGISTRY), AnswerTooLargeError)


def test_depth_limit() -> None:
    nested: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        nested = [nested]
    assert check(LIKERT_LIKE, {"p0": nested}, registry=REGISTRY) > 0
    error = refused(LIKERT_LIKE, {"p0": [nested]}, registry=REGISTRY)
    assert error.field == "p0" and "nested too deeply" in error.message
    deep: Any = []
    for _ in range(100_000):  # far beyond Python's recursion limit: the check does not recurse
        deep = [deep]
    assert "nested too deeply" in refused(LIKERT_LIKE, {"p0": deep}, registry=REGISTRY).message


def test_messages_and_fields_never_echo_the_answer() -> None:
    key = "k" * 5000
    error = refused(FIB, {"p0": {key: "v"}})
    assert len(error.field or "") < 60 and key[:41] not in (error.field or "")
    assert key[:41] not in str(refused(MC, {key: "x"}))
    assert "secret-typed-text" not in str(refused(MC, {"p0": "secret-typed-text"}))


# --- custom types: the backward-compatible default and the new hook ------------------------------------------------


def _grade_any(part_: Any, answer: Any) -> Any:
    return CORRECT


def _custom(name: str, **kw: Any) -> QuestionType:
    return QuestionType(
        name=name,
        label=name,
        validate=lambda config, key: None,
        grade=_grade_any,
        public_view=lambda p, seed=None: {},
        **kw,
    )


REGISTRY = GraderRegistry(load_entry_points=False)
REGISTRY.register(_custom("legacy"))  # written before answer_schema existed
REGISTRY.register(_custom("scale", answer_schema={"type": "integer", "minimum": 0, "maximum": 4}))
REGISTRY.register(
    _custom("pairs", answer_schema=lambda p: {"type": "array", "items": {"enum": list(p.config["left"])}})
)
REGISTRY.register(_custom("broken", answer_schema=lambda p: {"type": "no-such-type"}))
LIKERT_LIKE = question(part("legacy", id="p0"))


def test_a_type_without_schema_gets_the_safe_default() -> None:
    assert check(LIKERT_LIKE, {"p0": {"any": ["json", 1, 2.5, True, None]}}, registry=REGISTRY) > 0
    assert "NUL" in refused(LIKERT_LIKE, {"p0": "\x00"}, registry=REGISTRY).message
    assert "nested too deeply" in refused(LIKERT_LIKE, {"p0": [[[[[[[[[[[]]]]]]]]]]]}, registry=REGISTRY).message


def test_static_and_per_part_schemas_of_custom_types() -> None:
    scale = question(part("scale", id="p0"))
    assert check(scale, {"p0": 3}, registry=REGISTRY) > 0
    assert refused(scale, {"p0": 7}, registry=REGISTRY).message == "Is out of the accepted range."
    assert refused(scale, {"p0": "3"}, registry=REGISTRY).message == "Must be a whole number."
    pairs = question(part("pairs", {"left": ["a", "b"]}, id="p0"))
    assert check(pairs, {"p0": ["a", "b", "a"]}, registry=REGISTRY) > 0
    assert refused(pairs, {"p0": ["c"]}, registry=REGISTRY).field == "p0[0]"


def test_a_broken_per_part_schema_falls_back_to_the_default_and_is_logged(caplog: Any) -> None:
    broken = question(part("broken", id="p0"))
    with caplog.at_level(logging.ERROR, logger="ve_edu_vault.questions.answers"):
        assert check(broken, {"p0": "anything"}, registry=REGISTRY) > 0
    assert "answer schema of question type 'broken' is unusable" in caplog.text
    assert "NUL" in refused(broken, {"p0": "\x00"}, registry=REGISTRY).message  # the default still applies


def test_registry_refuses_an_invalid_static_schema() -> None:
    registry = GraderRegistry(load_entry_points=False)
    with pytest.raises(TypeError, match="not valid JSON Schema"):
        registry.register(_custom("bad", answer_schema={"type": 12}))
    with pytest.raises(TypeError, match="must be a mapping, a callable or None"):
        registry.register(_custom("bad", answer_schema="string"))  # type: ignore[arg-type]
    assert "bad" not in registry


def test_the_validator_is_built_once_per_part() -> None:
    content = question(mc(id="p0"))
    check(content, {"p0": "choice_0"})
    built = content.parts[0]._answer_check
    check(content, {"p0": "choice_1"})
    assert content.parts[0]._answer_check is built


def test_builtin_schemas_match_what_their_graders_accept() -> None:
    """Every answer the schema accepts, the grader grades without calling it malformed (numeric text aside)."""
    fib_part = FIB2.parts[0]
    schema = fill_in_blank_type.answer_schema(fib_part)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    for content, answer in ((MC, "choice_0"), (MS, ["choice_1"]), (DROPDOWN, "option_2"), (FIB2, {"b0": "x"})):
        check(content, {"p0": answer})
        grade = REGISTRY_BUILTIN.get(content.parts[0].type).grade(content.parts[0], answer)
        assert 0.0 <= grade.score <= 1.0


REGISTRY_BUILTIN = GraderRegistry(load_entry_points=False)
