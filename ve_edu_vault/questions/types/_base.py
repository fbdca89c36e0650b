"""
What every question type provides, and small validation helpers shared by the built-in types.

A type is a plain :class:`QuestionType` value holding functions, not a class to subclass: graders stay pure
functions (``grade(part, answer) -> GradeResult``) and a plugin only has to expose one object.

Hot path: graders may precompute per-part tables once and keep them in ``part._compiled`` (see
:func:`compiled`); parts are immutable, so the cache never goes stale.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..data import GradeResult, QuestionPart
from ..errors import InvalidQuestionConfigError

__all__ = [
    "QuestionType",
    "compiled",
    "optional_bool",
    "order_items",
    "require_mapping",
    "require_text",
    "validate_items",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionType:
    """A registered question type.

    - ``validate(config, answer_key)`` raises :class:`InvalidQuestionConfigError` naming the field
      (``"config.choices[2].text"``).
    - ``grade(part, answer)`` returns a :class:`GradeResult` (no ``parts``); ``None`` means unanswered and scores
      0; a malformed answer raises :class:`InvalidAnswerError`.
    - ``public_view(part, seed=None)`` returns the learner-safe config (no keys, no feedback); ``seed`` fixes the
      order of shuffled choices for one attempt.
    - ``answer_schema`` is the JSON Schema (draft 2020-12) of one part's non-null answer, checked on save before
      anything is stored (``questions/answers.py``): a mapping, or a callable ``(part) -> mapping`` for a shape that
      depends on the part (an ``enum`` of its choice ids). ``None`` (types written before the hook) checks only that
      the answer is plain JSON data of bounded size and depth.
    - ``json_schema`` is free metadata about the type's config; the vault does not read it.
    """

    name: str
    label: str
    validate: Callable[[Mapping[str, Any], Mapping[str, Any]], None]
    grade: Callable[[QuestionPart, Any], GradeResult]
    public_view: Callable[..., dict[str, Any]]
    json_schema: Mapping[str, Any] | None = None
    description: str = ""
    answer_schema: Mapping[str, Any] | Callable[[QuestionPart], Mapping[str, Any]] | None = None


def compiled(part: QuestionPart, build: Callable[[QuestionPart], Any]) -> Any:
    """Return the grader's precomputed table for ``part``, building and caching it on first use."""
    table = part._compiled
    if table is None:
        table = build(part)
        object.__setattr__(part, "_compiled", table)
    return table


def require_mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidQuestionConfigError(field=field, message="Must be an object.")
    return value


def require_text(value: Any, field: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidQuestionConfigError(field=field, message="Must be text.")
    if not allow_empty and not value.strip():
        raise InvalidQuestionConfigError(field=field, message="Must not be empty.")
    return value


def optional_bool(mapping: Mapping[str, Any], key: str, field: str, default: bool = False) -> bool:
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        raise InvalidQuestionConfigError(field=field, message="Must be true or false.")
    return value


def optional_number(mapping: Mapping[str, Any], key: str, field: str) -> float | None:
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidQuestionConfigError(field=field, message="Must be a finite number.")
    return float(value)


def validate_items(config: Mapping[str, Any], list_name: str, *, minimum: int) -> list[str]:
    """Check ``config[list_name]`` is a list of ``{"id", "text", "fixed"?}`` with unique ids; return the ids."""
    items = config.get(list_name)
    where = f"config.{list_name}"
    if not isinstance(items, list | tuple):
        raise InvalidQuestionConfigError(field=where, message="Must be a list.")
    if len(items) < minimum:
        raise InvalidQuestionConfigError(field=where, message=f"Needs at least {minimum} entries.")
    ids: list[str] = []
    for index, item in enumerate(items):
        item_field = f"{where}[{index}]"
        require_mapping(item, item_field)
        item_id = require_text(item.get("id"), f"{item_field}.id")
        if item_id in ids:
            raise InvalidQuestionConfigError(field=f"{item_field}.id", message=f"Duplicate id {item_id!r}.")
        require_text(item.get("text"), f"{item_field}.text")
        optional_bool(item, "fixed", f"{item_field}.fixed")
        ids.append(item_id)
    return ids


def validate_feedback_ids(feedback: Any, field: str, ids: list[str]) -> Mapping[str, Any]:
    """Check a per-item feedback mapping only names known ids."""
    if feedback is None:
        return {}
    require_mapping(feedback, field)
    for key in feedback:
        if key not in ids:
            raise InvalidQuestionConfigError(field=f"{field}.{key}", message="Names no known choice.")
    return feedback


def order_items(items: tuple[Mapping[str, Any], ...], *, shuffle: bool, seed: Any) -> list[Mapping[str, Any]]:
    """Return items in display order.

    With ``shuffle``, items marked ``fixed`` keep their position and the others are shuffled among the remaining
    positions, deterministically for a given ``seed`` (e.g. the attempt id) so a learner sees a stable order.
    """
    ordered = list(items)
    if not shuffle:
        return ordered
    movable = [index for index, item in enumerate(ordered) if not item.get("fixed", False)]
    picked = [ordered[index] for index in movable]
    random.Random(str(seed)).shuffle(picked)
    for index, item in zip(movable, picked, strict=True):
        ordered[index] = item
    return ordered


def public_items(items: list[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [{"id": item["id"], "text": item["text"]} for item in items]
