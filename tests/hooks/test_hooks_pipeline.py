"""
The plugin's filters wired into the assessment flow: each pipeline step configured in settings changes the outcome.

Everything goes through ``assessments.api`` (start, save, submit, result), the way the REST views and pages call it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.assessments.api_builders import KEY_BLANK, by_title, learner, make_assessment, right_answers
from tests.hooks.pipeline_steps import (
    BreakGrade,
    CurveGrade,
    NormaliseTextAnswers,
    PreventGradingWhenLocked,
    RecordContext,
    ReverseAndDropHidden,
    path,
)
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt, Response
from ve_edu_vault.errors import ConflictError
from ve_edu_vault.hooks.filters import AnswerGradingStarted, GradeComputed, QuestionsRenderStarted

pytestmark = pytest.mark.django_db


class LockedAssessment(PreventGradingWhenLocked):
    """``PreventGradingWhenLocked`` as an operator would deploy it: this step's assessments are locked."""

    def run_filter(self, question_type: str, answer: Any, context: dict[str, Any]) -> dict[str, Any]:
        return super().run_filter(question_type, answer, {**context, "locked": True})


def pipeline(filter_class: Any, *steps: type, **extra: Any) -> dict[str, Any]:
    return {
        "OPEN_EDX_FILTERS_CONFIG": {
            filter_class.filter_type: {"fail_silently": False, "pipeline": [path(step) for step in steps], **extra}
        }
    }


def started(make_user: Any, **overrides: Any) -> tuple[Any, Any, Any]:
    assessment = make_assessment(**overrides)
    student = learner(make_user)
    return assessment, student, api.start_attempt(assessment.id, student)


def test_questions_render_started_reorders_and_annotates_the_learner_views(make_user: Any) -> None:
    _assessment, student, view = started(make_user)
    plain = [item.response_id for item in view.questions]
    with override_settings(**pipeline(QuestionsRenderStarted, ReverseAndDropHidden)):
        filtered = api.get_attempt(view.id, user=student)
    assert [item.response_id for item in filtered.questions] == list(reversed(plain))
    assert all(item.question["annotations"] == {"note": f"shown to user {student.pk}"} for item in filtered.questions)
    # Without the pipeline the same call is the identity.
    assert [item.response_id for item in api.get_attempt(view.id, user=student).questions] == plain


def test_a_render_step_cannot_release_grades_or_reach_other_responses(make_user: Any) -> None:
    _assessment, student, view = started(make_user)

    with override_settings(**pipeline(QuestionsRenderStarted, ReverseAndDropHidden)):
        shown = api.get_attempt(view.id, user=student)
    assert all(item.score is None and item.explanation is None for item in shown.questions)
    assert {item.response_id for item in shown.questions} <= {item.response_id for item in view.questions}


def test_answer_grading_started_normalises_the_answer_that_is_graded(make_user: Any) -> None:
    _assessment, student, view = started(make_user)
    blank = by_title(view)["Blank"].response_id
    shouted = {str(blank): {"p0": {"blank_0": f"  {KEY_BLANK.upper()}  "}}}
    # KEY_BLANK is upper case; the step lower-cases, so only a grader matching case-insensitively would accept it.
    api.save_answers(view.id, user=student, answers=shouted)
    with override_settings(**pipeline(AnswerGradingStarted, NormaliseTextAnswers)):
        api.submit_attempt(view.id, user=student)
    row = Response.objects.get(pk=blank)
    assert row.answer == {"p0": {"blank_0": f"  {KEY_BLANK.upper()}  "}}  # stored as the learner typed it
    assert row.correct is True


def test_answer_grading_started_without_the_step_grades_the_raw_answer(make_user: Any) -> None:
    _assessment, student, view = started(make_user)
    blank = by_title(view)["Blank"].response_id
    api.save_answers(view.id, user=student, answers={str(blank): {"p0": {"blank_0": "  nope  "}}})
    api.submit_attempt(view.id, user=student)
    assert Response.objects.get(pk=blank).correct is False


def test_prevent_grading_refuses_the_submission_and_records_nothing(make_user: Any) -> None:
    _assessment, student, view = started(make_user)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with override_settings(**pipeline(AnswerGradingStarted, LockedAssessment)), pytest.raises(ConflictError) as raised:
        api.submit_attempt(view.id, user=student)
    assert raised.value.code == "grading_prevented"
    assert raised.value.http_status == 409
    assert "locked" in raised.value.message
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.state == Attempt.IN_PROGRESS and attempt.score is None
    assert not Response.objects.filter(attempt_id=view.id, graded_at__isnull=False).exists()


def test_grade_computed_curves_the_stored_grade(make_user: Any) -> None:
    _assessment, student, view = started(make_user)
    number = by_title(view)["Number"].response_id
    with override_settings(**pipeline(GradeComputed, CurveGrade, bonus=0.25)):
        api.submit_attempt(view.id, user=student)  # nothing answered: every raw grade is 0, curved to 0.25
    row = Response.objects.get(pk=number)
    assert row.raw_score == pytest.approx(0.25) and row.score == pytest.approx(0.25)
    assert row.feedback["curved"] is True
    assert Attempt.objects.get(pk=view.id).score == pytest.approx(0.25)


def test_a_broken_grade_step_keeps_the_computed_grade(make_user: Any) -> None:
    _assessment, student, view = started(make_user)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with override_settings(**pipeline(GradeComputed, BreakGrade)):
        api.submit_attempt(view.id, user=student)
    assert Attempt.objects.get(pk=view.id).score == pytest.approx(1.0)


def test_rest_refusal_is_a_409_with_the_step_message(make_user: Any, client: Any) -> None:
    _assessment, student, view = started(make_user)
    client.force_login(student)
    with override_settings(**pipeline(AnswerGradingStarted, LockedAssessment)):
        reply = client.post(f"/api/ve-edu-vault/v1/attempts/{view.id}/submit/", content_type="application/json")
    assert reply.status_code == 409, reply.content
    assert reply.json()["error_code"] == "grading_prevented"
    assert "locked" in reply.json()["message"]


def test_checking_an_answer_gives_the_grading_filter_its_full_context(make_user: Any) -> None:
    assessment, student, view = started(make_user, behaviour="immediate")
    blank = by_title(view)["Blank"]
    RecordContext.seen.clear()
    with override_settings(**pipeline(AnswerGradingStarted, RecordContext)):
        api.check_answer(view.id, user=student, response_id=blank.response_id, answer={"p0": {"blank_0": "x"}})
    assert RecordContext.seen == [
        {
            "course_key": str(assessment.course_key),
            "assessment_id": assessment.id,
            "user_id": student.pk,
            "question_id": Response.objects.get(pk=blank.response_id).question_id,
        }
    ]
