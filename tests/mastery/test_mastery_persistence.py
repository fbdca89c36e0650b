"""
Stored mastery: graded submissions update each learner's state per objective, with a history that explains it.

The expected states are hand-computed from the policies' rules (k of the last n; BKT's formulas), through the same
``assessments.api`` calls the learner pages make.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.assessments.api_builders import (
    COURSE,
    OBJECTIVE_A,
    OBJECTIVE_B,
    by_title,
    learner,
    make_assessment,
    right_answers,
)
from ve_edu_vault.assessments import api
from ve_edu_vault.course_sync.models import CourseNode
from ve_edu_vault.mastery import api as mastery
from ve_edu_vault.mastery.models import MasteryEvent, MasteryState

pytestmark = pytest.mark.django_db


def take(assessment: Any, student: Any, *, right: set[str]) -> Any:
    """One attempt answering the questions titled in ``right`` correctly and the others wrongly."""
    view = api.start_attempt(assessment.id, student)
    answers = dict(right_answers(view).items())
    titles = by_title(view)
    for title, item in titles.items():
        if title not in right:
            answers[str(item.response_id)] = {"p0": "b"} if title == "Capital" else {"p0": "0"}
            if title == "Blank":
                answers[str(item.response_id)] = {"p0": {"blank_0": "wrong"}}
    api.save_answers(view.id, user=student, answers=answers)
    api.submit_attempt(view.id, user=student)
    return view


def by_objective(student: Any) -> dict[str, Any]:
    return {item.objective_key: item for item in mastery.get_learner_mastery(COURSE, student)}


def test_k_of_n_states_follow_each_graded_response(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=5)
    student = learner(make_user)
    with override_settings(VE_EDU_VAULT_MASTERY_POLICY={"policy": "k_of_n", "params": {"k": 3, "n": 4}}):
        take(assessment, student, right={"Capital", "Blank"})  # A: 2 of 2 right; B: 0 of 1
        states = by_objective(student)
        assert not states[str(OBJECTIVE_A)].mastered and states[str(OBJECTIVE_A)].evidence_count == 2
        assert states[str(OBJECTIVE_B)].evidence_count == 1
        take(assessment, student, right={"Capital"})  # A: window (T, T, T, F) -> 3 of 4: mastered
        states = by_objective(student)
    assert states[str(OBJECTIVE_A)].mastered and states[str(OBJECTIVE_A)].evidence_count == 4
    assert not states[str(OBJECTIVE_B)].mastered
    assert "Mastered" in states[str(OBJECTIVE_A)].summary


def test_bkt_with_per_objective_parameters_matches_the_formula(make_user: Any) -> None:
    params = {"p_init": 0.3, "p_transit": 0.2, "p_slip": 0.1, "p_guess": 0.25, "mastery_threshold": 0.9}
    assessment = make_assessment(attempt_limit=5)
    CourseNode.objects.filter(usage_key=OBJECTIVE_B).update(vault_data={"mastery": {"policy": "bkt", "params": params}})
    student = learner(make_user)
    take(assessment, student, right={"Number"})
    take(assessment, student, right=set())

    expected = params["p_init"]
    for correct in (True, False):
        if correct:
            post = expected * 0.9 / (expected * 0.9 + (1 - expected) * 0.25)
        else:
            post = expected * 0.1 / (expected * 0.1 + (1 - expected) * 0.75)
        expected = post + (1 - post) * params["p_transit"]
    state = by_objective(student)[str(OBJECTIVE_B)]
    assert state.policy == "bkt"
    assert state.probability == pytest.approx(expected, abs=1e-12)
    assert by_objective(student)[str(OBJECTIVE_A)].policy == "k_of_n"  # the default elsewhere


def test_explanations_name_the_responses_that_moved_the_state(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=5)
    student = learner(make_user)
    first = take(assessment, student, right={"Capital", "Blank", "Number"})
    explained = mastery.explain(COURSE, student, str(OBJECTIVE_A))
    assert len(explained.history) == 2
    responses = {item.response_id for item in explained.history}
    assert responses == {by_title(first)["Capital"].response_id, by_title(first)["Blank"].response_id}
    assert all(f"#{item.response_id}" in item.explanation for item in explained.history)
    assert explained.summary


def test_who_has_mastered_an_objective(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=5)
    strong, weak = learner(make_user, "strong"), learner(make_user, "weak")
    with override_settings(VE_EDU_VAULT_MASTERY_POLICY={"policy": "k_of_n", "params": {"k": 1, "n": 1}}):
        take(assessment, strong, right={"Number"})
        take(assessment, weak, right=set())
        report = mastery.get_objective_mastery(COURSE, OBJECTIVE_B)
    assert report.mastered_count == 1
    assert [(item.username, item.mastered) for item in report.learners] == [("strong", True), ("weak", False)]


def test_recompute_replays_to_the_same_states_and_history(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=5)
    student = learner(make_user)
    take(assessment, student, right={"Capital"})
    take(assessment, student, right={"Capital", "Blank", "Number"})
    live = {row.node_id: row.state for row in MasteryState.objects.all()}
    events = list(MasteryEvent.objects.order_by("node_id", "sequence").values_list("response_id", "after"))
    assert mastery.recompute(COURSE, student) == 2
    assert {row.node_id: row.state for row in MasteryState.objects.all()} == live
    assert list(MasteryEvent.objects.order_by("node_id", "sequence").values_list("response_id", "after")) == events


def test_a_changed_policy_rebuilds_the_state_on_the_next_submission(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=5)
    student = learner(make_user)
    take(assessment, student, right={"Number"})
    CourseNode.objects.filter(usage_key=OBJECTIVE_B).update(vault_data={"mastery": {"policy": "bkt"}})
    take(assessment, student, right={"Number"})
    state = MasteryState.objects.get(node__usage_key=OBJECTIVE_B)
    assert state.policy == "bkt" and state.evidence_count == 2
    assert MasteryEvent.objects.filter(node__usage_key=OBJECTIVE_B).count() == 2
