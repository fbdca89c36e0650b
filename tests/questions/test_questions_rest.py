"""The question bank REST API (Studio): staff only, thin over ``questions.api``, 4xx bodies naming fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import capital_content as mc
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import grant_course_role

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
BASE = f"/api/ve-edu-vault/v1/courses/{COURSE}/questions/"


LIKERT = {
    "title": "Agree?",
    "parts": [
        {
            "id": "p0",
            "type": "likert",
            "config": {"scale": ["1", "2", "3", "4", "5"]},
            "answer_key": {"target": 3, "tolerance": 1},
        }
    ],
}


@pytest.fixture
def staff(make_user: Any, jwt_client: Any) -> Any:
    user = make_user("author")
    grant_course_role(user, COURSE)
    return jwt_client(user)


def test_requires_course_staff(make_user: Any, jwt_client: Any) -> None:
    assert jwt_client(make_user("learner")).get(BASE).status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(BASE).status_code == 401


def test_crud_versions_archive_restore(staff: Any) -> None:
    created = staff.post(BASE, {"content": mc()}, format="json")
    assert created.status_code == 201, created.content
    qid = created.json()["id"]
    assert created.json()["current_version"]["number"] == 1
    assert staff.get(f"{BASE}{qid}/").json()["current_version"]["title"] == "Capital"
    edited = staff.put(f"{BASE}{qid}/", {"content": mc(correct="b")}, format="json")
    assert edited.status_code == 200 and edited.json()["current_version"]["number"] == 2
    versions = staff.get(f"{BASE}{qid}/versions/").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    assert staff.post(f"{BASE}{qid}/archive/").json()["archived"] is True
    assert staff.get(BASE).json()["count"] == 0
    assert staff.post(f"{BASE}{qid}/restore/").json()["archived"] is False
    listed = staff.get(BASE, {"type": "multiple_choice", "tag": "geo"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == qid
    assert staff.get(BASE, {"tag": "nope"}).json()["count"] == 0


def test_bad_config_is_400_naming_the_field(staff: Any) -> None:
    content = mc()
    content["parts"][0]["answer_key"] = {"correct": "zzz"}
    response = staff.post(BASE, {"content": content}, format="json")
    assert response.status_code == 400
    assert response.json()["field"].startswith("content.parts[0]")
    missing = staff.post(BASE, {}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "content"


def test_likert_plugin_type_end_to_end(staff: Any) -> None:
    created = staff.post(BASE, {"content": LIKERT}, format="json")
    assert created.status_code == 201, created.content
    qid = created.json()["id"]
    assert created.json()["current_version"]["type"] == "likert"
    good = staff.post(f"{BASE}{qid}/preview-grade/", {"answers": {"p0": 4}}, format="json")
    assert good.status_code == 200 and good.json()["correct"] is True
    bad = staff.post(f"{BASE}{qid}/preview-grade/", {"answers": {"p0": 0}}, format="json")
    assert bad.json()["score"] == 0
    invalid = dict(LIKERT, parts=[dict(LIKERT["parts"][0], answer_key={"target": 9})])
    response = staff.post(BASE, {"content": invalid}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "content.parts[0].answer_key.target"


def test_preview_grade_bad_answer_is_400(staff: Any) -> None:
    qid = staff.post(BASE, {"content": mc()}, format="json").json()["id"]
    response = staff.post(f"{BASE}{qid}/preview-grade/", {"answers": {"nope": "a"}}, format="json")
    assert response.status_code == 400 and response.json()["field"].startswith("answers")


def test_other_course_question_is_404(staff: Any, make_user: Any, jwt_client: Any) -> None:
    other = CourseKey.from_string("course-v1:Vault+Other+2026")
    user = make_user("other")
    grant_course_role(user, other)
    qid = staff.post(BASE, {"content": mc()}, format="json").json()["id"]
    response = jwt_client(user).get(f"/api/ve-edu-vault/v1/courses/{other}/questions/{qid}/")
    assert response.status_code == 404


def test_export_olx(staff: Any) -> None:
    qid = staff.post(BASE, {"content": mc()}, format="json").json()["id"]
    response = staff.get(f"{BASE}{qid}/export-olx/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert response.content.startswith(b"<problem")


def test_import_olx_upload(staff: Any, test_course_tar: Path) -> None:
    with test_course_tar.open("rb") as upload:
        response = staff.post(f"{BASE}import-olx/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["imported"] + len(body["unsupported"]) == 19
    assert staff.get(BASE).json()["count"] == body["imported"]


def test_import_olx_of_another_course_is_400(make_user: Any, jwt_client: Any, test_course_tar: Path) -> None:
    other = CourseKey.from_string("course-v1:Vault+Other+2026")
    user = make_user("other")
    grant_course_role(user, other)
    with test_course_tar.open("rb") as upload:
        response = jwt_client(user).post(
            f"/api/ve-edu-vault/v1/courses/{other}/questions/import-olx/", {"file": upload}, format="multipart"
        )
    assert response.status_code == 400 and response.json()["field"] == "course_key"


def test_versions_are_paginated_and_the_list_answers_304_while_unchanged(staff: Any) -> None:
    qid = staff.post(BASE, {"content": mc()}, format="json").json()["id"]
    for correct in ("b", "a"):
        staff.put(f"{BASE}{qid}/", {"content": mc(correct=correct)}, format="json")
    page = staff.get(f"{BASE}{qid}/versions/", {"page_size": 2}).json()
    assert page["count"] == 3 and [v["number"] for v in page["results"]] == [3, 2]
    assert page["previous"] is None and "page=2" in page["next"]
    last = staff.get(f"{BASE}{qid}/versions/", {"page_size": 2, "page": 2}).json()
    assert [v["number"] for v in last["results"]] == [1] and last["next"] is None

    first = staff.get(BASE)
    tag = first["ETag"]
    again = staff.get(BASE, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    staff.post(BASE, {"content": mc(title="Another")}, format="json")
    assert staff.get(BASE, HTTP_IF_NONE_MATCH=tag).status_code == 200
