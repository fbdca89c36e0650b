"""LMS REST endpoints of assessments: list, start, history, current, autosave, check, hint, submit, result."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_builders import API, COURSE, OTHER_COURSE, answers_for, learner, make_assessment, response_of, staff
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db]
BASE = f"{API}courses/{COURSE}/assessments/"


@pytest.fixture
def author(make_user: Any) -> Any:
    return staff(make_user)


@pytest.fixture
def student(make_user: Any) -> Any:
    return learner(make_user)


def test_take_an_assessment(author: Any, student: Any, jwt_client: Any) -> None:
    assessment = make_assessment(author)
    client = jwt_client(student)
    listed = client.get(BASE)
    assert listed.status_code == 200, listed.content
    assert [item["title"] for item in listed.json()["results"]] == ["Quiz"]
    attempts = f"{BASE}{assessment.id}/attempts/"
    none = client.get(f"{attempts}current/")  # no attempt in progress: 200 and null, not an error
    assert none.status_code == 200 and none.json() is None
    started = client.post(attempts)
    assert started.status_code == 201, started.content
    attempt = started.json()
    assert attempt["state"] == "in_progress" and len(attempt["questions"]) == 3
    assert client.get(f"{attempts}current/").json()["id"] == attempt["id"]
    url = f"{API}attempts/{attempt['id']}/"
    assert client.get(url).json()["id"] == attempt["id"]
    saved = client.patch(f"{url}answers/", {"answers": answers_for(attempt)}, format="json")
    assert saved.status_code == 200, saved.content
    mc = response_of(attempt, "Capital")
    assert next(q for q in saved.json()["questions"] if q["response_id"] == mc)["answer"] == {"p0": "a"}
    assert client.put(f"{url}answers/", {"answers": {}}, format="json").status_code == 200
    hint = client.post(f"{url}responses/{mc}/hint/")
    assert hint.status_code == 200 and hint.json()["hints"] == ["HINTMARKERONE"]
    assert hint.json()["hints_remaining"] == 1
    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] in ("submitted", "graded")
    result = client.get(f"{url}result/")
    assert result.status_code == 200 and result.json()["attempt_id"] == attempt["id"]
    history = client.get(attempts).json()
    assert history["count"] == 1 and history["results"][0]["id"] == attempt["id"]
    # submitting again answers the result; saving after submission is a conflict
    assert client.post(f"{url}submit/").status_code == 200
    assert client.patch(f"{url}answers/", {"answers": answers_for(attempt)}, format="json").status_code == 409


def test_check_in_immediate_behaviour(author: Any, student: Any, jwt_client: Any) -> None:
    assessment = make_assessment(author, behaviour="immediate", feedback="immediately")
    client = jwt_client(student)
    attempt = client.post(f"{BASE}{assessment.id}/attempts/").json()
    mc = response_of(attempt, "Capital")
    checked = client.post(
        f"{API}attempts/{attempt['id']}/responses/{mc}/check/", {"answer": {"p0": "a"}}, format="json"
    )
    assert checked.status_code == 200, checked.content
    assert checked.json()["correct"] is True and checked.json()["tries_left"] == 0
    again = client.post(f"{API}attempts/{attempt['id']}/responses/{mc}/check/", {"answer": {"p0": "a"}}, format="json")
    assert again.status_code in (400, 409)


def test_expired_attempt_submits_as_expiry(author: Any, student: Any, jwt_client: Any) -> None:
    from ve_edu_vault.assessments.models import Attempt

    assessment = make_assessment(author, time_limit_minutes=5)
    client = jwt_client(student)
    attempt = client.post(f"{BASE}{assessment.id}/attempts/").json()
    assert attempt["seconds_left"] is not None and attempt["seconds_left"] > 0
    Attempt.objects.filter(pk=attempt["id"]).update(deadline=timezone.now() - timedelta(seconds=30))
    submitted = client.post(f"{API}attempts/{attempt['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] in ("expired", "graded")


def test_permissions(author: Any, student: Any, make_user: Any, jwt_client: Any) -> None:
    assessment = make_assessment(author)
    attempt = jwt_client(student).post(f"{BASE}{assessment.id}/attempts/").json()
    attempt_url = f"{API}attempts/{attempt['id']}/"
    urls = [
        BASE,
        f"{BASE}{assessment.id}/attempts/",
        f"{BASE}{assessment.id}/attempts/current/",
        attempt_url,
        f"{attempt_url}result/",
    ]
    anonymous = APIClient()
    for url in urls:
        assert anonymous.get(url).status_code == 401, url
    outsider = jwt_client(make_user("outsider"))
    for url in urls:
        # the course's routes refuse; an attempt's id is unknown to anyone but its learner and staff
        assert outsider.get(url).status_code == (404 if url.startswith(attempt_url) else 403), url
    assert outsider.post(f"{BASE}{assessment.id}/attempts/").status_code == 403
    assert outsider.post(f"{attempt_url}submit/").status_code == 404
    # another learner of the course cannot read or act on someone else's attempt
    classmate = jwt_client(learner(make_user, "classmate"))
    assert classmate.get(attempt_url).status_code == 404
    assert classmate.post(f"{attempt_url}submit/").status_code == 404
    # a learner cannot act for someone else
    assert classmate.get(BASE, {"username": "learner"}).status_code == 403
    # an assessment of another course is not found under this course
    other = learner(make_user, "other_learner", OTHER_COURSE)
    assert (
        jwt_client(other).get(f"{API}courses/{OTHER_COURSE}/assessments/{assessment.id}/attempts/").status_code == 404
    )
    assert jwt_client(student).get(f"{API}attempts/999999/").status_code == 404


def test_staff_acts_for_a_learner(author: Any, student: Any, jwt_client: Any) -> None:
    assessment = make_assessment(author)
    client = jwt_client(author)
    as_learner = {"username": student.username}
    listed = client.get(BASE, as_learner)
    assert listed.status_code == 200 and listed.json()["results"][0]["attempts_used"] == 0
    started = client.post(f"{BASE}{assessment.id}/attempts/?username={student.username}")
    assert started.status_code == 201, started.content
    attempt = started.json()
    url = f"{API}attempts/{attempt['id']}/"
    assert client.get(url, as_learner).status_code == 200
    saved = client.patch(f"{url}answers/?username={student.username}", {"answers": answers_for(attempt)}, format="json")
    assert saved.status_code == 200, saved.content
    assert client.post(f"{url}submit/?username={student.username}").status_code == 200
    assert client.get(f"{url}result/", as_learner).status_code == 200
    # the attempt is the learner's
    assert jwt_client(student).get(f"{BASE}{assessment.id}/attempts/").json()["count"] == 1
    assert client.get(BASE, {"username": "ghost"}).status_code == 404
    # staff naming a learner cannot reach another learner's attempt through them
    assert client.get(url, {"username": author.username}).status_code == 404


def test_bad_input(author: Any, student: Any, jwt_client: Any) -> None:
    assessment = make_assessment(author)
    client = jwt_client(student)
    attempt = client.post(f"{BASE}{assessment.id}/attempts/").json()
    url = f"{API}attempts/{attempt['id']}/answers/"
    assert client.patch(url, {"answers": "nope"}, format="json").status_code == 400
    assert client.patch(url, {"answers": {"abc": 1}}, format="json").status_code == 400
    assert client.patch(url, {}, format="json").status_code == 400
    assert client.patch(url, "{not json", content_type="application/json").status_code == 400
    mc = response_of(attempt, "Capital")
    wrong_shape = client.patch(url, {"answers": {str(mc): {"zz": "a"}}}, format="json")
    assert wrong_shape.status_code == 400
    assert client.get(f"{API}courses/not-a-key/assessments/").status_code == 400
