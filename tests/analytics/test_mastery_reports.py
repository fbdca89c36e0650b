"""Mastery reports shaped like the outline (topic > subtopic > objective), per learner, and on the staff area."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from hosts.standalone_platform.backend import grant_course_role
from tests.assessments.api_builders import (
    COURSE,
    OBJECTIVE_A,
    OBJECTIVE_B,
    by_title,
    learner,
    make_assessment,
    right_answers,
)
from ve_edu_vault.analytics import api
from ve_edu_vault.assessments import api as assessments

pytestmark = pytest.mark.django_db


def take(assessment: Any, student: Any, *, right: bool) -> None:
    view = assessments.start_attempt(assessment.id, student)
    answers = right_answers(view)
    if not right:
        items = by_title(view)
        answers[str(items["Capital"].response_id)] = {"p0": "b"}
        answers[str(items["Blank"].response_id)] = {"p0": {"blank_0": "wrong"}}
        answers[str(items["Number"].response_id)] = {"p0": "0"}
    assessments.save_answers(view.id, user=student, answers=answers)
    assessments.submit_attempt(view.id, user=student)


@override_settings(VE_EDU_VAULT_MASTERY_POLICY={"policy": "k_of_n", "params": {"k": 1, "n": 1}})
def test_the_outline_rolls_objectives_up_into_subtopics_and_topics(make_user: Any, client: Any) -> None:
    created = make_assessment(block=None)
    strong, weak = learner(make_user, "strong"), learner(make_user, "weak")
    take(created, strong, right=True)
    take(created, weak, right=False)
    rows = {(row.kind, row.display_name): row for row in api.mastery_outline(COURSE)}
    assert [(r.kind, r.depth) for r in api.mastery_outline(COURSE)] == [
        ("topic", 0),
        ("subtopic", 1),
        ("objective", 2),
        ("objective", 2),
    ]
    a, b = rows[("objective", "A")], rows[("objective", "B")]
    assert (a.evidence, a.mastered, b.evidence, b.mastered) == (2, 1, 2, 1)
    assert a.policy == "Right in k of the last n answers"
    quiz, unit = rows[("subtopic", "Quiz")], rows[("topic", "Unit")]
    assert (quiz.evidence, quiz.mastered, quiz.objectives) == (4, 2, 2)
    assert (unit.evidence, unit.mastered, unit.share) == (4, 2, 0.5)
    mine = {item.objective_key: item.mastered for item in api.learner_mastery(COURSE, strong)}
    assert mine == {str(OBJECTIVE_A): True, str(OBJECTIVE_B): True}
    assert not any(item.mastered for item in api.learner_mastery(COURSE, weak))

    staff = make_user("teacher")
    grant_course_role(staff, COURSE)
    client.force_login(staff)
    page = client.get(f"/ve-edu-vault/courses/{COURSE}/staff/").content.decode()
    assert 'data-kind="topic"' in page and 'data-kind="subtopic"' in page
    assert "50%</span> (2 / 4)" in page and "50%</span> (1 / 2)" in page
