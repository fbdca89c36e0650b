"""Validation of assessment configuration: every bad value is refused naming its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from ve_edu_vault.assessments.config_parsing import parse_accommodation, parse_config
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

FIXED = {"mode": "fixed", "question_ids": [3, 1, 2]}
RANDOM = {"mode": "random", "count": 2, "pool_node": "block-v1:x+y+z+type@chapter+block@a"}


def config(**overrides: Any) -> dict[str, Any]:
    return {"selection": FIXED, **overrides}


def test_minimal_fixed_config_takes_defaults() -> None:
    parsed = parse_config(config())
    assert parsed == AssessmentConfig(selection=SelectionRule(question_ids=(3, 1, 2)))


def test_full_config_round_trips_through_to_dict() -> None:
    original = AssessmentConfig(
        selection=SelectionRule(
            mode=SelectionMode.RANDOM, count=2, per=DrawPer.TAG, tags=("a", "b"), pool_node="node", avoid_seen=False
        ),
        shuffle_questions=True,
        shuffle_choices=True,
        attempt_limit=3,
        time_limit_minutes=30,
        grace_seconds=15,
        opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        closes_at=datetime(2025, 2, 1, tzinfo=UTC),
        use_course_dates=False,
        close_date_cuts_time=True,
        pass_threshold=0.75,
        scoring=ScoringMethod.AVERAGE,
        behaviour=QuestionBehaviour.INTERACTIVE,
        max_tries=3,
        try_penalty=0.1,
        feedback=FeedbackPolicy.AFTER_CLOSE,
        hints_enabled=False,
        hint_penalty=0.2,
        graded=False,
    )
    assert parse_config(original.to_dict()) == original
    assert AssessmentConfig.from_dict(original.to_dict()) == original


def test_enums_by_value_or_member() -> None:
    parsed = parse_config(config(scoring=ScoringMethod.LATEST, behaviour="immediate", feedback="never"))
    assert (parsed.scoring, parsed.behaviour, parsed.feedback) == (
        ScoringMethod.LATEST,
        QuestionBehaviour.IMMEDIATE,
        FeedbackPolicy.NEVER,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01T12:00:00Z", datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("2025-03-01T14:00:00+02:00", datetime(2025, 3, 1, 12, tzinfo=UTC)),
        ("2025-03-01T12:00:00", datetime(2025, 3, 1, 12, tzinfo=UTC)),  # no offset: UTC
        (datetime(2025, 3, 1, 7, tzinfo=timezone(timedelta(hours=-5))), datetime(2025, 3, 1, 12, tzinfo=UTC)),
    ],
)
def test_datetimes_become_aware_utc(value: Any, expected: datetime) -> None:
    parsed = parse_config(config(opens_at=value))
    assert parsed.opens_at == expected
    assert parsed.opens_at is not None and parsed.opens_at.utcoffset() == timedelta(0)


def test_null_dates_and_limits_are_allowed() -> None:
    parsed = parse_config(config(opens_at=None, closes_at=None, attempt_limit=None, time_limit_minutes=None))
    assert parsed.opens_at is parsed.closes_at is parsed.attempt_limit is parsed.time_limit_minutes is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        # shape and unknown keys
        ([1, 2], "config"),
        (config(pass_treshold=0.5), "pass_treshold"),
        (config(selection={**FIXED, "cnt": 2}), "selection.cnt"),
        ({"selection": "fixed"}, "selection"),
        # selection rules per mode
        ({}, "selection.question_ids"),
        (config(selection={"mode": "fixed", "question_ids": []}), "selection.question_ids"),
        (config(selection={"mode": "fixed", "question_ids": [1, 1]}), "selection.question_ids"),
        (config(selection={"mode": "fixed", "question_ids": [1, "2"]}), "selection.question_ids"),
        (config(selection={"mode": "fixed", "question_ids": [0]}), "selection.question_ids"),
        (config(selection={"mode": "fixed", "question_ids": [True]}), "selection.question_ids"),
        (config(selection={"mode": "fixed", "question_ids": "1,2"}), "selection.question_ids"),
        (config(selection={"mode": "lucky", "question_ids": [1]}), "selection.mode"),
        (config(selection={**RANDOM, "count": 0}), "selection.count"),
        (config(selection={"mode": "random"}), "selection.count"),
        (config(selection={**RANDOM, "count": 2.0}), "selection.count"),
        (config(selection={**RANDOM, "count": -1}), "selection.count"),
        (config(selection={**RANDOM, "per": "tag"}), "selection.tags"),
        (config(selection={**RANDOM, "per": "tag", "tags": ["a", "a"]}), "selection.tags"),
        (config(selection={**RANDOM, "per": "tag", "tags": [""]}), "selection.tags"),
        (config(selection={**RANDOM, "per": "chapter"}), "selection.per"),
        (config(selection={**RANDOM, "pool_node": ""}), "selection.pool_node"),
        (config(selection={**RANDOM, "pool_node": 5}), "selection.pool_node"),
        (config(selection={**RANDOM, "avoid_seen": "yes"}), "selection.avoid_seen"),
        (config(selection={**RANDOM, "avoid_seen_in_course": 1}), "selection.avoid_seen_in_course"),
        # limits
        (config(attempt_limit=0), "attempt_limit"),
        (config(attempt_limit=1.5), "attempt_limit"),
        (config(attempt_limit=True), "attempt_limit"),
        (config(time_limit_minutes=0), "time_limit_minutes"),
        (config(time_limit_minutes="30"), "time_limit_minutes"),
        (config(grace_seconds=-1), "grace_seconds"),
        (config(grace_seconds=None), "grace_seconds"),
        (config(max_tries=0), "max_tries"),
        # fractions
        (config(pass_threshold=1.01), "pass_threshold"),
        (config(pass_threshold=-0.1), "pass_threshold"),
        (config(pass_threshold=float("nan")), "pass_threshold"),
        (config(pass_threshold=True), "pass_threshold"),
        (config(pass_threshold="0.5"), "pass_threshold"),
        (config(try_penalty=1.5), "try_penalty"),
        (config(hint_penalty=-0.01), "hint_penalty"),
        # enums and booleans
        (config(scoring="best"), "scoring"),
        (config(behaviour="adaptive"), "behaviour"),
        (config(feedback="later"), "feedback"),
        (config(shuffle_questions=1), "shuffle_questions"),
        (config(graded=None), "graded"),
        # dates
        (config(opens_at="tomorrow"), "opens_at"),
        (config(closes_at=1735689600), "closes_at"),
        (config(opens_at="2025-02-01T00:00:00Z", closes_at="2025-01-01T00:00:00Z"), "closes_at"),
        (config(opens_at="2025-01-01T00:00:00Z", closes_at="2025-01-01T00:00:00Z"), "closes_at"),
    ],
)
def test_invalid_values_name_their_field(data: Any, field: str) -> None:
    with pytest.raises(InvalidAssessmentConfig) as raised:
        parse_config(data)
    assert raised.value.field == field
    assert raised.value.message
    assert raised.value.as_dict()["field"] == field


@pytest.mark.parametrize("threshold", [0, 0.0, 1, 1.0, 0.5])
def test_fraction_bounds_are_inclusive(threshold: float) -> None:
    assert parse_config(config(pass_threshold=threshold)).pass_threshold == float(threshold)


def test_fields_irrelevant_to_the_mode_are_kept() -> None:
    parsed = parse_config(config(selection={"mode": "random", "count": 1, "question_ids": [4, 5]}))
    assert parsed.selection.question_ids == (4, 5)
    parsed = parse_config(config(selection={**FIXED, "count": 0, "per": "tag"}))
    assert parsed.selection.per is DrawPer.TAG


def test_random_selection_without_pool_node_is_allowed() -> None:
    # The api decides the default pool (the assessment's own node).
    assert parse_config(config(selection={"mode": "random", "count": 1})).selection.pool_node is None


# --- accommodations ---------------------------------------------------------------------


def test_accommodation_defaults_and_values() -> None:
    assert parse_accommodation({}) == Accommodation()
    assert parse_accommodation({"extra_minutes": 15, "time_multiplier": 1.5, "extra_attempts": 2}) == Accommodation(
        extra_minutes=15, time_multiplier=1.5, extra_attempts=2
    )
    assert parse_accommodation({"time_multiplier": 2}).time_multiplier == 2.0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (None, "accommodation"),
        ({"extra_minutes": -1}, "extra_minutes"),
        ({"extra_minutes": 1.5}, "extra_minutes"),
        ({"time_multiplier": 0.9}, "time_multiplier"),
        ({"time_multiplier": 0}, "time_multiplier"),
        ({"time_multiplier": float("inf")}, "time_multiplier"),
        ({"time_multiplier": "2"}, "time_multiplier"),
        ({"extra_attempts": -1}, "extra_attempts"),
        ({"extra_attempts": False}, "extra_attempts"),
        ({"extra_time": 5}, "extra_time"),
    ],
)
def test_invalid_accommodation_names_its_field(data: Any, field: str) -> None:
    with pytest.raises(InvalidAssessmentConfig) as raised:
        parse_accommodation(data)
    assert raised.value.field == field
