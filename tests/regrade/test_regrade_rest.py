"""Regrade REST (Studio, course staff): plan with a dry run, read the record, start it; others are refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assessments.api_builders import COURSE
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.regrade.models import RegradeRun

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

API = f"/api/ve-edu-vault/v1/courses/{COURSE}/regrades/"


def test_staff_plan_read_and_start(make_user: Any, client: Any) -> None:
    assessment, _students, _views = scenario(make_user, ["a", "b"])
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    staff = make_user("author")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    planned = client.post(API, {"question_id": question_id}, content_type="application/json")
    assert planned.status_code == 201, planned.content
    body = planned.json()
    assert body["status"] == "planned" and body["report"]["changed"] == 2
    assert RegradeRun.objects.get(pk=body["id"]).requested_by_id == staff.pk
    assert client.get(f"{API}{body['id']}/").json()["total"] == 2
    assert client.get(API).json()["count"] == 1
    started = client.post(f"{API}{body['id']}/start/")
    assert started.status_code == 202
    assert RegradeRun.objects.get(pk=body["id"]).status in ("queued", "running", "succeeded")


def test_learners_and_bad_bodies_are_refused(make_user: Any, client: Any) -> None:
    _assessment, students, _views = scenario(make_user, ["a"])
    client.force_login(students[0])
    assert client.post(API, {"question_id": 1}, content_type="application/json").status_code == 403
    staff = make_user("author")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    reply = client.post(API, {"question_id": "x"}, content_type="application/json")
    assert reply.status_code == 400 and reply.json()["field"] == "question_id"
    assert client.get(f"{API}999/").status_code == 404
