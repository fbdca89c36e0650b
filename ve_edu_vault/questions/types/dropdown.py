"""
Dropdown: pick one option from a list (capa optionresponse).

JSON shape::

    config     = {"options": [{"id": "option_0", "text": "..."}, ...], "shuffle": false}
    answer_key = {"correct": "option_2", "feedback": {"option_0": "<html>", ...}}
    answer     = "option_2"          (an option id; None = unanswered)

Grading is identical to multiple choice (shared implementation); only the rendering differs.
"""

from __future__ import annotations

from ._single_choice import SingleChoice

__all__ = ["NAME", "QUESTION_TYPE", "answer_schema", "grade", "public_view", "validate"]

NAME = "dropdown"
QUESTION_TYPE = SingleChoice("options", "option").question_type(
    name=NAME, label="Dropdown", description="One correct option in a dropdown list (capa optionresponse)."
)
validate = QUESTION_TYPE.validate
grade = QUESTION_TYPE.grade
public_view = QUESTION_TYPE.public_view
answer_schema = QUESTION_TYPE.answer_schema
