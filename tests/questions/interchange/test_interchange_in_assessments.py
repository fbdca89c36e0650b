"""
Imported questions in an assessment: an imported essay (extended text) is answered and kept, scores nothing
and weighs nothing (0 points); the imported Moodle questions grade as Moodle graded them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "assessments"))
from api_builders import COURSE, OBJECTIVE_A, SUBTOPIC, config, learner, sync_course

from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.questions import api as questions

pytestmark = [pytest.mark.django_db]

GIFT = b"""$CATEGORY: $course$/top/Quiz

::Essay::Describe your week.{}

::Pi::What is pi to two decimals?{#3.14:0.005}
"""


def test_an_imported_essay_is_answered_but_weighs_nothing(make_user: Any):
    sync_course()
    report = questions.import_questions(COURSE, GIFT, "week.gift", node_usage_key=str(OBJECTIVE_A))
    ids = {entry["title"]: entry["id"] for entry in report.created}
    assessment = assessments.create_assessment(COURSE, node_usage_key=SUBTOPIC, title="Imported",
                                               config=config([ids["Essay"], ids["Pi"]]))  # fmt: skip
    student = learner(make_user)
    view = assessments.start_attempt(assessment.id, student)
    by_title = {item.question["title"]: item for item in view.questions}
    essay = by_title["Essay"]
    assert essay.question["parts"][0]["type"] == "extended_text"
    answers = {str(essay.response_id): {"part_0": "Busy."}, str(by_title["Pi"].response_id): {"part_0": "3.141"}}
    assessments.save_answers(view.id, user=student, answers=answers)
    result = assessments.submit_attempt(view.id, user=student)
    graded = {item.question["title"]: item for item in result.questions}
    assert graded["Essay"].answer == {"part_0": "Busy."} and graded["Essay"].score == 0.0
    assert result.points_possible == pytest.approx(1.0) and result.points_earned == pytest.approx(1.0)
    assert result.score == pytest.approx(1.0)
