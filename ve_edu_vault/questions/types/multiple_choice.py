"""
Multiple choice: exactly one correct choice, optional per-choice feedback, optional shuffle.

JSON shape::

    config     = {"choices": [{"id": "choice_0", "text": "<html>", "fixed": false}, ...], "shuffle": false}
    answer_key = {"correct": "choice_1", "feedback": {"choice_0": "<html>", ...}}
    answer     = "choice_1"          (a choice id; None = unanswered)

Choices are identified by id, never by text: real courses repeat texts ("an incorrect answer").
"""

from __future__ import annotations

from ._single_choice import SingleChoice

__all__ = ["NAME", "QUESTION_TYPE", "answer_schema", "grade", "public_view", "validate"]

NAME = "multiple_choice"
QUESTION_TYPE = SingleChoice("choices", "choice").question_type(
    name=NAME, label="Multiple choice", description="One correct choice among several (capa multiplechoiceresponse)."
)
validate = QUESTION_TYPE.validate
grade = QUESTION_TYPE.grade
public_view = QUESTION_TYPE.public_view
answer_schema = QUESTION_TYPE.answer_schema
