"""
Multi-select (checkboxes): any number of correct choices, with a choice of partial-credit rules.

JSON shape::

    config     = {"choices": [{"id": "choice_0", "text": "<html>", "fixed": false}, ...],
                  "shuffle": false, "partial_credit": "none"}
    answer_key = {"correct": ["choice_1", "choice_3"],
                  "feedback": {"choice_0": {"selected": "<html>", "unselected": "<html>"}, ...}}
    answer     = ["choice_1", "choice_3"]   (a list of choice ids; [] = nothing selected; None = unanswered)

Partial-credit rules (``config.partial_credit``); a "mistake" is a choice decided wrongly (a wrong one selected
or a right one left out), ``n`` is the number of choices:

- ``"none"`` (capa default): all or nothing.
- ``"edc"`` (capa "every decision counts"): ``(n - mistakes) / n``.
- ``"halves"`` (capa): one mistake with more than 2 choices scores 0.5, two mistakes with more than 4 choices
  score 0.25, anything else 0.
- ``"penalty"`` (vault): ``max(0, (right selected - wrong selected) / number of right choices)``; with no right
  choices at all, 1 if nothing is selected, else 0.

Feedback follows capa's choicehint: a choice's ``selected`` text when it was selected, ``unselected`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

__all__ = ["NAME", "PARTIAL_CREDIT_RULES", "QUESTION_TYPE", "answer_schema", "grade", "public_view", "validate"]

NAME = "multi_select"
PARTIAL_CREDIT_RULES = ("none", "edc", "halves", "penalty")


def validate(config: Mapping[str, Any], answer_key: Mapping[str, Any]) -> None:
    require_mapping(config, "config")
    require_mapping(answer_key, "answer_key")
    ids = validate_items(config, "choices", minimum=1)
    optional_bool(config, "shuffle", "config.shuffle")
    rule = config.get("partial_credit", "none")
    if rule not in PARTIAL_CREDIT_RULES:
        raise InvalidQuestionConfigError(
            field="config.partial_credit", message=f"Must be one of: {', '.join(PARTIAL_CREDIT_RULES)}."
        )
    correct = answer_key.get("correct")
    if not isinstance(correct, list | tuple):
        raise InvalidQuestionConfigError(field="answer_key.correct", message="Must be a list of choice ids.")
    for index, choice_id in enumerate(correct):
        if choice_id not in ids:
            raise InvalidQuestionConfigError(field=f"answer_key.correct[{index}]", message="Names no known choice.")
    if len(set(correct)) != len(correct):
        raise InvalidQuestionConfigError(field="answer_key.correct", message="Lists a choice twice.")
    feedback = validate_feedback_ids(answer_key.get("feedback"), "answer_key.feedback", ids)
    for key, texts in feedback.items():
        require_mapping(texts, f"answer_key.feedback.{key}")
        for which in texts:
            if which not in ("selected", "unselected"):
                raise InvalidQuestionConfigError(
                    field=f"answer_key.feedback.{key}.{which}", message="Must be 'selected' or 'unselected'."
                )
            require_text(texts[which], f"answer_key.feedback.{key}.{which}", allow_empty=True)


@dataclass(frozen=True, slots=True)
class _Table:
    ids: frozenset[str]
    order: tuple[str, ...]
    correct: frozenset[str]
    rule: str
    feedback: Mapping[str, Mapping[str, str]]


def _build(part: QuestionPart) -> _Table:
    order = tuple(choice["id"] for choice in part.config["choices"])
    return _Table(
        ids=frozenset(order),
        order=order,
        correct=frozenset(part.answer_key["correct"]),
        rule=part.config.get("partial_credit", "none"),
        feedback=part.answer_key.get("feedback") or {},
    )


def _score(table: _Table, selected: frozenset[str]) -> float:
    mistakes = len(selected ^ table.correct)
    if mistakes == 0:
        return 1.0
    n = len(table.order)
    if table.rule == "edc":
        return (n - mistakes) / n
    if table.rule == "halves":
        if mistakes == 1 and n > 2:
            return 0.5
        if mistakes == 2 and n > 4:
            return 0.25
        return 0.0
    if table.rule == "penalty":
        if not table.correct:
            return 0.0
        right = len(selected & table.correct)
        return max(0.0, (right - (len(selected) - right)) / len(table.correct))
    return 0.0


def grade(part: QuestionPart, answer: Any) -> GradeResult:
    table: _Table = part._compiled or compiled(part, _build)
    if answer is None:
        return UNANSWERED
    if isinstance(answer, str | bytes) or not isinstance(answer, list | tuple | set | frozenset):
        raise InvalidAnswerError("The answer must be a list of choices.", field=part.id)
    try:
        selected = frozenset(answer)
    except TypeError:
        raise InvalidAnswerError("The answer must be a list of choice ids.", field=part.id) from None
    if not selected <= table.ids:
        raise InvalidAnswerError("The answer names a choice this question does not have.", field=part.id)
    score = _score(table, selected)
    keys: list[str] = []
    texts: dict[str, str] = {}
    if table.feedback:
        for choice_id in table.order:
            which = "selected" if choice_id in selected else "unselected"
            text = table.feedback.get(choice_id, {}).get(which)
            if text:
                key = f"{choice_id}:{which}"
                keys.append(key)
                texts[key] = text
    return GradeResult(score=score, correct=score == 1.0, feedback_keys=tuple(keys), feedback=MappingProxyType(texts))


def answer_schema(part: QuestionPart) -> dict[str, Any]:
    """The answer lists distinct choice ids of the part."""
    ids = [choice["id"] for choice in part.config["choices"]]
    return {"type": "array", "items": {"enum": ids}, "uniqueItems": True, "maxItems": len(ids)}


def public_view(part: QuestionPart, seed: Any = None) -> dict[str, Any]:
    items = order_items(part.config["choices"], shuffle=bool(part.config.get("shuffle", False)), seed=seed)
    return {"choices": public_items(items)}


QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Multi-select",
    validate=validate,
    grade=grade,
    public_view=public_view,
    answer_schema=answer_schema,
    description="Several correct choices, all-or-nothing or partial credit (capa choiceresponse).",
)
