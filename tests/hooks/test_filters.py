"""
The plugin's openedx-filters: each is a no-op without configuration and changes the outcome with a configured step.

The assessments pipeline calls these filters; its own tests cover the wiring end to end. Here each filter is run
directly, as openedx-filters' own test-suite does.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings
from openedx_filters.tooling import OpenEdxPublicFilter
from pipeline_steps import (
    BreakGrade,
    CurveGrade,
    Explode,
    LoseQuestions,
    NormaliseTextAnswers,
    PreventGradingWhenLocked,
    ReverseAndDropHidden,
    path,
)

from ve_edu_vault.hooks import AnswerGradingStarted, GradeComputed, QuestionsRenderStarted

CONTEXT = {"course_key": "course-v1:VE+Math+2025", "assessment_id": 7, "user_id": 3, "question_id": 11}
QUESTIONS = [{"id": 1, "prompt": "One"}, {"id": 2, "prompt": "Two", "hidden": True}, {"id": 3, "prompt": "Three"}]
GRADE = {"score": 0.5, "correct": False, "feedback": {"part_0/wrong": "Not quite."}}


@pytest.mark.parametrize(
    ("filter_class", "name"),
    [
        (QuestionsRenderStarted, "assessment.questions.render.started"),
        (AnswerGradingStarted, "assessment.answer.grading.started"),
        (GradeComputed, "assessment.grade.computed"),
    ],
)
def test_filter_types_follow_openedx_filters_naming(filter_class: type[OpenEdxPublicFilter], name: str) -> None:
    assert filter_class.filter_type == f"ve.edu.vault.learning.{name}.v1"
    # {Reverse DNS}.{Architecture Subdomain}.{Subject}.{Action}.{Major Version} (openedx-filters ADR 0004)
    pattern = r"ve\.edu\.vault\.learning\.assessment(\.[a-z_]+)+\.(started|computed)\.v[0-9]+"
    assert re.fullmatch(pattern, filter_class.filter_type)


def test_a_configuration_with_an_old_filter_name_stops_start_up_naming_the_new_one() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from ve_edu_vault import conf

    old = "org.openedx.learning.ve_edu_vault.assessment.grade.computed.v1"
    with (
        override_settings(OPEN_EDX_FILTERS_CONFIG={old: {"pipeline": []}}),
        pytest.raises(ImproperlyConfigured) as raised,
    ):
        conf.validate_settings()
    assert GradeComputed.filter_type in str(raised.value)
    with override_settings(OPEN_EDX_FILTERS_CONFIG={GradeComputed.filter_type: {"pipeline": []}}):
        conf.validate_settings()


@override_settings(OPEN_EDX_FILTERS_CONFIG={})
def test_without_configuration_every_filter_is_the_identity() -> None:
    assert QuestionsRenderStarted.run_filter(questions=QUESTIONS, context=CONTEXT) == QUESTIONS
    answer = {"part_0": "  Paris "}
    assert AnswerGradingStarted.run_filter(question_type="fill_in_blank", answer=answer, context=CONTEXT) is answer
    assert GradeComputed.run_filter(grade=GRADE, context=CONTEXT) == GRADE


def test_without_the_setting_at_all_every_filter_is_the_identity(settings: Any) -> None:
    if hasattr(settings, "OPEN_EDX_FILTERS_CONFIG"):
        del settings.OPEN_EDX_FILTERS_CONFIG
    assert QuestionsRenderStarted.run_filter(questions=QUESTIONS, context=CONTEXT) == QUESTIONS
    assert GradeComputed.run_filter(grade=GRADE, context=CONTEXT) == GRADE


def test_questions_render_started_step_reorders_drops_and_annotates() -> None:
    config = {QuestionsRenderStarted.filter_type: {"pipeline": [path(ReverseAndDropHidden)], "fail_silently": False}}
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        shown = QuestionsRenderStarted.run_filter(questions=QUESTIONS, context=CONTEXT)
    assert [view["id"] for view in shown] == [3, 1]
    assert {view["note"] for view in shown} == {"shown to user 3"}
    assert [view["id"] for view in QUESTIONS] == [1, 2, 3]  # the caller's list is untouched


def test_questions_render_started_ignores_output_that_is_not_a_list_of_views(caplog: pytest.LogCaptureFixture) -> None:
    config = {QuestionsRenderStarted.filter_type: {"pipeline": [path(LoseQuestions)], "fail_silently": False}}
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        shown = QuestionsRenderStarted.run_filter(questions=QUESTIONS, context=CONTEXT)
    assert shown == QUESTIONS
    assert "expected a list of dicts" in caplog.text


def test_answer_grading_started_step_normalises_the_answer() -> None:
    config = {AnswerGradingStarted.filter_type: [path(NormaliseTextAnswers)]}  # the list form of the setting
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        answer = AnswerGradingStarted.run_filter(
            question_type="fill_in_blank", answer={"part_0": "  Paris ", "part_1": None}, context=CONTEXT
        )
        untouched = AnswerGradingStarted.run_filter(
            question_type="multiple_choice", answer={"part_0": "choice_1"}, context=CONTEXT
        )
    assert answer == {"part_0": "paris", "part_1": None}
    assert untouched == {"part_0": "choice_1"}


def test_answer_grading_started_step_can_prevent_grading() -> None:
    config = {
        AnswerGradingStarted.filter_type: {
            "pipeline": [path(NormaliseTextAnswers), path(PreventGradingWhenLocked)],
            "fail_silently": True,  # halting exceptions propagate even when other errors are swallowed
        }
    }
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        assert AnswerGradingStarted.run_filter(
            question_type="fill_in_blank", answer={"part_0": " A "}, context=CONTEXT
        ) == {"part_0": "a"}
        with pytest.raises(AnswerGradingStarted.PreventGrading) as info:
            AnswerGradingStarted.run_filter(
                question_type="fill_in_blank", answer={"part_0": " A "}, context={**CONTEXT, "locked": True}
            )
    assert info.value.message == "This assessment is locked; your answer was not graded."
    assert str(info.value) == info.value.message


def test_grade_computed_step_curves_the_grade_with_extra_configuration() -> None:
    config = {GradeComputed.filter_type: {"pipeline": [path(CurveGrade)], "fail_silently": False, "bonus": 0.25}}
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        curved = GradeComputed.run_filter(grade=GRADE, context=CONTEXT)
        capped = GradeComputed.run_filter(grade={**GRADE, "score": 0.9}, context=CONTEXT)
    assert curved == {**GRADE, "score": 0.75, "curved": True}
    assert capped["score"] == 1.0
    assert GRADE["score"] == 0.5  # the caller's grade is untouched


def test_grade_computed_keeps_the_computed_grade_when_a_step_breaks_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = {GradeComputed.filter_type: {"pipeline": [path(BreakGrade)], "fail_silently": False}}
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        assert GradeComputed.run_filter(grade=GRADE, context=CONTEXT) == GRADE
    assert "not a grade" in caplog.text


def test_a_broken_step_is_skipped_by_default_and_raises_when_fail_silently_is_off() -> None:
    steps = [path(Explode), path(CurveGrade)]
    with override_settings(OPEN_EDX_FILTERS_CONFIG={GradeComputed.filter_type: {"pipeline": steps}}):
        assert GradeComputed.run_filter(grade=GRADE, context=CONTEXT)["score"] == pytest.approx(0.6)
    config = {GradeComputed.filter_type: {"pipeline": steps, "fail_silently": False}}
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config), pytest.raises(RuntimeError):
        GradeComputed.run_filter(grade=GRADE, context=CONTEXT)
