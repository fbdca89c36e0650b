"""
Frozen data classes for question content and grade results.

Decision: a question is ALWAYS a list of parts. A single-part question is a question with one part; a capa problem
with several response elements becomes one question with several parts. Each part carries its own ``type``,
``config`` (safe to show a learner) and ``answer_key`` (never shown before the feedback policy allows). This keeps
one code path for grading, storage and OLX round trips; ``QuestionContent.type`` is derived (the part type, or
``"multipart"`` when parts differ) so nothing can contradict it.

Scoring follows capa: each part has a ``weight`` (capa gives each response one point per input, so 1 by default);
the question score is ``sum(weight_i * score_i) / sum(weight_i)`` in 0..1 and ``points`` scales it (capa's
``weight`` attribute on ``<problem>``).

Content is plain JSON in ``to_dict()`` (stored as a version later). ``config`` and ``answer_key`` are frozen
recursively (dicts become read-only mappings, lists become tuples) so that a grader may cache derived tables on a
part without anything mutating the content under it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import InvalidQuestionConfigError

__all__ = [
    "CONTENT_SCHEMA_VERSION",
    "GradeResult",
    "Hint",
    "PartResult",
    "QuestionContent",
    "QuestionPart",
    "freeze",
    "thaw",
]

CONTENT_SCHEMA_VERSION = 1
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def freeze(value: Any) -> Any:
    """Return a deeply read-only copy of JSON-like data (dict -> mapping proxy, list -> tuple)."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Inverse of :func:`freeze`: plain dicts and lists, ready for ``json.dumps``."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def _number(value: Any, field_name: str, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < minimum:
        raise InvalidQuestionConfigError(field=field_name, message=f"Must be a finite number of at least {minimum}.")
    return float(value)


def _text(value: Any, field_name: str) -> str:
    if not isinstance(value, str):
        raise InvalidQuestionConfigError(field=field_name, message="Must be text.")
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class Hint:
    """A hint the learner may ask for; ``penalty`` (0..1 of the score) is vault metadata, not capa."""

    text: str
    penalty: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "penalty": self.penalty}


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionPart:
    """One gradable part: a type name, learner-safe ``config`` and secret ``answer_key``."""

    id: str
    type: str
    prompt: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)
    answer_key: Mapping[str, Any] = field(default_factory=dict)
    weight: float = 1.0
    # Per-part cache a grader may fill with precomputed tables (see types/_base.py). Not content.
    _compiled: Any = field(default=None, init=False, repr=False, compare=False)
    # Per-part cache of the compiled answer validator (see questions/answers.py). Not content.
    _answer_check: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", freeze(self.config))
        object.__setattr__(self, "answer_key", freeze(self.answer_key))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "prompt": self.prompt,
            "config": thaw(self.config),
            "answer_key": thaw(self.answer_key),
            "weight": self.weight,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionContent:
    """The versioned content of a question. See the module docstring for the parts decision."""

    parts: tuple[QuestionPart, ...]
    title: str = ""
    prompt: str = ""
    hints: tuple[Hint, ...] = ()
    explanation: str = ""
    tags: tuple[str, ...] = ()
    points: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", tuple(self.parts))
        object.__setattr__(self, "hints", tuple(self.hints))
        object.__setattr__(self, "tags", tuple(self.tags))
        if not self.parts:
            raise InvalidQuestionConfigError(field="parts", message="A question needs at least one part.")
        seen: set[str] = set()
        for index, part in enumerate(self.parts):
            if not isinstance(part, QuestionPart):
                raise InvalidQuestionConfigError(field=f"parts[{index}]", message="Must be a question part.")
            if not isinstance(part.id, str) or not part.id:
                raise InvalidQuestionConfigError(field=f"parts[{index}].id", message="Must be non-empty text.")
            if part.id in seen:
                raise InvalidQuestionConfigError(field=f"parts[{index}].id", message=f"Duplicate part id {part.id!r}.")
            seen.add(part.id)
            _number(part.weight, f"parts[{index}].weight", minimum=0.0)
        if sum(part.weight for part in self.parts) <= 0:
            raise InvalidQuestionConfigError(field="parts", message="At least one part must have a positive weight.")
        _number(self.points, "points")

    @property
    def type(self) -> str:
        """The part type when every part has the same type, otherwise ``"multipart"``."""
        first = self.parts[0].type
        return first if all(part.type == first for part in self.parts) else "multipart"

    @property
    def is_multipart(self) -> bool:
        return len(self.parts) > 1

    def part(self, part_id: str) -> QuestionPart:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": CONTENT_SCHEMA_VERSION,
            "type": self.type,
            "title": self.title,
            "prompt": self.prompt,
            "parts": [part.to_dict() for part in self.parts],
            "hints": [hint.to_dict() for hint in self.hints],
            "explanation": self.explanation,
            "tags": list(self.tags),
            "points": self.points,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuestionContent:
        """Build content from its JSON form; structural errors name the field (type-specific checks: registry)."""
        if not isinstance(data, Mapping):
            raise InvalidQuestionConfigError(field="content", message="Must be an object.")
        version = data.get("schema_version", CONTENT_SCHEMA_VERSION)
        if version != CONTENT_SCHEMA_VERSION:
            raise InvalidQuestionConfigError(field="schema_version", message=f"Unsupported version {version!r}.")
        raw_parts = data.get("parts")
        if not isinstance(raw_parts, list | tuple):
            raise InvalidQuestionConfigError(field="parts", message="Must be a list of parts.")
        parts = []
        for index, raw in enumerate(raw_parts):
            where = f"parts[{index}]"
            if not isinstance(raw, Mapping):
                raise InvalidQuestionConfigError(field=where, message="Must be an object.")
            for name in ("config", "answer_key"):
                if not isinstance(raw.get(name, {}), Mapping):
                    raise InvalidQuestionConfigError(field=f"{where}.{name}", message="Must be an object.")
            parts.append(
                QuestionPart(
                    id=_text(raw.get("id"), f"{where}.id"),
                    type=_text(raw.get("type"), f"{where}.type"),
                    prompt=_text(raw.get("prompt", ""), f"{where}.prompt"),
                    config=raw.get("config", {}),
                    answer_key=raw.get("answer_key", {}),
                    weight=_number(raw.get("weight", 1.0), f"{where}.weight"),
                )
            )
        hints = []
        for index, raw in enumerate(data.get("hints", ())):
            if not isinstance(raw, Mapping):
                raise InvalidQuestionConfigError(field=f"hints[{index}]", message="Must be an object.")
            penalty = raw.get("penalty")
            if penalty is not None:
                penalty = _number(penalty, f"hints[{index}].penalty")
            hints.append(Hint(text=_text(raw.get("text"), f"hints[{index}].text"), penalty=penalty))
        tags = data.get("tags", ())
        if not isinstance(tags, list | tuple):
            raise InvalidQuestionConfigError(field="tags", message="Must be a list of text.")
        content = cls(
            parts=tuple(parts),
            title=_text(data.get("title", ""), "title"),
            prompt=_text(data.get("prompt", ""), "prompt"),
            hints=tuple(hints),
            explanation=_text(data.get("explanation", ""), "explanation"),
            tags=tuple(_text(tag, f"tags[{i}]") for i, tag in enumerate(tags)),
            points=_number(data.get("points", 1.0), "points"),
        )
        if "type" in data and data["type"] != content.type:
            raise InvalidQuestionConfigError(field="type", message=f"Does not match the parts ({content.type!r}).")
        return content


