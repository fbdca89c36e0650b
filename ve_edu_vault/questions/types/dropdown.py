"""
Dropdown: pick one option from a list (capa optionresponse).

JSON shape::

    config     = {"options": [{"id": "option_0", "text": "..."}, ...], "shuffle": false}
    answer_key = {"correct": "option_2", "feedback": {"option_0": "<html>", ...}}
    answer     = "option_2"          (an option id; None = unanswered)

Grading is identical to multiple choice (shared implementation); only the rendering differs.
"""

from __future__ import annotations

from ._base import QuestionType
from ._single_choice import SingleChoice

__all__ = ["NAME", "QUESTION_TYPE", "answer_schema", "grade", "public_view", "validate"]

NAME = "dropdown"
_impl = SingleChoice("options", "option")
validate = _impl.validate
grade = _impl.make_grader()
public_view = _impl.public_view
answer_schema = _impl.answer_schema

QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Dropdown",
    validate=validate,
    grade=grade,
    public_view=public_view,
    answer_schema=answer_schema,
    description="One correct option in a dropdown list (capa optionresponse).",
)
