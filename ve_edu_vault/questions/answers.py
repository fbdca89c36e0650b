"""
What a learner may store as the answer to a question: checked on save, before anything is stored.

TLDR: ``check_answer(content, answer, max_part_bytes=...)`` raises :class:`InvalidAnswerError` (or
:class:`AnswerTooLargeError`) whose ``field`` names the part (``"p0"``, ``"p0.blank_1"``, ``"p0[2]"``)
and returns the answer's stored size. Graders still refuse what they cannot read; this check runs
first, on every save (autosave, check), so nothing of the wrong shape or size is ever stored.

An answer is ``None`` (nothing yet) or an object keyed by the question's part ids; each part's
answer is ``None`` (unanswered) or, in this order:

1. plain JSON data (objects with text keys, lists, text, finite numbers, booleans, null) at most
   :data:`MAX_DEPTH` levels deep, whose text holds no NUL and no lone surrogate (neither is text a
   learner can type, and PostgreSQL's ``jsonb`` cannot store them), and whose compact JSON
   (UTF-8) is at most ``max_part_bytes``;
2. valid against its type's ``answer_schema`` (a JSON Schema, draft 2020-12, of the non-null
   answer; static, or built per part by a callable, e.g. an ``enum`` of the part's choice ids).
   A type without one (a plugin written before the hook) gets only the first check.

Why JSON Schema (the ``jsonschema`` library) rather than a validator function per type: it is
declarative, so a plugin type states its answer shape without code, clients can read it, and one
well-kept library walks it. Its cost (4-60 us an answer, ``bench/bench_answer_check.py``) is paid on
autosave and check; a submission grades what was saved and checks nothing again. The compiled
validator is kept on the part, which ``content_memo`` shares between a process's requests. Messages
never echo the answer.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaViolation
from jsonschema.exceptions import best_match

from .data import QuestionContent, QuestionPart
from .errors import AnswerTooLargeError, InvalidAnswerError
from .registry import GraderRegistry, get_registry
from .types import QuestionType

__all__ = ["MAX_DEPTH", "check_answer", "check_part_answer"]

log = logging.getLogger(__name__)

#: Levels of nesting allowed inside one part's answer (a list of lists is 2).
MAX_DEPTH = 10
_NULL_SIZE = 4  # len("null")
_NO_SCHEMA = object()  # the cached "validator" of a type without an answer schema


def _where(part_id: str, path: Any) -> str:
    """``p0.blank_1`` or ``p0[2]``; keys are cut to 40 characters (a field never echoes unbounded input)."""
    field = part_id
    for step in path:
        field += f"[{step}]" if isinstance(step, int) else f".{str(step)[:40]}"
    return field


def _check_text(text: str, field: str) -> None:
    if "\x00" in text:
        raise InvalidAnswerError("Contains a NUL character, which cannot be stored.", field=field)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidAnswerError("Contains a lone surrogate, which is not text.", field=field) from None


def _check_plain(answer: Any, part_id: str, max_bytes: int) -> None:
    """Step 1 of the module docstring, without recursion; long text is refused before it is encoded."""
    chars = 0
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(answer, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidAnswerError(f"Is nested too deeply (at most {MAX_DEPTH} levels).", field=part_id)
        if isinstance(value, str):
            chars += len(value)
            if chars > max_bytes:
                raise AnswerTooLargeError(f"Is too large (at most {max_bytes} bytes).", field=part_id)
            _check_text(value, _where(part_id, path))
        elif value is None or isinstance(value, bool | int):
            continue
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidAnswerError(
                    "Must be a finite number (send other numbers as text).", field=_where(part_id, path)
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InvalidAnswerError("Object keys must be text.", field=_where(part_id, path))
                chars += len(key)
                if chars > max_bytes:
                    raise AnswerTooLargeError(f"Is too large (at most {max_bytes} bytes).", field=part_id)
                _check_text(key, _where(part_id, path))
                stack.append((item, depth + 1, (*path, key)))
        elif isinstance(value, list | tuple):
            if len(value) > max_bytes:  # each entry takes at least one byte
                raise AnswerTooLargeError(f"Is too large (at most {max_bytes} bytes).", field=part_id)
            stack.extend((item, depth + 1, (*path, index)) for index, item in enumerate(value))
        else:
            raise InvalidAnswerError(
                "Must be plain JSON data (text, numbers, lists, objects).", field=_where(part_id, path)
            )


# Built once: ``json.dumps`` with arguments builds an encoder per call (5 us against 0.5 us for this one).
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _size(answer: Any, part_id: str, max_bytes: int) -> int:
    try:
        size = len(_COMPACT.encode(answer).encode("utf-8"))
    except ValueError:  # an integer of thousands of digits (int_max_str_digits)
        raise AnswerTooLargeError(f"Is too large (at most {max_bytes} bytes).", field=part_id) from None
    if size > max_bytes:
        raise AnswerTooLargeError(f"Is too large ({size} bytes; at most {max_bytes}).", field=part_id)
    return size


def _validator(part: QuestionPart, qtype: QuestionType) -> Any:
    """The part's compiled answer validator (or ``_NO_SCHEMA``), built once and kept on the part."""
    cached = part._answer_check
    if cached is not None:
        return cached
    schema: Any = qtype.answer_schema
    built: Any = _NO_SCHEMA
    if schema is not None:
        try:
            if callable(schema):
                schema = schema(part)
                Draft202012Validator.check_schema(schema)
            built = Draft202012Validator(schema)
        except Exception:
            # A type's broken schema must not lock learners out: the plain-data check still applies.
            log.exception("The answer schema of question type %r is unusable; only plain data is checked.", part.type)
    object.__setattr__(part, "_answer_check", built)
    return built


