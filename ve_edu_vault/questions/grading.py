"""
Question-level operations over the registry: validate content, grade a whole answer, build the learner view.

Answer shape: always a mapping ``{part_id: part_answer}``; a missing part (or ``None``) is unanswered and scores 0,
which is what a time-limit auto-submit needs. The total is capa's: ``sum(weight * score) / sum(weight)``.
Malformed part answers raise :class:`InvalidAnswerError` whose ``field`` starts with the part id.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .data import GradeResult, PartResult, QuestionContent
from .errors import InvalidAnswerError, InvalidQuestionConfigError
from .registry import GraderRegistry, get_registry

__all__ = ["grade_question", "public_question_view", "validate_content"]


def validate_content(content: QuestionContent, *, registry: GraderRegistry | None = None) -> None:
    """Run each part's type validation; errors name the field from the question root (``parts[1].config...``)."""
    registry = registry or get_registry()
    for index, part in enumerate(content.parts):
        qtype = registry.get(part.type)
        try:
            qtype.validate(part.config, part.answer_key)
        except InvalidQuestionConfigError as error:
            raise InvalidQuestionConfigError(field=f"parts[{index}].{error.field}", message=error.message) from None


def grade_question(
    content: QuestionContent, answers: Mapping[str, Any] | None, *, registry: GraderRegistry | None = None
) -> GradeResult:
    """Grade every part and combine them; see the module docstring for the answer shape and the total."""
    registry = registry or get_registry()
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        raise InvalidAnswerError("Answers must be given per part, as an object keyed by part id.")
    for part_id in answers:
        if not any(part.id == part_id for part in content.parts):
            raise InvalidAnswerError(f"This question has no part {part_id!r}.", field=str(part_id))
    results = []
    keys: list[str] = []
    feedback: dict[str, str] = {}
    total = earned = 0.0
    for part in content.parts:
        result = registry.get(part.type).grade(part, answers.get(part.id))
        results.append(
            PartResult(
                part_id=part.id,
                type=part.type,
                weight=part.weight,
                score=result.score,
                correct=result.correct,
                feedback_keys=result.feedback_keys,
                feedback=result.feedback,
            )
        )
        for key in result.feedback_keys:
            qualified = f"{part.id}/{key}"
            keys.append(qualified)
            if key in result.feedback:
                feedback[qualified] = result.feedback[key]
        total += part.weight
        earned += part.weight * result.score
    score = earned / total
    return GradeResult(
        score=score,
        correct=all(result.correct for result in results),
        feedback_keys=tuple(keys),
        feedback=MappingProxyType(feedback),
        parts=tuple(results),
    )


def public_question_view(
    content: QuestionContent, *, seed: Any = None, registry: GraderRegistry | None = None
) -> dict[str, Any]:
    """What a learner may see before answering: no answer keys, feedback, hints text or explanation."""
    registry = registry or get_registry()
    return {
        "type": content.type,
        "title": content.title,
        "prompt": content.prompt,
        "points": content.points,
        "hint_count": len(content.hints),
        "parts": [
            {
                "id": part.id,
                "type": part.type,
                "prompt": part.prompt,
                "weight": part.weight,
                "config": registry.get(part.type).public_view(part, seed=f"{seed}:{part.id}"),
            }
            for part in content.parts
        ],
    }
