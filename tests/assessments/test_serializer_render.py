"""``serializers.render`` (a shared serializer per class) gives exactly what a fresh serializer's ``.data`` gives."""

from __future__ import annotations

import json
from typing import Any

import pytest
from api_builders import learner, make_assessment, right_answers

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.rest_api.v1 import serializers as s

pytestmark = [pytest.mark.django_db]


def _same(serializer_class: Any, value: Any) -> dict[str, Any]:
    fresh = json.loads(json.dumps(serializer_class(value).data, default=str))
    shared = json.loads(json.dumps(s.render(serializer_class, value), default=str))
    assert shared == fresh
    return shared


def test_attempt_view_result_and_question_render_as_fresh_serializers(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment(attempt_limit=None)
    view = api.start_attempt(assessment.id, student)
    rendered = _same(s.AttemptViewSerializer, view)
    assert rendered["state"] == "in_progress" and len(rendered["questions"]) == 3
    _same(s.QuestionViewSerializer, view.questions[0])
    api.save_answers(view.id, user=student, answers=right_answers(view))
    result = api.submit_attempt(view.id, user=student)
    rendered = _same(s.AttemptResultSerializer, result)
    assert rendered["state"] == "graded" and rendered["score"] == pytest.approx(1.0)
    # A second learner's values through the same shared serializer: nothing carried over.
    other = learner(make_user, "other")
    second = api.start_attempt(assessment.id, other)
    assert _same(s.AttemptViewSerializer, second)["id"] == second.id != view.id


def test_only_the_declared_fields_are_rendered(make_user: Any) -> None:
    student = learner(make_user)
    view = api.start_attempt(make_assessment().id, student)
    rendered = s.render(s.AttemptViewSerializer, view)
    assert set(rendered) == set(s.AttemptViewSerializer().fields)
    assert set(rendered["questions"][0]) == set(s.QuestionViewSerializer().fields)