_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "an object",
    "boolean": "true or false",
    "null": "empty",
}


def _message(error: SchemaViolation) -> str:
    """A learner-readable sentence for a schema violation; never the answer itself (it may be huge or hostile)."""
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        return f"Must be {' or '.join(_TYPE_NAMES.get(name, name) for name in names)}."
    if keyword in ("enum", "const"):
        return "Is not one of the choices of this question."
    if keyword == "maxLength":
        return f"Is too long (at most {value} characters)."
    if keyword == "minLength":
        return f"Is too short (at least {value} characters)."
    if keyword == "maxItems":
        return f"Has too many entries (at most {value})."
    if keyword == "minItems":
        return f"Needs at least {value} entries."
    if keyword == "uniqueItems":
        return "Lists the same entry twice."
    if keyword in ("additionalProperties", "propertyNames", "unevaluatedProperties"):
        return "Has a key this question does not have."
    if keyword == "required":
        return "Misses a required entry."
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        return "Is out of the accepted range."
    if keyword == "pattern":
        return "Is not in the expected format."
    return "Does not have the shape this question expects."


def _field_of(part_id: str, error: SchemaViolation) -> str:
    """The violation's place in the answer; an unknown key is named (``p0.blank_9``)."""
    field = _where(part_id, error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        extra = next((key for key in error.instance if key not in known), None)
        if extra is not None:
            field = _where(field, (extra,))
    return field


def check_part_answer(
    part: QuestionPart, answer: Any, *, max_bytes: int, registry: GraderRegistry | None = None
) -> int:
    """Check one part's answer (``None`` is always accepted); its size in bytes. Errors name ``part.id``."""
    if answer is None:
        return _NULL_SIZE
    if answer.__class__ is str:  # the usual answer (a choice id, a number typed): no walk
        if len(answer) > max_bytes:
            raise AnswerTooLargeError(f"Is too large (at most {max_bytes} bytes).", field=part.id)
        _check_text(answer, part.id)
    else:
        _check_plain(answer, part.id, max_bytes)
    size = _size(answer, part.id, max_bytes)
    validator = _validator(part, (registry or get_registry()).get(part.type))
    if validator is not _NO_SCHEMA:
        try:
            if validator.is_valid(answer):  # the usual case, twice as fast as collecting errors
                return size
            error = best_match(validator.iter_errors(answer))
        except Exception:
            log.exception("The answer schema of question type %r failed; only plain data is checked.", part.type)
            object.__setattr__(part, "_answer_check", _NO_SCHEMA)
            return size
        if error is not None:
            raise InvalidAnswerError(_message(error), field=_field_of(part.id, error))
    return size


def check_answer(
    content: QuestionContent, answer: Any, *, max_part_bytes: int, registry: GraderRegistry | None = None
) -> int:
    """Check a whole question's answer (see the module docstring); its stored size in bytes."""
    if answer is None:
        return _NULL_SIZE
    if not isinstance(answer, dict):
        raise InvalidAnswerError("An answer must be an object keyed by part id.")
    registry = registry or get_registry()
    size = 2  # {}
    for part_id, part_answer in answer.items():
        part = _part(content, part_id)
        size += len(part_id.encode("utf-8", "surrogatepass")) + 4  # "id":,
        size += check_part_answer(part, part_answer, max_bytes=max_part_bytes, registry=registry)
    return size


def _part(content: QuestionContent, part_id: Any) -> QuestionPart:
    if isinstance(part_id, str):
        for part in content.parts:
            if part.id == part_id:
                return part
    shown = part_id[:40] if isinstance(part_id, str) else type(part_id).__name__
    raise InvalidAnswerError(f"This question has no part {shown!r}.")
