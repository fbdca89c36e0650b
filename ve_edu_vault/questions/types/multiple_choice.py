"""
Multiple choice: exactly one correct choice, optional per-choice feedback, optional shuffle.

JSON shape::

    config     = {"choices": [{"id": "choice_0", "text": "<html>", "fixed": false}, ...], "shuffle": false}
    answer_key = {"correct": "choice_1", "feedback": {"choice_0": "<html>", ...}}
    answer     = "choice_1"          (a choice id; None = unanswered)

Choices are identified by id, never by text: real courses repeat texts ("an incorrect answer").
"""

from __future__ import annotations

from ._base import QuestionType
from ._single_choice import SingleChoice

__all__ = ["NAME", "QUESTION_TYPE", "answer_schema", "grade", "public_view", "validate"]

NAME = "multiple_choice"
_impl = SingleChoice("choices", "choice")
validate = _impl.validate
grade = _impl.make_grader()
public_view = _impl.public_view
answer_schema = _impl.answer_schema

QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Multiple choice",
    validate=validate,
    grade=grade,
    public_view=public_view,
    answer_schema=answer_schema,
    description="One correct choice among several (capa multiplechoiceresponse).",
)