@dataclass(frozen=True, kw_only=True, slots=True)
class GradeResult:
    """The grade of one part (from a type grader) or of a whole question (``parts`` filled).

    ``feedback_keys`` are stable identifiers of the feedback earned (e.g. ``"choice_2"``); ``feedback`` maps
    those keys to author text. The feedback policy decides later what the learner sees.
    """

    score: float
    correct: bool
    feedback_keys: tuple[str, ...] = ()
    feedback: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    parts: tuple[PartResult, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "correct": self.correct,
            "feedback_keys": list(self.feedback_keys),
            "feedback": dict(self.feedback),
            "parts": [part.to_dict() for part in self.parts],
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class PartResult:
    """The grade of one part inside a question-level :class:`GradeResult`."""

    part_id: str
    type: str
    weight: float
    score: float
    correct: bool
    feedback_keys: tuple[str, ...] = ()
    feedback: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def to_dict(self) -> dict[str, Any]:
        return {
            "part_id": self.part_id,
            "type": self.type,
            "weight": self.weight,
            "score": self.score,
            "correct": self.correct,
            "feedback_keys": list(self.feedback_keys),
            "feedback": dict(self.feedback),
        }


CORRECT = GradeResult(score=1.0, correct=True)
INCORRECT = GradeResult(score=0.0, correct=False)
UNANSWERED = GradeResult(score=0.0, correct=False, feedback_keys=("unanswered",))
