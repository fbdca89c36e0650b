"""
Numeric answers with a tolerance or a range, graded like capa's numericalresponse.

JSON shape (exactly one of ``value`` or ``range``)::

    config     = {}
    answer_key = {"value": 9.81, "tolerance": 5.0, "tolerance_mode": "percent"}   # or "absolute"
    answer_key = {"value": 42}                       # no tolerance: capa's default, 0.001 % relative
    answer_key = {"range": {"low": 1, "high": 5, "low_inclusive": true, "high_inclusive": false}}   # [1, 5)
    answer_key = {"value": 1.5, "tolerance": 0.01,
                  "units": [{"name": "m", "multiplier": 1}, {"name": "cm", "multiplier": 100}],
                  "unit_penalty": 0.1}          # units: optional, as Moodle's numerical question has them
    answer     = "1.2e3"   (text or a JSON number; None = unanswered); with units: "150 cm", "1.5 m", "1.5"

Rules (capa's ``compare_with_tolerance``): an absolute tolerance ``t`` accepts ``|a - v| <= t``; a percent
tolerance ``p`` accepts ``|a - v| <= p/100 * |v|``; the default accepts ``|a - v| <= 1e-5 * max(|a|, |v|)``.
Arithmetic is exact (fractions of the decimal texts), so ``0.4`` is within ``0.1`` of ``0.3``.

Units (Moodle's numerical units, ``question/format/xml/format.php`` ``import_numerical``): an answer may
end (or start) with one of the unit names; its number is divided by the unit's multiplier before the
comparison (``150 cm`` with multiplier 100 is 1.5). Without ``unit_penalty`` units are optional: a bare
number counts in the first unit's terms, an unknown unit is wrong. With ``unit_penalty`` (0..1, Moodle's
``unitpenalty``) a right number with a missing or unknown unit scores ``1 - unit_penalty``.

Answers are plain decimal numbers with an optional exponent (``-1.5``, ``.5``, ``1.2e3``); anything else raises
:class:`InvalidAnswerError` (capa's formulas are not evaluated). NaN and infinities, typed or produced by an
out-of-range number like ``1e999``, are valid input but never correct.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..data import CORRECT, INCORRECT, UNANSWERED, GradeResult, QuestionPart
from ..errors import InvalidAnswerError, InvalidQuestionConfigError
from ._base import QuestionType, compiled, optional_bool, optional_number, require_mapping

__all__ = [
    "ANSWER_SCHEMA",
    "DEFAULT_RELATIVE_TOLERANCE",
    "NAME",
    "QUESTION_TYPE",
    "grade",
    "parse_number",
    "public_view",
    "validate",
]

NAME = "numeric"
DEFAULT_RELATIVE_TOLERANCE = Fraction(1, 100_000)  # capa's default_tolerance = '0.001%'
MAX_ANSWER_LENGTH = 400
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_SPECIAL = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_INCORRECT_NOT_FINITE = GradeResult(score=0.0, correct=False, feedback_keys=("not_finite",))


def parse_number(text: Any, *, field: str | None = None) -> Fraction | None:
    """Parse an answer exactly; ``None`` for NaN/infinite values; :class:`InvalidAnswerError` for non-numbers."""
    if isinstance(text, bool):
        raise InvalidAnswerError("The answer must be a number.", field=field)
    if isinstance(text, int):
        return Fraction(text)
    if isinstance(text, float):
        return Fraction(repr(text)) if math.isfinite(text) else None
    if not isinstance(text, str):
        raise InvalidAnswerError("The answer must be a number.", field=field)
    if len(text) > MAX_ANSWER_LENGTH:
        raise InvalidAnswerError("The answer is too long to be a number.", field=field)
    cleaned = text.strip().replace("\u2212", "-")
    if cleaned.lower() in _SPECIAL:
        return None
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        raise InvalidAnswerError(
            f"{text.strip()[:40]!r} is not a number. Enter digits like 12.5 or 1.2e3.", field=field
        )
    exponent = match.group(1)
    if exponent is not None and abs(int(exponent[:6])) > 400:
        # Far beyond float range: decide through float (0.0 or inf) instead of building a huge integer.
        as_float = float(cleaned)
        return Fraction(as_float) if math.isfinite(as_float) else None
    return Fraction(cleaned)


def _finite(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidQuestionConfigError(field=field, message="Must be a finite number.")
    return float(value)


def validate(config: Mapping[str, Any], answer_key: Mapping[str, Any]) -> None:
    require_mapping(config, "config")
    require_mapping(answer_key, "answer_key")
    has_value, has_range = "value" in answer_key, "range" in answer_key
    if has_value == has_range:
        raise InvalidQuestionConfigError(field="answer_key", message="Give exactly one of 'value' or 'range'.")
    _validate_units(answer_key)
    if has_value:
        _finite(answer_key["value"], "answer_key.value")
        tolerance = optional_number(answer_key, "tolerance", "answer_key.tolerance")
        if tolerance is not None and tolerance < 0:
            raise InvalidQuestionConfigError(field="answer_key.tolerance", message="Must not be negative.")
        if answer_key.get("tolerance_mode", "absolute") not in ("absolute", "percent"):
            raise InvalidQuestionConfigError(
                field="answer_key.tolerance_mode", message="Must be 'absolute' or 'percent'."
            )
        return
    bounds = require_mapping(answer_key["range"], "answer_key.range")
    low = _finite(bounds.get("low"), "answer_key.range.low")
    high = _finite(bounds.get("high"), "answer_key.range.high")
    low_in = optional_bool(bounds, "low_inclusive", "answer_key.range.low_inclusive", default=True)
    high_in = optional_bool(bounds, "high_inclusive", "answer_key.range.high_inclusive", default=True)
    if low > high or (low == high and not (low_in and high_in)):
        raise InvalidQuestionConfigError(field="answer_key.range", message="The range is empty.")


def _validate_units(answer_key: Mapping[str, Any]) -> None:
    units = answer_key.get("units")
    if units is None:
        if answer_key.get("unit_penalty") is not None:
            raise InvalidQuestionConfigError(field="answer_key.unit_penalty", message="Needs units.")
        return
    if not isinstance(units, list | tuple) or not units:
        raise InvalidQuestionConfigError(field="answer_key.units", message="Must be a non-empty list.")
    names: set[str] = set()
    for index, unit in enumerate(units):
        where = f"answer_key.units[{index}]"
        require_mapping(unit, where)
        name = unit.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 50 or _NUMBER.match(name.strip()):
            raise InvalidQuestionConfigError(field=f"{where}.name", message="Must be a short unit name.")
        if name.strip() in names:
            raise InvalidQuestionConfigError(field=f"{where}.name", message=f"Duplicate unit {name!r}.")
        names.add(name.strip())
        multiplier = _finite(unit.get("multiplier", 1), f"{where}.multiplier")
        if multiplier <= 0:
            raise InvalidQuestionConfigError(field=f"{where}.multiplier", message="Must be positive.")
    penalty = optional_number(answer_key, "unit_penalty", "answer_key.unit_penalty")
    if penalty is not None and not 0 <= penalty <= 1:
        raise InvalidQuestionConfigError(field="answer_key.unit_penalty", message="Must be between 0 and 1.")


@dataclass(frozen=True, slots=True)
class _Key:
    value: Fraction | None
    tolerance: Fraction | None  # absolute amount; None = capa default (relative to max(|a|, |v|))
    low: Fraction | None = None
    high: Fraction | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    units: tuple[tuple[str, Fraction], ...] = ()  # longest name first, so "cm" is tried before "m"
    unit_penalty: float | None = None
    base_multiplier: Fraction = Fraction(1)


def _exact(number: Any) -> Fraction:
    return Fraction(repr(float(number))) if isinstance(number, float) else Fraction(number)


def _build(part: QuestionPart) -> _Key:
    built = _build_value(part)
    units = part.answer_key.get("units")
    if not units:
        return built
    return _Key(
        value=built.value,
        tolerance=built.tolerance,
        low=built.low,
        high=built.high,
        low_inclusive=built.low_inclusive,
        high_inclusive=built.high_inclusive,
        units=tuple(
            sorted(((u["name"].strip(), _exact(u.get("multiplier", 1))) for u in units), key=lambda unit: -len(unit[0]))
        ),
        unit_penalty=part.answer_key.get("unit_penalty"),
        base_multiplier=_exact(units[0].get("multiplier", 1)),
    )


def _build_value(part: QuestionPart) -> _Key:
    key = part.answer_key
    if "range" in key:
        bounds = key["range"]
        return _Key(
            value=None,
            tolerance=None,
            low=_exact(bounds["low"]),
            high=_exact(bounds["high"]),
            low_inclusive=bounds.get("low_inclusive", True),
            high_inclusive=bounds.get("high_inclusive", True),
        )
    value = _exact(key["value"])
    tolerance = key.get("tolerance")
    if tolerance is None:
        return _Key(value=value, tolerance=None)
    amount = _exact(tolerance)
    if key.get("tolerance_mode", "absolute") == "percent":
        amount = amount / 100 * abs(value)
    return _Key(value=value, tolerance=amount)


def is_within(key: _Key, number: Fraction) -> bool:
    if key.value is None:
        assert key.low is not None and key.high is not None  # a range key has both bounds
        above = number >= key.low if key.low_inclusive else number > key.low
        below = number <= key.high if key.high_inclusive else number < key.high
        return above and below
    tolerance = key.tolerance
    if tolerance is None:
        tolerance = DEFAULT_RELATIVE_TOLERANCE * max(abs(number), abs(key.value))
    return abs(number - key.value) <= tolerance


def _grade_with_units(key: _Key, answer: Any, field: str) -> GradeResult:
    """Grade an answer that may carry a unit (see the module docstring)."""
    text = answer.strip() if isinstance(answer, str) else answer
    multiplier: Fraction | None = key.base_multiplier  # a bare number is in the first unit's terms
    unit_given = False
    if isinstance(text, str) and not _NUMBER.fullmatch(text):
        for name, factor in key.units:
            rest = text[: -len(name)] if text.endswith(name) else text[len(name) :] if text.startswith(name) else None
            if rest is not None and _NUMBER.fullmatch(rest.strip()):
                text, multiplier, unit_given = rest.strip(), factor, True
                break
        else:
            match = _NUMBER.match(text)
            if match is not None and match.end() < len(text):  # a number followed by an unknown unit
                text, multiplier = text[: match.end()], None
    number = parse_number(text, field=field)
    if number is None:
        return _INCORRECT_NOT_FINITE
    if unit_given:
        assert multiplier is not None
        return CORRECT if is_within(key, number / multiplier) else INCORRECT
    if multiplier is None and key.unit_penalty is None:
        return INCORRECT
    if not is_within(key, number / key.base_multiplier):
        return INCORRECT
    if key.unit_penalty is None:
        return CORRECT
    score = 1.0 - float(key.unit_penalty)
    return GradeResult(score=score, correct=score >= 1.0, feedback_keys=("unit",))


def grade(part: QuestionPart, answer: Any) -> GradeResult:
    key: _Key = part._compiled or compiled(part, _build)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return UNANSWERED
    if key.units:
        return _grade_with_units(key, answer, part.id)
    number = parse_number(answer, field=part.id)
    if number is None:
        return _INCORRECT_NOT_FINITE
    return CORRECT if is_within(key, number) else INCORRECT


def public_view(part: QuestionPart, seed: Any = None) -> dict[str, Any]:
    return {}


#: Text or a JSON number. Text that is not a number is stored (a learner's typing is never lost) and graded
#: as unreadable; its length is bounded here.
ANSWER_SCHEMA = {"type": ["string", "number"], "maxLength": MAX_ANSWER_LENGTH}


QUESTION_TYPE = QuestionType(
    name=NAME,
    label="Numeric",
    validate=validate,
    grade=grade,
    public_view=public_view,
    answer_schema=ANSWER_SCHEMA,
    description="A number within a tolerance or a range (capa numericalresponse).",
)
