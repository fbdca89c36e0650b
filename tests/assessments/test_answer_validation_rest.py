"""
Answers are validated on save (issue 18, item 7): autosave and check refuse an answer that does not fit its
question with a 400 naming the part, store nothing of the request, and bound the size per part and per request.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings
from rest_builders import API, COURSE, learner, make_assessment, response_of, staff

from ve_edu_vault.assessments import api

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def author(make_user: Any) -> Any:
    return staff(make_user)


@pytest.fixture
def student(make_user: Any) -> Any:
    return learner(make_user)


@pytest.fixture
def attempt(author: Any, student: Any, jwt_client: Any) -> dict[str, Any]:
    assessment = make_assessment(author, behaviour="interactive", max_tries=3, feedback="immediately")
    started = jwt_client(student).post(f"{API}courses/{COURSE}/assessments/{assessment.id}/attempts/")
    assert started.status_code == 201, started.content
    return started.json()


def put(client: Any, attempt: dict[str, Any], answers: Any) -> Any:
    """A raw JSON body (``json.dumps`` escapes lone surrogates as ``\\ud800``, as a browser would send them)."""
    body = json.dumps({"answers": answers})
    return client.generic("PUT", f"{API}attempts/{attempt['id']}/answers/", body, content_type="application/json")


def stored(student: Any, attempt: dict[str, Any]) -> dict[int, Any]:
    view = api.get_attempt(attempt["id"], user=student)
    return {question.response_id: question.answer for question in view.questions}


@pytest.mark.parametrize(
    ("title", "answer", "error_code", "part_field", "message"),
    [
        ("Number", {"p0": {"x": [1, 2]}}, "invalid_answer", "p0", "Must be text or a number."),
        ("Number", {"p0": [1, 2, 3]}, "invalid_answer", "p0", "Must be text or a number."),
        ("Capital", {"p0": 12345}, "invalid_answer", "p0", "Is not one of the choices of this question."),
        ("Capital", {"p0": "z"}, "invalid_answer", "p0", "Is not one of the choices of this question."),
        ("Blank", {"p0": {"blank_7": "x"}}, "invalid_answer", "p0.blank_7", "Has a key this question does not have."),
        ("Blank", {"p0": {"blank_0": "x\u0000"}}, "invalid_answer", "p0.blank_0", None),
        ("Blank", {"p0": {"blank_0": "\ud800"}}, "invalid_answer", "p0.blank_0", None),
        ("Number", {"p0": "1" * 1_000_000}, "answer_too_large", "p0", None),
    ],
)
def test_autosave_refuses_an_answer_that_does_not_fit(
    student: Any,
    jwt_client: Any,
    attempt: dict[str, Any],
    title: str,
    answer: Any,
    error_code: str,
    part_field: str,
    message: str | None,
) -> None:
    client = jwt_client(student)
    response_id = response_of(attempt, title)
    before = stored(student, attempt)
    refused = put(client, attempt, {str(response_id): answer})
    assert refused.status_code == 400, refused.content
    body = refused.json()
    assert body["error_code"] == error_code
    assert body["field"] == f"answers.{response_id}.{part_field}"
    if message:
        assert body["message"] == message
    assert len(refused.content) < 500  # a megabyte is never echoed back
    assert stored(student, attempt) == before


def test_one_bad_answer_refuses_the_whole_request(student: Any, jwt_client: Any, attempt: dict[str, Any]) -> None:
    client = jwt_client(student)
    capital, number = response_of(attempt, "Capital"), response_of(attempt, "Number")
    refused = put(client, attempt, {str(capital): {"p0": "a"}, str(number): {"p0": [1, 2, 3]}})
    assert refused.status_code == 400 and refused.json()["field"] == f"answers.{number}.p0"
    assert stored(student, attempt)[capital] is None  # the valid one was not stored either


def test_valid_answers_are_stored_as_sent(student: Any, jwt_client: Any, attempt: dict[str, Any]) -> None:
    client = jwt_client(student)
    answers = {
        str(response_of(attempt, "Capital")): {"p0": "b"},
        str(response_of(attempt, "Blank")): {"p0": {"blank_0": "\u05e9\u05dc\u05d5\u05dd\u200f e\u0301"}},
        str(response_of(attempt, "Number")): {"p0": "not a number yet"},  # a learner's typing is kept
    }
    saved = put(client, attempt, answers)
    assert saved.status_code == 200, saved.content
    assert stored(student, attempt) == {int(key): value for key, value in answers.items()}


@override_settings(VE_EDU_VAULT_ANSWER_MAX_PART_BYTES=100)
def test_part_limit_is_a_setting(student: Any, jwt_client: Any, attempt: dict[str, Any]) -> None:
    client = jwt_client(student)
    blank = response_of(attempt, "Blank")
    assert put(client, attempt, {str(blank): {"p0": {"blank_0": "x" * 60}}}).status_code == 200
    refused = put(client, attempt, {str(blank): {"p0": {"blank_0": "x" * 100}}})
    assert refused.status_code == 400 and refused.json()["error_code"] == "answer_too_large"
    assert refused.json()["field"] == f"answers.{blank}.p0"


@override_settings(VE_EDU_VAULT_ANSWER_MAX_REQUEST_BYTES=200)
def test_request_limit(student: Any, jwt_client: Any, attempt: dict[str, Any]) -> None:
    client = jwt_client(student)
    blank, number = response_of(attempt, "Blank"), response_of(attempt, "Number")
    each = {str(blank): {"p0": {"blank_0": "x" * 95}}, str(number): {"p0": "9" * 95}}
    for key, value in each.items():
        assert put(client, attempt, {key: value}).status_code == 200, "each fits alone"
    before = stored(student, attempt)
    together = {str(blank): {"p0": {"blank_0": "y" * 95}}, str(number): {"p0": "8" * 95}}
    refused = put(client, attempt, together)
    assert refused.status_code == 400, refused.content
    assert refused.json() == {
        "error_code": "answer_too_large",
        "message": "These answers are too large together (at most 200 bytes).",
        "field": "answers",
    }
    assert stored(student, attempt) == before


def test_check_refuses_without_using_a_try(student: Any, jwt_client: Any, attempt: dict[str, Any]) -> None:
    client = jwt_client(student)
    capital = response_of(attempt, "Capital")
    url = f"{API}attempts/{attempt['id']}/responses/{capital}/check/"
    refused = client.post(url, {"answer": {"p0": 12345}}, format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["field"] == f"answers.{capital}.p0"
    assert refused.json()["error_code"] == "invalid_answer"
    question = next(q for q in api.get_attempt(attempt["id"], user=student).questions if q.response_id == capital)
    assert question.tries_left == 3 and question.answer is None
    assert client.post(url, {"answer": {"p0": "a"}}, format="json").status_code == 200


def test_a_stored_answer_of_an_older_release_is_still_graded(
    student: Any, jwt_client: Any, attempt: dict[str, Any]
) -> None:
    """Answers saved before validation existed are graded as they are (unreadable: 0), never refused at submit."""
    from ve_edu_vault.assessments.models import Response

    number = response_of(attempt, "Number")
    Response.objects.filter(pk=number).update(answer={"p0": [1, 2, 3]})
    submitted = jwt_client(student).post(f"{API}attempts/{attempt['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert next(q for q in submitted.json()["questions"] if q["response_id"] == number)["score"] == 0
