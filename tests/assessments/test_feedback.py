"""Release rules: each feedback policy x attempt state, per-question feedback, hints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ve_edu_vault.assessments.data import AttemptState, FeedbackPolicy, QuestionBehaviour
from ve_edu_vault.assessments.feedback import (
    hints_visible,
    next_hint_penalty,
    question_feedback_released,
    results_released,
    score_released,
    shown_hint_penalties,
)
from ve_edu_vault.questions.data import Hint

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
BEFORE_CLOSE = NOW + timedelta(hours=1)  # the close date is still ahead
AT_CLOSE = NOW  # the close date is this instant
AFTER_CLOSE = NOW - timedelta(hours=1)  # the close date has passed

P = FeedbackPolicy
S = AttemptState

# (policy, state, closes_at, results, score)
RELEASE_TABLE = [
    # in progress: never anything
    *[(policy, S.IN_PROGRESS, close, False, False) for policy in P for close in (None, BEFORE_CLOSE, AFTER_CLOSE)],
    # never: never anything
    *[(P.NEVER, state, close, False, False) for state in S for close in (None, AFTER_CLOSE)],
    # immediately / after submission: once finished; the score once graded
    *[
        (policy, state, close, True, state is S.GRADED)
        for policy in (P.IMMEDIATELY, P.AFTER_SUBMISSION)
        for state in (S.SUBMITTED, S.EXPIRED, S.GRADED)
        for close in (None, BEFORE_CLOSE, AFTER_CLOSE)
    ],
    # after close: finished AND the close date reached (inclusive)
    (P.AFTER_CLOSE, S.GRADED, BEFORE_CLOSE, False, False),
    (P.AFTER_CLOSE, S.GRADED, AT_CLOSE, True, True),
    (P.AFTER_CLOSE, S.GRADED, AFTER_CLOSE, True, True),
    (P.AFTER_CLOSE, S.SUBMITTED, BEFORE_CLOSE, False, False),
    (P.AFTER_CLOSE, S.SUBMITTED, AFTER_CLOSE, True, False),
    (P.AFTER_CLOSE, S.EXPIRED, BEFORE_CLOSE, False, False),
    (P.AFTER_CLOSE, S.EXPIRED, AFTER_CLOSE, True, False),
    # after close without a close date: as after submission (documented decision)
    (P.AFTER_CLOSE, S.GRADED, None, True, True),
    (P.AFTER_CLOSE, S.SUBMITTED, None, True, False),
    (P.AFTER_CLOSE, S.EXPIRED, None, True, False),
]


@pytest.mark.parametrize(("policy", "state", "closes_at", "results", "score"), RELEASE_TABLE)
def test_results_and_score_release(
    policy: FeedbackPolicy, state: AttemptState, closes_at: datetime | None, results: bool, score: bool
) -> None:
    assert results_released(policy, state=state, now=NOW, closes_at=closes_at) is results
    assert score_released(policy, state=state, now=NOW, closes_at=closes_at) is score


def test_release_table_covers_every_policy_and_state() -> None:
    assert {(row[0], row[1]) for row in RELEASE_TABLE} == {(policy, state) for policy in P for state in S}


B = QuestionBehaviour

# (policy, behaviour, checked, expected) during an attempt
DURING_ATTEMPT = [
    (P.IMMEDIATELY, B.IMMEDIATE, True, True),
    (P.IMMEDIATELY, B.INTERACTIVE, True, True),
    (P.IMMEDIATELY, B.DEFERRED, True, False),  # deferred has no check
    (P.IMMEDIATELY, B.IMMEDIATE, False, False),
    (P.IMMEDIATELY, B.INTERACTIVE, False, False),
    *[
        (policy, behaviour, checked, False)
        for policy in (P.AFTER_SUBMISSION, P.AFTER_CLOSE, P.NEVER)
        for behaviour in B
        for checked in (True, False)
    ],
]


@pytest.mark.parametrize(("policy", "behaviour", "checked", "expected"), DURING_ATTEMPT)
def test_question_feedback_during_attempt(
    policy: FeedbackPolicy, behaviour: QuestionBehaviour, checked: bool, expected: bool
) -> None:
    released = question_feedback_released(
        policy, behaviour=behaviour, state=S.IN_PROGRESS, checked=checked, now=NOW, closes_at=None
    )
    assert released is expected


FINISHED_ROWS = [
    (policy, state, closes_at, results)
    for policy, state, closes_at, results, _ in RELEASE_TABLE
    if state is not S.IN_PROGRESS
]


@pytest.mark.parametrize(("policy", "state", "closes_at", "results"), FINISHED_ROWS)
@pytest.mark.parametrize("behaviour", list(B))
@pytest.mark.parametrize("checked", [True, False])
def test_question_feedback_after_attempt_follows_results(
    policy: FeedbackPolicy,
    state: AttemptState,
    closes_at: datetime | None,
    results: bool,
    behaviour: QuestionBehaviour,
    checked: bool,
) -> None:
    released = question_feedback_released(
        policy, behaviour=behaviour, state=state, checked=checked, now=NOW, closes_at=closes_at
    )
    assert released is results


HINTS = (Hint(text="first", penalty=0.3), Hint(text="second"), Hint(text="third", penalty=0.0))


@pytest.mark.parametrize(
    ("shown", "texts"),
    [
        (0, ()),
        (1, ("first",)),
        (2, ("first", "second")),
        (3, ("first", "second", "third")),
        (9, ("first", "second", "third")),
        (-1, ()),
    ],
)
def test_hints_visible(shown: int, texts: tuple[str, ...]) -> None:
    assert hints_visible(HINTS, shown) == texts


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        (0, 0.3),  # the hint's own penalty
        (1, 0.1),  # no own penalty: the assessment's default
        (2, 0.0),  # an own penalty of 0 wins over the default
        (3, 0.0),  # no next hint: nothing to pay
        (-1, 0.0),
    ],
)
def test_next_hint_penalty(shown: int, expected: float) -> None:
    assert next_hint_penalty(HINTS, shown, 0.1) == expected


def test_shown_hint_penalties() -> None:
    assert shown_hint_penalties(HINTS, 0, 0.1) == ()
    assert shown_hint_penalties(HINTS, 2, 0.1) == (0.3, 0.1)
    assert shown_hint_penalties(HINTS, 5, 0.1) == (0.3, 0.1, 0.0)
    assert next_hint_penalty((), 0, 0.5) == 0.0
