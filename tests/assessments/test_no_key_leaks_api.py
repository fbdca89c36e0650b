"""
Learner safety at the api level: every return value, serialised as a client would get it, at every
stage, carries no answer key, no explanation and no hint before the feedback policy releases it.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
from api_builders import COURSE, EXPLANATION, HINTS, KEY_BLANK, KEY_NUMBER, by_title, learner, make_assessment
from django.utils import timezone

from ve_edu_vault.assessments import api

pytestmark = [pytest.mark.django_db]

KEYS = (KEY_BLANK, str(KEY_NUMBER))


def dump(value: Any) -> str:
    if isinstance(value, list):
        return json.dumps([dataclasses.asdict(item) for item in value], default=str)
    return json.dumps(dataclasses.asdict(value), default=str)


def assert_hidden(value: Any, *, hints_released: int = 0, explanation: bool = False) -> str:
    text = dump(value)
    for key in KEYS:
        assert key not in text, f"answer key {key} leaked: {text}"
    if not explanation:
        assert EXPLANATION not in text, f"explanation leaked: {text}"
    for hint in HINTS[hints_released:]:
        assert hint not in text, f"unreleased hint {hint} leaked: {text}"
    return text


def wrong_answers(view: Any) -> dict[str, Any]:
    questions = by_title(view)
    return {
        str(questions["Capital"].response_id): {"p0": "b"},
        str(questions["Blank"].response_id): {"p0": {"blank_0": "nope"}},
        str(questions["Number"].response_id): {"p0": "1"},
    }


def test_deferred_after_close_releases_nothing_until_close(make_user: Any) -> None:
    closes = timezone.now() + timedelta(days=2)
    assessment = make_assessment(feedback="after_close", closes_at=closes.isoformat())
    student = learner(make_user)
    assert_hidden(api.preview_assessment(assessment.id))
    view = api.start_attempt(assessment.id, student)
    assert_hidden(view)
    assert_hidden(api.save_answers(view.id, user=student, answers=wrong_answers(view)))
    capital = by_title(view)["Capital"]
    hinted = api.request_hint(view.id, user=student, response_id=capital.response_id)
    assert HINTS[0] in assert_hidden(hinted, hints_released=1)
    assert_hidden(api.get_attempt(view.id, user=student), hints_released=1)
    assert_hidden(api.get_current_attempt(assessment.id, student), hints_released=1)
    result = api.submit_attempt(view.id, user=student)
    assert not result.released
    assert_hidden(result, hints_released=1)
    assert_hidden(api.get_attempt_result(view.id, user=student), hints_released=1)
    assert_hidden(api.get_attempt(view.id, user=student), hints_released=1)
    assert_hidden(api.list_attempts(assessment.id, user=student))
    assert_hidden(api.list_learner_assessments(COURSE, student))
    # After the close date the review is released: explanations, but still never the keys.
    later = closes + timedelta(minutes=1)
    released = api.get_attempt_result(view.id, user=student, now=later)
    assert released.released and EXPLANATION in assert_hidden(released, hints_released=1, explanation=True)


def test_interactive_check_keeps_explanation_while_tries_remain(make_user: Any) -> None:
    assessment = make_assessment(behaviour="interactive", max_tries=3, feedback="immediately")
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    for title, answer in (("Capital", {"p0": "b"}), ("Blank", {"p0": {"blank_0": "nope"}}), ("Number", {"p0": "1"})):
        checked = api.check_answer(view.id, user=student, response_id=by_title(view)[title].response_id, answer=answer)
        assert checked.correct is False
        assert_hidden(checked)
    assert_hidden(api.get_attempt(view.id, user=student))
    result = api.submit_attempt(view.id, user=student)
    assert_hidden(result, explanation=True)


def test_immediate_with_after_submission_shows_no_feedback_during_attempt(make_user: Any) -> None:
    assessment = make_assessment(behaviour="immediate", feedback="after_submission")
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    checked = api.check_answer(
        view.id, user=student, response_id=by_title(view)["Blank"].response_id, answer={"p0": {"blank_0": "x"}}
    )
    assert checked.correct is None and checked.feedback is None and checked.score is None
    assert_hidden(checked)


def test_never_policy_hides_everything_after_submission(make_user: Any) -> None:
    assessment = make_assessment(feedback="never")
    student = learner(make_user)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=wrong_answers(view))
    result = api.submit_attempt(view.id, user=student)
    text = assert_hidden(result)
    assert '"score": null' in text
    assert_hidden(api.get_attempt(view.id, user=student))
    assert_hidden(api.list_learner_assessments(COURSE, student))
