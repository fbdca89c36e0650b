"""
Validation of stored or submitted assessment configuration (JSON) into frozen ``AssessmentConfig``.

TLDR: every value that reaches the attempt engine passes here first, so the engine never has to
re-check types or ranges. Each failure raises ``InvalidAssessmentConfig`` whose ``field`` names
the offending value as the client sent it (``"selection.count"``, ``"pass_threshold"``), so a
REST layer can point the author at the exact input.

Decisions:

- Missing keys take the dataclass defaults, so old stored configs stay readable when a field is
  added. Unknown keys are rejected (a typo such as ``"pass_treshold"`` must not be silently
  dropped and replaced by a default).
- Types are strict JSON types: booleans are not numbers, numbers are not booleans, whole-number
  fields refuse ``2.5``. Enums are given by value (``"random"``), or as the enum member itself.
- Datetimes are ISO 8601 strings (or ``datetime`` objects) and come out timezone-aware in UTC.
  A value without an offset is read as UTC, as Open edX stores every date in UTC.
- Rules that depend on the selection mode are checked only for that mode: a fixed selection
  needs ``question_ids``; a random one needs ``count >= 1`` (and ``tags`` when drawing per tag).
  Fields irrelevant to the mode are kept as given, so switching mode back loses nothing.
- No Django here (the import-linter's pure-core contract): messages are plain English; the REST
  layer may translate them by ``field``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from ve_edu_vault.assessments.data import (
    Accommodation,
    AssessmentConfig,
    DrawPer,
    FeedbackPolicy,
    InvalidAssessmentConfig,
    QuestionBehaviour,
    ScoringMethod,
    SelectionMode,
    SelectionRule,
)

__all__ = ["parse_accommodation", "parse_config", "parse_datetime", "parse_selection"]

_E = TypeVar("_E", bound=enum.Enum)

_CONFIG_KEYS = frozenset(f.name for f in fields(AssessmentConfig))
_SELECTION_KEYS = frozenset(f.name for f in fields(SelectionRule))
_ACCOMMODATION_KEYS = frozenset(f.name for f in fields(Accommodation))


def parse_config(data: Mapping[str, Any]) -> AssessmentConfig:
    """Validate ``data`` (the JSON of ``AssessmentConfig.to_dict()``, possibly partial) into a config."""
    _mapping(data, "config")
    _reject_unknown(data, _CONFIG_KEYS, prefix="")
    defaults = AssessmentConfig()
    values: dict[str, Any] = {}

    if "selection" in data:
        values["selection"] = parse_selection(data["selection"])
    for name in (
        "shuffle_questions",
        "shuffle_choices",
        "use_course_dates",
        "close_date_cuts_time",
        "hints_enabled",
        "graded",
    ):
        if name in data:
            values[name] = _bool(data[name], name)
    for name in ("attempt_limit", "time_limit_minutes"):
        if name in data:
            values[name] = _optional_int(data[name], name, minimum=1)
    if "grace_seconds" in data:
        values["grace_seconds"] = _int(data["grace_seconds"], "grace_seconds", minimum=0)
    if "max_tries" in data:
        values["max_tries"] = _int(data["max_tries"], "max_tries", minimum=1)
    for name in ("opens_at", "closes_at"):
        if name in data:
            values[name] = None if data[name] is None else parse_datetime(data[name], name)
    for name in ("pass_threshold", "try_penalty", "hint_penalty"):
        if name in data:
            values[name] = _fraction(data[name], name)
    if "scoring" in data:
        values["scoring"] = _enum(ScoringMethod, data["scoring"], "scoring")
    if "behaviour" in data:
        values["behaviour"] = _enum(QuestionBehaviour, data["behaviour"], "behaviour")
    if "feedback" in data:
        values["feedback"] = _enum(FeedbackPolicy, data["feedback"], "feedback")

    opens_at = values.get("opens_at", defaults.opens_at)
    closes_at = values.get("closes_at", defaults.closes_at)
    if opens_at is not None and closes_at is not None and opens_at >= closes_at:
        raise InvalidAssessmentConfig("closes_at", "The close date must be after the open date.")
    if "selection" not in values:
        # The default rule (fixed, no questions) is not a usable assessment: say so by name.
        values["selection"] = parse_selection({})
    return AssessmentConfig(**values)


def parse_selection(data: Any) -> SelectionRule:
    """Validate the ``selection`` object; fields are reported as ``selection.<name>``."""
    _mapping(data, "selection")
    _reject_unknown(data, _SELECTION_KEYS, prefix="selection.")
    mode = _enum(SelectionMode, data.get("mode", SelectionMode.FIXED), "selection.mode")
    per = _enum(DrawPer, data.get("per", DrawPer.NONE), "selection.per")
    question_ids = _ids(data.get("question_ids", ()), "selection.question_ids")
    tags = _tags(data.get("tags", ()), "selection.tags")
    count = _int(data.get("count", 0), "selection.count", minimum=0)
    pool_node = data.get("pool_node")
    if pool_node is not None and (not isinstance(pool_node, str) or not pool_node.strip()):
        raise InvalidAssessmentConfig("selection.pool_node", "Must be a usage key (text) or null.")
    avoid_seen = _bool(data.get("avoid_seen", True), "selection.avoid_seen")
    avoid_seen_in_course = _bool(data.get("avoid_seen_in_course", False), "selection.avoid_seen_in_course")

    if mode is SelectionMode.FIXED and not question_ids:
        raise InvalidAssessmentConfig("selection.question_ids", "A fixed selection needs at least one question.")
    if mode is SelectionMode.RANDOM:
        if count < 1:
            raise InvalidAssessmentConfig("selection.count", "A random selection draws at least 1 question.")
        if per is DrawPer.TAG and not tags:
            raise InvalidAssessmentConfig("selection.tags", "Drawing per tag needs at least one tag.")
    return SelectionRule(
        mode=mode,
        question_ids=question_ids,
        pool_node=pool_node,
        count=count,
        per=per,
        tags=tags,
        avoid_seen=avoid_seen,
        avoid_seen_in_course=avoid_seen_in_course,
    )


def parse_accommodation(data: Mapping[str, Any]) -> Accommodation:
    """
    Validate a learner's accommodation.

    ``time_multiplier`` is at least 1: an accommodation only ever gives more time (less time is a
    different time limit, not an accommodation).
    """
    _mapping(data, "accommodation")
    _reject_unknown(data, _ACCOMMODATION_KEYS, prefix="")
    values: dict[str, Any] = {}
    if "extra_minutes" in data:
        values["extra_minutes"] = _int(data["extra_minutes"], "extra_minutes", minimum=0)
    if "extra_attempts" in data:
        values["extra_attempts"] = _int(data["extra_attempts"], "extra_attempts", minimum=0)
    if "time_multiplier" in data:
        value = _number(data["time_multiplier"], "time_multiplier")
        if value < 1.0:
            raise InvalidAssessmentConfig("time_multiplier", "Must be at least 1 (an accommodation adds time).")
        values["time_multiplier"] = value
    return Accommodation(**values)


def parse_datetime(value: Any, field_name: str) -> datetime:
    """An ISO 8601 string or a ``datetime`` as an aware UTC datetime (no offset means UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidAssessmentConfig(
                field_name, "Must be an ISO 8601 date and time, e.g. 2025-01-31T17:00:00Z."
            ) from None
    else:
        raise InvalidAssessmentConfig(field_name, "Must be an ISO 8601 date and time, e.g. 2025-01-31T17:00:00Z.")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --- small typed readers; each names the field it fails on ---------------------------------


def _mapping(value: Any, field_name: str) -> None:
    if not isinstance(value, Mapping):
        raise InvalidAssessmentConfig(field_name, "Must be an object.")


def _reject_unknown(data: Mapping[str, Any], known: frozenset[str], *, prefix: str) -> None:
    for key in data:
        if key not in known:
            raise InvalidAssessmentConfig(f"{prefix}{key}", f"Unknown setting {prefix}{key!s}.")


def _bool(value: Any, field_name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidAssessmentConfig(field_name, "Must be true or false.")
    return value


def _int(value: Any, field_name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAssessmentConfig(field_name, "Must be a whole number.")
    if value < minimum:
        raise InvalidAssessmentConfig(field_name, f"Must be at least {minimum}.")
    return value


def _optional_int(value: Any, field_name: str, *, minimum: int) -> int | None:
    if value is None:
        return None
    return _int(value, field_name, minimum=minimum)


def _number(value: Any, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidAssessmentConfig(field_name, "Must be a number.")
    return float(value)


def _fraction(value: Any, field_name: str) -> float:
    number = _number(value, field_name)
    if not 0.0 <= number <= 1.0:
        raise InvalidAssessmentConfig(field_name, "Must be between 0 and 1.")
    return number


def _enum(enum_cls: type[_E], value: Any, field_name: str) -> _E:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(repr(member.value) for member in enum_cls)
        raise InvalidAssessmentConfig(field_name, f"Must be one of {allowed}.") from None


def _ids(value: Any, field_name: str) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidAssessmentConfig(field_name, "Must be a list of question ids.")
    seen: set[int] = set()
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int) or item < 1:
            raise InvalidAssessmentConfig(field_name, f"Item {index} is not a question id (a positive whole number).")
        if item in seen:
            raise InvalidAssessmentConfig(field_name, f"Question {item} is listed twice.")
        seen.add(item)
    return tuple(value)


def _tags(value: Any, field_name: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidAssessmentConfig(field_name, "Must be a list of tags.")
    seen: set[str] = set()
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise InvalidAssessmentConfig(field_name, f"Item {index} is not a tag (non-empty text).")
        if item in seen:
            raise InvalidAssessmentConfig(field_name, f"Tag {item!r} is listed twice.")
        seen.add(item)
    return tuple(value)
