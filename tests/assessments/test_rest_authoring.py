"""Studio REST endpoints of assessments: list, create, read, edit, archive, preview, accommodations."""

from __future__ import annotations

from typing import Any

import pytest
from rest_builders import API, COURSE, OTHER_COURSE, config, learner, make_assessment, make_questions, staff
from rest_framework.test import APIClient

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
BASE = f"{API}courses/{COURSE}/assessments/"


@pytest.fixture
def author(make_user: Any) -> Any:
    return staff(make_user)


@pytest.fixture
def client_for(jwt_client: Any) -> Any:
    return jwt_client


def test_create_list_get_patch_archive(author: Any, client_for: Any) -> None:
    client = client_for(author)
    ids = make_questions(author)
    created = client.post(BASE, {"title": "Quiz 1", "config": config(ids)}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == "Quiz 1" and body["course_key"] == str(COURSE)
    assert body["config"]["selection"]["question_ids"] == ids and body["config"]["behaviour"] == "deferred"
    detail = f"{BASE}{body['id']}/"
    listed = client.get(BASE).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert client.get(detail).json()["title"] == "Quiz 1"
    patched = client.patch(detail, {"title": "Quiz 1b", "config": config(ids, time_limit_minutes=10)}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Quiz 1b" and patched.json()["config"]["time_limit_minutes"] == 10
    archived = client.post(f"{detail}archive/")
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert client.get(BASE).json()["count"] == 0
    assert client.get(BASE, {"include_archived": "1"}).json()["count"] == 1


def test_bad_input_is_400_with_field(author: Any, client_for: Any) -> None:
    client = client_for(author)
    missing = client.post(BASE, {"config": {}}, format="json")
    assert missing.status_code == 400 and missing.json()["field"] == "title"
    bad_config = client.post(BASE, {"title": "x", "config": {"behaviour": "sometimes"}}, format="json")
    assert bad_config.status_code == 400
    assert bad_config.json()["field"].startswith("config.behaviour")
    bad_node = client.post(BASE, {"title": "x", "node_usage_key": "nope", "config": {}}, format="json")
    assert bad_node.status_code == 400 and bad_node.json()["field"] == "node_usage_key"
    assert client.get(f"{API}courses/not-a-key/assessments/").status_code == 400
    assessment = make_assessment(author)
    empty_patch = client.patch(f"{BASE}{assessment.id}/", {}, format="json")
    assert empty_patch.status_code == 400
    bad_seed = client.get(f"{BASE}{assessment.id}/preview/", {"seed": "x"})
    assert bad_seed.status_code == 400 and bad_seed.json()["field"] == "seed"


def test_permissions(author: Any, make_user: Any, client_for: Any) -> None:
    assessment = make_assessment(author)
    detail = f"{BASE}{assessment.id}/"
    anonymous = APIClient()
    for url in (BASE, detail, f"{detail}preview/", f"{detail}accommodations/"):
        response = anonymous.get(url)
        assert response.status_code == 401 and response.json()["error_code"] == "not_authenticated"
    student = client_for(learner(make_user))
    for url in (BASE, detail, f"{detail}preview/", f"{detail}accommodations/"):
        assert student.get(url).status_code == 403
    assert student.post(BASE, {"title": "x"}, format="json").status_code == 403
    other_staff = client_for(staff(make_user, "other_author", OTHER_COURSE))
    assert other_staff.get(detail).status_code == 403
    # an assessment of another course is not found under this course
    assert other_staff.get(f"{API}courses/{OTHER_COURSE}/assessments/{assessment.id}/").status_code == 404
    assert client_for(author).get(f"{BASE}999999/").status_code == 404


def test_preview_is_the_learner_view(author: Any, client_for: Any) -> None:
    assessment = make_assessment(author)
    response = client_for(author).get(f"{BASE}{assessment.id}/preview/", {"seed": "7"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["preview"] is True and len(body["questions"]) == 3
    text = response.content.decode()
    for marker in ("KEYMARKERBLANK", "27182.818", "EXPLMARKER", "HINTMARKER", "answer_key"):
        assert marker not in text


def test_accommodations(author: Any, make_user: Any, client_for: Any) -> None:
    assessment = make_assessment(author)
    learner(make_user, "slow_reader")
    url = f"{BASE}{assessment.id}/accommodations/"
    client = client_for(author)
    put = client.put(url, {"username": "slow_reader", "extra_minutes": 15, "extra_attempts": 1}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["accommodation"] == {"extra_minutes": 15, "time_multiplier": 1.0, "extra_attempts": 1}
    listed = client.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["username"] == "slow_reader"
    assert client.put(url, {"username": "ghost"}, format="json").status_code == 404
    assert client.put(url, {"username": "slow_reader", "extra_minutes": -1}, format="json").status_code == 400
    assert client.put(url, {"username": "slow_reader", "time_multiplier": 0.5}, format="json").status_code == 400


def test_authoring_page(author: Any, client: Any) -> None:
    import json

    client.force_login(author)
    page = f"/ve-edu-vault/courses/{COURSE}/assessments/"
    assert client.get(page).status_code == 200
    ids = make_questions(author)
    created = client.post(page, {"title": "Page quiz", "node_usage_key": "", "config": json.dumps(config(ids))})
    assert created.status_code == 302, created.content
    edit = created["Location"]
    assert b"Page quiz" in client.get(edit).content
    preview = client.post(edit, {"action": "preview"})
    assert preview.status_code == 200 and b"preview-result" in preview.content and b"KEYMARKER" not in preview.content
    bad = client.post(edit, {"action": "save", "title": "x", "config": '{"behaviour": "sometimes"}'})
    assert bad.status_code == 400 and b"config.behaviour" in bad.content
    questions_page = client.get(f"/ve-edu-vault/courses/{COURSE}/questions/")
    assert b"assessments-link" in questions_page.content


def test_the_assessment_answers_304_while_unchanged(author: Any, client_for: Any) -> None:
    client = client_for(author)
    ids = make_questions(author)
    created = client.post(BASE, {"title": "Quiz 1", "config": config(ids)}, format="json").json()
    detail = f"{BASE}{created['id']}/"
    tag = client.get(detail)["ETag"]
    assert client.get(detail, HTTP_IF_NONE_MATCH=tag).status_code == 304
    client.patch(detail, {"title": "Quiz 1b"}, format="json")
    changed = client.get(detail, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed.json()["title"] == "Quiz 1b"
