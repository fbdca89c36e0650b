"""
Extended text (an essay): the learner writes free text that no grader scores.

Why it exists: QTI's ``extendedTextInteraction``, Moodle's essay and Canvas's essay question are scored by a
person. The vault has no manual grading, so such a question is kept, shown and answered, but *ungraded*:
every answer scores 0 with the feedback key ``"ungraded"``, and the importers give these questions 0
points so they never weigh on an attempt's score.

JSON shape::

    config     = {"expected_lines": 10}            (optional display hint, 1..200)
    answer_key = {"model_answer": "<html>"}        (optional, what a marker would look for)
    answer     = "free text"                       (None or blank = unanswered)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..data import UNANSWERED, GradeResult, QuestionPart
from ..errors import InvalidAnswerError, InvalidQuestionConfigError
from ._base import QuestionType, require_mapping, require_text

__all__ = ["ANSWER_SCHEMA", "MAX_ANSWER_LENGTH", "NAME", "QUESTION_TYPE", "grade", "public_view", "validate"]

NAME = "extended_text"
MAX_ANSWER_LENGTH = 50_000
UNGRADED = GradeResult(score=0.0, correct=False, feedback_keys=("ungraded",))


def validate(config: Mapping[str, Any], answer_key: Mapping[str, Any]) -> None:
    require_mapping(config, "config")
    require_mapping(answer_key, "answer_key")
    lines = config.get("expected_lines")
    if lines is not None and (isinstance(lines, bool) or not isinstance(lines, int) or not 1 <= lines <= 200):
        raise InvalidQuestionConfigError(field="config.expected_lines", message="Must be 1 to 200.")
    if "model_answer" in answer_key:
        require_text(answer_key["model_answer"], "answer_key.model_answer", allow_empty=True)


def grade(part: QuestionPart, answer: Any) -> GradeResult:
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return UNANSWERED
    if not isinstance(answer, str):
        raise InvalidAnswerError("The answer must be text.", field=part.id)
    if len(answer) > MAX_ANSWER_LENGTH:
        raise InvalidAnswerError(f"The answer is too long (at most {MAX_ANSWER_LENGTH} characters).", field=part.id)
    return UNGRADED


def public_view(part: QuestionPart, seed: Any = None) -> dict[str, Any]:
    lines = part.config.get("expected_lines")
    return {"expected_lines": lines} if lines else {}


#: Text of at most ``MAX_ANSWER_LENGTH`` characters, checked on save (``questions/answers.py``).
ANSWER_SCHEMA = {"type": "string", "maxLength": MAX_ANSWER_LENGTH}


QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Extended text (ungraded)",
    validate=validate,
    grade=grade,
    public_view=public_view,
    answer_schema=ANSWER_SCHEMA,
    description="Free text that no grader scores (QTI extendedTextInteraction, Moodle essay).",
)
