"""
Fuzzed answers over every registered question type (issue 18, hostile input): the answer check either
accepts an answer that can be stored and graded, or refuses it with ``InvalidAnswerError``; nothing else.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.answer_fuzz import PART_LIMIT, SAMPLES, answer_is_valid, question_answers
from ve_edu_vault.questions.answers import check_answer
from ve_edu_vault.questions.data import GradeResult, QuestionContent
from ve_edu_vault.questions.errors import InvalidAnswerError
from ve_edu_vault.questions.grading import grade_question, validate_content
from ve_edu_vault.questions.registry import get_registry

TYPES = sorted(SAMPLES)
LIMIT = PART_LIMIT


def content_of(type_name: str) -> QuestionContent:
    content = QuestionContent.from_dict({"parts": [SAMPLES[type_name][0]]})
    validate_content(content)
    return content


def test_every_registered_type_has_a_sample() -> None:
    assert set(get_registry().names()) <= set(SAMPLES), "add a sample part for the new type in tests/answer_fuzz.py"
    assert "likert" in get_registry().names(), (
        "the entry-point plugin of tests/packages is installed (make requirements)"
    )


@pytest.mark.parametrize("type_name", TYPES)
def test_sample_answers_are_accepted(type_name: str) -> None:
    content = content_of(type_name)
    for answer in SAMPLES[type_name][1]:
        assert check_answer(content, {"p0": answer}, max_part_bytes=LIMIT) > 0


@pytest.mark.parametrize("type_name", TYPES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzzed_answers_are_accepted_cleanly_or_refused(type_name: str, data: Any) -> None:
    content = content_of(type_name)
    answer = data.draw(question_answers(type_name))
    valid = answer_is_valid(type_name, answer)
    try:
        size = check_answer(content, answer, max_part_bytes=LIMIT)
    except InvalidAnswerError as error:
        assert not valid, f"a valid answer was refused: {error}"
        assert error.code in ("invalid_answer", "answer_too_large")
        assert len(error.message) < 200 and len(error.field or "") < 100  # nothing of the answer echoed at length
        return
    assert valid, "an answer that does not fit its question was accepted"
    # Accepted: storable as JSON on every database (no NaN, no NUL, valid UTF-8) and within the limit...
    text = json.dumps(answer, ensure_ascii=False, allow_nan=False)
    assert "\\u0000" not in text
    text.encode("utf-8")
    assert size <= LIMIT + 64
    # ...and gradeable: a grader may still find text unreadable (numeric), never crash on the shape.
    try:
        result = grade_question(content, answer)
    except InvalidAnswerError:
        assert type_name in ("numeric", "likert"), "only these graders read values the schema cannot rule out"
        return
    assert isinstance(result, GradeResult) and 0.0 <= result.score <= 1.0
