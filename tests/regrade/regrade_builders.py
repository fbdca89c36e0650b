"""Builders for regrade tests: learners who answered the capital question before its key was corrected."""

from __future__ import annotations

from typing import Any

from tests.assessments.api_builders import by_title, learner, make_assessment, mc, right_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt, Response
from ve_edu_vault.questions import api as questions


def answered(assessment: Any, student: Any, capital: str) -> Any:
    """A graded attempt: right answers to the other questions, ``capital`` ("a" or "b") to the capital one."""
    view = api.start_attempt(assessment.id, student)
    answers = right_answers(view)
    answers[str(by_title(view)["Capital"].response_id)] = {"p0": capital}
    api.save_answers(view.id, user=student, answers=answers)
    api.submit_attempt(view.id, user=student)
    return view


def capital_question_id(assessment: Any) -> int:
    return int(assessment.config.selection.question_ids[0])


def correct_the_key(question_id: int, correct: str = "b") -> Any:
    """A new version of the capital question whose key says ``correct`` (the "corrected" key)."""
    content = mc()
    content["parts"][0]["answer_key"] = {"correct": correct}
    return questions.edit_question(question_id, content=content).current_version


def scenario(make_user: Any, answers: list[str], **overrides: Any) -> tuple[Any, list[Any], list[Any]]:
    """An assessment, one learner per answer, each with a graded attempt."""
    assessment = make_assessment(**overrides)
    students = [learner(make_user, f"learner{index}") for index in range(len(answers))]
    views = [answered(assessment, student, answer) for student, answer in zip(students, answers, strict=True)]
    return assessment, students, views


def snapshot() -> dict[str, dict[int, Any]]:
    """Every stored grade: responses and attempts."""
    return {
        "responses": {row[0]: row[1:] for row in Response.objects.values_list("id", "raw_score", "score", "correct")},
        "attempts": {
            row[0]: row[1:] for row in Attempt.objects.values_list("id", "earned", "possible", "score", "passed")
        },
    }
