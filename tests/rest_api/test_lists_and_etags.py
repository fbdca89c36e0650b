"""
Pagination everywhere a list can grow, and conditional GET on heavy reads (issue 16), LMS host.

Every list answers ``{"count", "next", "previous", "results"}`` with ``?page=`` and ``?page_size=``; heavy reads
carry an ``ETag`` and answer ``304`` to ``If-None-Match`` while unchanged, through one mechanism
(``rest_api/etags.py``) for REST views and pages alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.builders import add_attempt, assessment_with_questions, learners
from tests.analytics.test_mastery_reports import take
from tests.assessments.api_builders import COURSE, learner, make_assessment
from ve_edu_vault.analytics import api as analytics

pytestmark = pytest.mark.django_db
API = f"/api/ve-edu-vault/v1/courses/{COURSE}/"
PAGED = {"count", "next", "previous", "results"}


def test_the_learners_lists_are_paginated(make_user: Any, jwt_client: Any) -> None:
    first = make_assessment(block=None, title="Quiz A")
    make_assessment(block=None, title="Quiz B")
    student = learner(make_user, "student")
    take(first, student, right=True)
    client = jwt_client(student)

    assessments = client.get(f"{API}assessments/", {"page_size": 1}).json()
    assert set(assessments) == PAGED and assessments["count"] == 2 and len(assessments["results"]) == 1
    assert "page=2" in assessments["next"] and assessments["previous"] is None
    second = client.get(f"{API}assessments/", {"page_size": 1, "page": 2}).json()
    assert second["results"][0]["id"] != assessments["results"][0]["id"] and second["next"] is None

    attempts = client.get(f"{API}assessments/{first.id}/attempts/").json()
    assert set(attempts) == PAGED and attempts["count"] == 1 and attempts["results"][0]["state"] == "graded"

    mastery = client.get(f"{API}mastery/", {"page_size": 1}).json()
    assert set(mastery) == PAGED and mastery["count"] == 2 and len(mastery["results"]) == 1
    assert client.get(f"{API}mastery/", {"page_size": "0"}).status_code == 400


@override_settings(VE_EDU_VAULT_MASTERY_POLICY={"policy": "k_of_n", "params": {"k": 1, "n": 1}})
def test_the_learners_mastery_answers_304_until_it_changes(make_user: Any, jwt_client: Any) -> None:
    created = make_assessment(block=None)
    student = learner(make_user, "student")
    client = jwt_client(student)
    tag = client.get(f"{API}mastery/")["ETag"]
    again = client.get(f"{API}mastery/", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    take(created, student, right=True)
    changed = client.get(f"{API}mastery/", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and any(item["mastered"] for item in changed.json()["results"])


def test_export_jobs_are_paginated(make_user: Any, jwt_client: Any) -> None:
    _created, _versions = assessment_with_questions()
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    for kind in ("attempts", "responses", "mastery"):
        analytics.queue_export(analytics.export_request(kind, COURSE, user=teacher), user=teacher)
    page = jwt_client(teacher).get(f"{API}export-jobs/", {"page_size": 2}).json()
    assert set(page) == PAGED and page["count"] == 3 and len(page["results"]) == 2
    assert [job["kind"] for job in page["results"]] == ["mastery", "responses"]  # newest first


def test_the_item_analysis_and_the_dashboard_answer_304_until_an_attempt_is_graded(
    make_user: Any, jwt_client: Any, client: Any
) -> None:
    created, versions = assessment_with_questions()
    students = learners(make_user, 4)
    for user in students[:3]:
        add_attempt(created.id, user, versions, [1.0, 0.0, 1.0])
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    api_client = jwt_client(teacher)
    url = f"{API}assessments/{created.id}/item-analysis/"
    tag = api_client.get(url)["ETag"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert api_client.get(url, HTTP_IF_NONE_MATCH=f'"other", {tag}').status_code == 304  # a list of tags

    client.force_login(teacher)
    page = f"/ve-edu-vault/courses/{COURSE}/staff/assessments/{created.id}/"
    page_tag = client.get(page)["ETag"]
    assert client.get(page, HTTP_IF_NONE_MATCH=page_tag).status_code == 304

    add_attempt(created.id, students[3], versions, [0.0, 0.0, 0.0])
    analytics.refresh_item_analysis(created.id, course_key=COURSE)
    assert api_client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200
    assert client.get(page, HTTP_IF_NONE_MATCH=page_tag).status_code == 200


def test_a_learner_gets_no_304_for_a_tag_of_a_staff_read(make_user: Any, jwt_client: Any) -> None:
    created, _versions = assessment_with_questions()
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    url = f"{API}assessments/{created.id}/item-analysis/"
    tag = jwt_client(teacher).get(url)["ETag"]
    refused = jwt_client(learner(make_user, "student")).get(url, HTTP_IF_NONE_MATCH=tag)
    assert refused.status_code == 403
