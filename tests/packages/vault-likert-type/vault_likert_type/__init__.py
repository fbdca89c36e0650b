"""
A Likert-scale question type, shipped as a separate distribution to prove the vault's entry-point plugin path.

JSON shape::

    config     = {"scale": ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]}
    answer_key = {"target": 4, "tolerance": 1}     # or {} for an ungraded survey item (any answer scores 1)
    answer     = 3                                  (a 0-based index into the scale; None = unanswered)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ve_edu_vault.questions.data import CORRECT, INCORRECT, UNANSWERED, GradeResult, QuestionPart
from ve_edu_vault.questions.errors import InvalidAnswerError, InvalidQuestionConfigError
from ve_edu_vault.questions.types import QuestionType

__all__ = ["QUESTION_TYPE"]


def validate(config: Mapping[str, Any], answer_key: Mapping[str, Any]) -> None:
    scale = config.get("scale")
    if not isinstance(scale, list | tuple) or len(scale) < 2:
        raise InvalidQuestionConfigError(field="config.scale", message="Needs at least two labels.")
    for index, label in enumerate(scale):
        if not isinstance(label, str) or not label.strip():
            raise InvalidQuestionConfigError(field=f"config.scale[{index}]", message="Must be non-empty text.")
    target = answer_key.get("target")
    if target is not None and (not isinstance(target, int) or isinstance(target, bool) or not 0 <= target < len(scale)):
        raise InvalidQuestionConfigError(field="answer_key.target", message="Must be an index into the scale.")
    tolerance = answer_key.get("tolerance", 0)
    if not isinstance(tolerance, int) or isinstance(tolerance, bool) or tolerance < 0:
        raise InvalidQuestionConfigError(field="answer_key.tolerance", message="Must be a whole number >= 0.")


def grade(part: QuestionPart, answer: Any) -> GradeResult:
    if answer is None:
        return UNANSWERED
    if not isinstance(answer, int) or isinstance(answer, bool) or not 0 <= answer < len(part.config["scale"]):
        raise InvalidAnswerError("Pick a point on the scale.", field=part.id)
    target = part.answer_key.get("target")
    if target is None:
        return CORRECT
    return CORRECT if abs(answer - target) <= part.answer_key.get("tolerance", 0) else INCORRECT


def public_view(part: QuestionPart, seed: Any = None) -> dict[str, Any]:
    return {"scale": list(part.config["scale"])}


QUESTION_TYPE = QuestionType(
    name="likert",
    label="Likert scale",
    validate=validate,
    grade=grade,
    public_view=public_view,
    json_schema={"type": "object", "required": ["scale"]},
)
