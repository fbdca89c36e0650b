"""Mastery reaches learners and teachers: the REST API, the staff page and the learner page's progress section."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from hosts.standalone_platform.backend import enroll
from tests.assessments.api_builders import COURSE, OBJECTIVE_A, OBJECTIVE_B, learner, make_assessment, right_answers
from ve_edu_vault.assessments import api

pytestmark = pytest.mark.django_db

API = f"/api/ve-edu-vault/v1/courses/{COURSE}/mastery/"


def graded(make_user: Any, name: str = "learner") -> Any:
    assessment = make_assessment()
    student = learner(make_user, name)
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    api.submit_attempt(view.id, user=student)
    return student


def staff_user(make_user: Any) -> Any:
    user = make_user("teacher")
    user.is_staff = True
    user.save()
    enroll(user, COURSE)
    return user


def test_a_learner_reads_their_own_progress_only(make_user: Any, client: Any) -> None:
    student = graded(make_user)
    make_user("other")
    client.force_login(student)
    reply = client.get(API)
    assert reply.status_code == 200
    rows = {row["objective_key"]: row for row in reply.json()["results"]}
    assert rows[str(OBJECTIVE_A)]["evidence_count"] == 2 and rows[str(OBJECTIVE_B)]["evidence_count"] == 1
    assert client.get(API, {"username": "other"}).status_code == 403
    assert client.get(f"{API}objectives/{quote(str(OBJECTIVE_A))}/").status_code == 403
    explanation = client.get(f"{API}objectives/{quote(str(OBJECTIVE_A))}/explanation/")
    assert explanation.status_code == 200 and len(explanation.json()["history"]) == 2


def test_staff_see_who_mastered_an_objective_and_why(make_user: Any, client: Any) -> None:
    graded(make_user)
    client.force_login(staff_user(make_user))
    report = client.get(f"{API}objectives/{quote(str(OBJECTIVE_B))}/")
    assert report.status_code == 200
    assert [row["username"] for row in report.json()["learners"]] == ["learner"]
    why = client.get(f"{API}objectives/{quote(str(OBJECTIVE_B))}/explanation/", {"username": "learner"})
    assert why.status_code == 200
    assert why.json()["summary"] and "#" in why.json()["history"][0]["explanation"]


def test_the_staff_page_lists_objectives_learners_and_an_explanation(make_user: Any, client: Any) -> None:
    graded(make_user)
    page = f"/ve-edu-vault/courses/{COURSE}/mastery/"
    client.force_login(staff_user(make_user))
    listing = client.get(page).content.decode()
    assert str(OBJECTIVE_A) in listing
    detail = client.get(page, {"objective": str(OBJECTIVE_A), "username": "learner"}).content.decode()
    assert "learner" in detail and "Response #" in detail


def test_the_staff_page_refuses_learners_with_a_plain_staff_only_403(make_user: Any, client: Any) -> None:
    # Regression (issue 15): a learner got a misleading 404 "No such course" for a course they are enrolled in.
    client.force_login(graded(make_user))
    response = client.get(f"/ve-edu-vault/courses/{COURSE}/mastery/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Staff only" in page and "No such course" not in page


def test_the_staff_page_names_policies_in_plain_words_and_is_styled(make_user: Any, client: Any) -> None:
    # Regression (issue 15): the page showed the raw policy id ``k_of_n`` and its class had no styles.
    graded(make_user)
    client.force_login(staff_user(make_user))
    page = client.get(f"/ve-edu-vault/courses/{COURSE}/mastery/").content.decode()
    assert "Right in k of the last n answers" in page and ">k_of_n<" not in page
    assert "ve_edu_vault/analytics/staff.css" in page
    assert f"/ve-edu-vault/courses/{COURSE}/staff/" in page  # linked from the staff area and back


def test_the_learner_page_shows_progress_per_objective(make_user: Any, client: Any) -> None:
    client.force_login(graded(make_user))
    page = client.get(f"/ve-edu-vault/courses/{COURSE}/assessments/").content.decode()
    assert "Progress per objective" in page
    assert f'data-objective-key="{OBJECTIVE_A}"' in page
