"""
Content stored before author HTML was cleaned is served clean (issue 18, item 3; ADR 0010).

Versions are immutable and were stored as typed: these tests write one straight through the question
repository (no cleaning, as old rows are), and a response's grader feedback straight into its row,
then read them the way learners and Studio do. Every author-HTML field reaches the views cleaned,
while the stored version keeps its original text (nothing is rewritten).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_builders import COURSE, learner, staff
from xss_payloads import VECTOR_MARKERS, hostile_content

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Response
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import NewVersion
from ve_edu_vault.questions.repositories import get_repository

pytestmark = [pytest.mark.both_hosts, pytest.mark.django_db]


def raw_question() -> int:
    """A question stored as typed, bypassing the api's cleaning (how versions stored before it look)."""
    content = QuestionContent.from_dict(hostile_content())
    return get_repository().create(course_key=COURSE, version=NewVersion.from_content(content)).id


def _without_titles(value: Any) -> Any:
    """The title is plain text, rendered as text everywhere; it is never cleaned (it would show "&lt;")."""
    if isinstance(value, dict):
        return {key: _without_titles(item) for key, item in value.items() if key != "title"}
    if isinstance(value, list | tuple):
        return [_without_titles(item) for item in value]
    return value


def assert_served_clean(value: Any) -> None:
    text = json.dumps(_without_titles(value), default=str).lower()
    assert [marker for marker in VECTOR_MARKERS if marker in text] == []


def _assessment(author: Any, question_id: int, **overrides: Any) -> Any:
    config = {
        "selection": {"mode": "fixed", "question_ids": [question_id]},
        "behaviour": "deferred",
        "feedback": "after_submission",
        "hints_enabled": True,
        **overrides,
    }
    return api.create_assessment(COURSE, node_usage_key=None, title="Quiz", config=config, author=author)


def test_a_raw_stored_version_stays_raw_in_storage() -> None:
    question_id = raw_question()
    stored = questions.get_question(question_id).current_version
    assert "onerror" in stored.content["prompt"]  # no rewrite of history: ADR 0010
    assert_served_clean(stored.to_content().to_dict())  # every read is cleaned


def test_learner_views_of_a_raw_version_are_clean(make_user: Any) -> None:
    author, student = staff(make_user), learner(make_user)
    assessment = _assessment(author, raw_question())
    view = api.start_attempt(assessment.id, student)
    question = view.questions[0]
    assert_served_clean(question.question)
    assert "BOLDMARK" in question.question["prompt"] and "CHOICEMARK" in json.dumps(question.question)
    hinted = api.request_hint(view.id, user=student, response_id=question.response_id)
    assert hinted.hints and "HINTMARK" in hinted.hints[0]
    assert_served_clean(hinted.hints)
    api.save_answers(view.id, user=student, answers={str(question.response_id): {"p0": "a", "p1": ["x"], "p2": "o1"}})
    result = api.submit_attempt(view.id, user=student)
    released = result.questions[0]
    assert "EXPLMARK" in (released.explanation or "") and "FEEDMARK" in json.dumps(released.feedback)
    assert_served_clean([released.explanation, released.feedback, released.question, released.hints])


def test_grader_feedback_stored_raw_in_a_response_is_served_clean(make_user: Any) -> None:
    author, student = staff(make_user), learner(make_user)
    question_id = questions.create_question(COURSE, content=hostile_content()).id
    assessment = _assessment(author, question_id)
    view = api.start_attempt(assessment.id, student)
    response_id = view.questions[0].response_id
    api.save_answers(view.id, user=student, answers={str(response_id): {"p0": "a", "p1": ["x"], "p2": "o1"}})
    api.submit_attempt(view.id, user=student)
    # A response graded before cleaning existed holds the author's feedback as typed.
    row = Response.objects.get(pk=response_id)
    row.feedback = {**row.feedback, "feedback": {"a": '<img src="x" onerror="window.__xss=1">OLDFEED'}}
    row.save(update_fields=["feedback"])
    result = api.get_attempt_result(view.id, user=student)
    feedback = result.questions[0].feedback
    assert feedback is not None and feedback["feedback"]["a"] == '<img src="x">OLDFEED'


def test_studio_draw_preview_of_a_raw_version_is_clean(make_user: Any) -> None:
    assessment = _assessment(staff(make_user), raw_question())
    preview = api.preview_assessment(assessment.id)
    assert "BOLDMARK" in preview.questions[0].question["prompt"]
    assert_served_clean(preview.questions[0].question)
