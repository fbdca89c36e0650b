"""Windows, deadlines, grace and countdowns: exact instants and accommodations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ve_edu_vault.assessments.data import Accommodation, AssessmentConfig, SelectionRule
from ve_edu_vault.assessments.timing import (
    accepts_answers,
    attempt_deadline,
    effective_window,
    is_open,
    seconds_left,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)
NONE = Accommodation()


def cfg(**kw: object) -> AssessmentConfig:
    return AssessmentConfig(selection=SelectionRule(question_ids=(1,)), **kw)  # type: ignore[arg-type]


COURSE_START = T0 - timedelta(days=10)
COURSE_DUE = T0 + timedelta(days=10)
OWN_OPEN = T0 - timedelta(days=1)
OWN_CLOSE = T0 + timedelta(days=1)


@pytest.mark.parametrize(
    ("config", "course_start", "course_due", "expected"),
    [
        (cfg(), COURSE_START, COURSE_DUE, (COURSE_START, COURSE_DUE)),
        (cfg(), None, None, (None, None)),
        (cfg(opens_at=OWN_OPEN, closes_at=OWN_CLOSE), COURSE_START, COURSE_DUE, (OWN_OPEN, OWN_CLOSE)),
        (cfg(opens_at=OWN_OPEN), COURSE_START, COURSE_DUE, (OWN_OPEN, COURSE_DUE)),
        (cfg(closes_at=OWN_CLOSE), COURSE_START, COURSE_DUE, (COURSE_START, OWN_CLOSE)),
        (cfg(use_course_dates=False), COURSE_START, COURSE_DUE, (None, None)),
        (cfg(use_course_dates=False, closes_at=OWN_CLOSE), COURSE_START, COURSE_DUE, (None, OWN_CLOSE)),
    ],
)
def test_effective_window(
    config: AssessmentConfig,
    course_start: datetime | None,
    course_due: datetime | None,
    expected: tuple[datetime | None, datetime | None],
) -> None:
    assert effective_window(config, course_start=course_start, course_due=course_due) == expected


@pytest.mark.parametrize(
    ("limit", "accommodation", "closes_at", "cuts", "expected"),
    [
        # untimed
        (None, NONE, None, False, None),
        (None, NONE, T0 + 5 * MIN, False, None),  # a close date never silently becomes a deadline
        (None, NONE, T0 + 5 * MIN, True, T0 + 5 * MIN),
        (None, Accommodation(extra_minutes=30), None, True, None),
        # timed
        (60, NONE, None, False, T0 + 60 * MIN),
        (60, Accommodation(extra_minutes=15), None, False, T0 + 75 * MIN),
        (60, Accommodation(time_multiplier=1.5), None, False, T0 + 90 * MIN),
        (60, Accommodation(time_multiplier=1.5, extra_minutes=10), None, False, T0 + 100 * MIN),
        (7, Accommodation(time_multiplier=1.25), None, False, T0 + timedelta(seconds=525)),  # 8.75 min
        (1, Accommodation(time_multiplier=1.001), None, False, T0 + 60 * SEC),  # whole seconds
        # close date: cuts only when staff said so
        (60, NONE, T0 + 30 * MIN, False, T0 + 60 * MIN),
        (60, NONE, T0 + 30 * MIN, True, T0 + 30 * MIN),
        (60, NONE, T0 + 90 * MIN, True, T0 + 60 * MIN),  # later close date changes nothing
        (60, Accommodation(extra_minutes=60), T0 + 90 * MIN, True, T0 + 90 * MIN),
        (60, Accommodation(extra_minutes=60), T0 + 90 * MIN, False, T0 + 120 * MIN),
    ],
)
def test_attempt_deadline(
    limit: int | None,
    accommodation: Accommodation,
    closes_at: datetime | None,
    cuts: bool,
    expected: datetime | None,
) -> None:
    assert (
        attempt_deadline(
            started_at=T0,
            time_limit_minutes=limit,
            accommodation=accommodation,
            closes_at=closes_at,
            close_date_cuts_time=cuts,
        )
        == expected
    )


DEADLINE = T0 + 60 * MIN


@pytest.mark.parametrize(
    ("now", "deadline", "grace", "expected"),
    [
        (T0, None, 0, True),
        (T0 + timedelta(days=365), None, 0, True),
        (DEADLINE - SEC, DEADLINE, 0, True),
        (DEADLINE, DEADLINE, 0, True),  # the exact instant still counts
        (DEADLINE + timedelta(microseconds=1), DEADLINE, 0, False),
        (DEADLINE + 10 * SEC, DEADLINE, 10, True),  # end of grace, inclusive
        (DEADLINE + 11 * SEC, DEADLINE, 10, False),
        (DEADLINE + 5 * SEC, DEADLINE, 10, True),
    ],
)
def test_accepts_answers(now: datetime, deadline: datetime | None, grace: int, expected: bool) -> None:
    assert accepts_answers(now, deadline, grace) is expected


@pytest.mark.parametrize(
    ("now", "opens_at", "closes_at", "expected"),
    [
        (T0, None, None, True),
        (T0, T0, None, True),  # opens at the instant
        (T0 - SEC, T0, None, False),
        (T0, None, T0, False),  # closed at the instant
        (T0 - SEC, None, T0, True),
        (T0, T0 - MIN, T0 + MIN, True),
        (T0 + 2 * MIN, T0 - MIN, T0 + MIN, False),
        (T0 - 2 * MIN, T0 - MIN, T0 + MIN, False),
    ],
)
def test_is_open(now: datetime, opens_at: datetime | None, closes_at: datetime | None, expected: bool) -> None:
    assert is_open(now, opens_at, closes_at) is expected


@pytest.mark.parametrize(
    ("now", "deadline", "expected"),
    [
        (T0, None, None),
        (T0, T0 + 90 * SEC, 90),
        (T0, T0 + timedelta(seconds=89, milliseconds=1), 90),  # rounds up
        (T0, T0 + timedelta(milliseconds=1), 1),
        (T0, T0, 0),
        (T0 + MIN, T0, 0),  # never negative
    ],
)
def test_seconds_left(now: datetime, deadline: datetime | None, expected: int | None) -> None:
    assert seconds_left(now, deadline) == expected


def test_deadline_and_acceptance_together_with_accommodation() -> None:
    deadline = attempt_deadline(
        started_at=T0,
        time_limit_minutes=30,
        accommodation=Accommodation(time_multiplier=2.0),
        closes_at=T0 + 45 * MIN,
        close_date_cuts_time=False,
    )
    assert deadline == T0 + 60 * MIN
    assert accepts_answers(T0 + 50 * MIN, deadline, 0)  # after the close date, time not cut
    assert seconds_left(T0 + 50 * MIN, deadline) == 600
