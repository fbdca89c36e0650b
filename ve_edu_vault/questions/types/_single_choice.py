"""
Shared implementation of "pick exactly one" types (multiple choice and dropdown).

Why one implementation: capa's multiplechoiceresponse and optionresponse grade the same way (one correct item,
optional per-item feedback); only the list name and the rendering differ. The hot path is a single dict lookup
into results precomputed per part, so grading allocates nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..data import UNANSWERED, GradeResult, QuestionPart
from ..errors import InvalidAnswerError, InvalidQuestionConfigError
from ._base import (
    QuestionType,
    compiled,
    optional_bool,
    order_items,
    public_items,
    require_mapping,
    require_text,
    validate_feedback_ids,
    validate_items,
)


class SingleChoice:
    """Validation, grading and public view for a one-answer type whose items live in ``config[list_name]``."""

    def __init__(self, list_name: str, noun: str) -> None:
        self.list_name = list_name
        self.noun = noun

    def validate(self, config: Mapping[str, Any], answer_key: Mapping[str, Any]) -> None:
        require_mapping(config, "config")
        require_mapping(answer_key, "answer_key")
        ids = validate_items(config, self.list_name, minimum=2)
        optional_bool(config, "shuffle", "config.shuffle")
        correct = require_text(answer_key.get("correct"), "answer_key.correct")
        if correct not in ids:
            raise InvalidQuestionConfigError(field="answer_key.correct", message=f"Names no {self.noun} of config.")
        feedback = validate_feedback_ids(answer_key.get("feedback"), "answer_key.feedback", ids)
        for key, text in feedback.items():
            require_text(text, f"answer_key.feedback.{key}", allow_empty=True)

    def _build(self, part: QuestionPart) -> dict[str, GradeResult]:
        correct = part.answer_key["correct"]
        feedback = part.answer_key.get("feedback") or {}
        table: dict[str, GradeResult] = {}
        for item in part.config[self.list_name]:
            item_id = item["id"]
            text = feedback.get(item_id)
            is_correct = item_id == correct
            table[item_id] = GradeResult(
                score=1.0 if is_correct else 0.0,
                correct=is_correct,
                feedback_keys=(item_id,) if text else (),
                feedback=MappingProxyType({item_id: text}) if text else MappingProxyType({}),
            )
        return table

    def make_grader(self) -> Callable[[QuestionPart, Any], GradeResult]:
        """Return the grader as a closure: one dict lookup on the hot path, no bound-method call."""
        build, noun = self._build, self.noun

        def grade(part: QuestionPart, answer: Any) -> GradeResult:
            table = part._compiled
            if table is None:
                table = compiled(part, build)
            try:
                return table[answer]
            except (KeyError, TypeError):
                pass
            if answer is None:
                return UNANSWERED
            raise InvalidAnswerError(f"The answer is not one of the {noun}s of this question.", field=part.id)

        return grade

    def answer_schema(self, part: QuestionPart) -> dict[str, Any]:
        """The answer is the id of one of the part's items."""
        return {"enum": [item["id"] for item in part.config[self.list_name]]}

    def public_view(self, part: QuestionPart, seed: Any = None) -> dict[str, Any]:
        shuffle = bool(part.config.get("shuffle", False))
        items = order_items(part.config[self.list_name], shuffle=shuffle, seed=seed)
        return {self.list_name: public_items(items)}

    def question_type(self, *, name: str, label: str, description: str) -> QuestionType:
        """The registry's value of a type built on this implementation (its grader made once, here)."""
        return QuestionType(
            name=name,
            label=label,
            validate=self.validate,
            grade=self.make_grader(),
            public_view=self.public_view,
            answer_schema=self.answer_schema,
            description=description,
        )
