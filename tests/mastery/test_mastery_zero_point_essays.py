"""
Regression (issue 15): a 0-point extended-text part (an essay no grader scores) counted as a wrong answer in the
learner's mastery, live and in a replay, so writing an essay pulled a learner away from mastering the objective.
A response worth no points is no evidence of mastery either way.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.assessments.api_builders import COURSE, OBJECTIVE_A, SUBTOPIC, config, learner, mc, sync_course
from ve_edu_vault.assessments import api
from ve_edu_vault.mastery import api as mastery

pytestmark = pytest.mark.django_db

ESSAY = {
    "title": "Essay",
    "prompt": "<p>Explain why Paris is the capital.</p>",
    "points": 0,
    "parts": [{"id": "p0", "type": "extended_text", "config": {}, "answer_key": {}}],
}


def test_a_zero_point_essay_is_no_mastery_evidence(make_user: Any) -> None:
    from ve_edu_vault.questions import api as questions

    sync_course()
    ids = [
        questions.create_question(COURSE, content=mc(), node_usage_key=OBJECTIVE_A).id,
        questions.create_question(COURSE, content=ESSAY, node_usage_key=OBJECTIVE_A).id,
    ]
    created = api.create_assessment(COURSE, node_usage_key=SUBTOPIC, title="Essay quiz", config=config(ids))
    student = learner(make_user)
    with override_settings(VE_EDU_VAULT_MASTERY_POLICY={"policy": "k_of_n", "params": {"k": 1, "n": 1}}):
        view = api.start_attempt(created.id, student)
        by_title = {item.question["title"]: item.response_id for item in view.questions}
        answers = {str(by_title["Capital"]): {"p0": "a"}, str(by_title["Essay"]): {"p0": "Because."}}
        api.save_answers(view.id, user=student, answers=answers)
        api.submit_attempt(view.id, user=student)
        state = {item.objective_key: item for item in mastery.get_learner_mastery(COURSE, student)}[str(OBJECTIVE_A)]
        # Only the multiple choice is evidence: 1 of the last 1 right, mastered (the essay made it 0 of the last 1).
        assert state.evidence_count == 1 and state.mastered
        mastery.recompute(COURSE, student)  # the replay reads the stored responses: the same
        state = {item.objective_key: item for item in mastery.get_learner_mastery(COURSE, student)}[str(OBJECTIVE_A)]
        assert state.evidence_count == 1 and state.mastered
