"""
Studio authoring over REST with the question bank on MongoDB (ADR 0027): create, edit, versions, archive and
restore, the OLX and interchange imports, an export, an assessment over the bank's questions and a regrade's dry
run; the questions are MongoDB documents and the SQL question tables stay empty.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import capital_content as mc
from opaque_keys.edx.keys import CourseKey
from storage_backends import mongodb_backend

from hosts.standalone_platform.backend import grant_course_role
from ve_edu_vault.questions.models import Question, QuestionImportJob, QuestionSource, QuestionVersion
from ve_edu_vault.storage import mongodb

pytestmark = [pytest.mark.cms, pytest.mark.django_db]

COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
API = "/api/ve-edu-vault/v1/"
BASE = f"{API}courses/{COURSE}/questions/"
AIKEN = Path(__file__).resolve().parent / "interchange" / "files" / "aiken.txt"


@pytest.fixture
def mongo(settings: Any) -> Iterator[None]:
    with mongodb_backend(settings, select=True):
        yield


@pytest.fixture
def staff(make_user: Any, jwt_client: Any, mongo: None) -> Any:
    user = make_user("author")
    grant_course_role(user, COURSE)
    return jwt_client(user)


def stored() -> dict[int, dict[str, Any]]:
    return {doc["_id"]: doc for doc in mongodb.database()["questions"].find({"course_key": str(COURSE)})}


def sql_bank_is_empty() -> bool:
    return not any(model.objects.exists() for model in (Question, QuestionVersion, QuestionSource, QuestionImportJob))


def test_authoring_over_rest_writes_mongodb(staff: Any) -> None:
    created = staff.post(BASE, {"content": mc()}, format="json")
    assert created.status_code == 201, created.content
    qid = created.json()["id"]
    edited = staff.put(f"{BASE}{qid}/", {"content": mc(correct="b")}, format="json")
    assert edited.status_code == 200 and edited.json()["current_version"]["number"] == 2
    assert [v["number"] for v in staff.get(f"{BASE}{qid}/versions/").json()["results"]] == [2, 1]
    assert [v["answer_key"] for v in (p["parts"][0] for p in (v["content"] for v in stored()[qid]["versions"]))] == [
        {"correct": "a"},
        {"correct": "b"},
    ]
    assert staff.post(f"{BASE}{qid}/archive/").json()["archived"] is True
    assert staff.get(BASE).json()["count"] == 0 and stored()[qid]["archived"] is True
    assert staff.post(f"{BASE}{qid}/restore/").json()["archived"] is False
    assert staff.get(BASE, {"type": "multiple_choice", "tag": "geo"}).json()["results"][0]["id"] == qid
    preview = staff.post(f"{BASE}{qid}/preview-grade/", {"answers": {"p0": "b"}}, format="json")
    assert preview.status_code == 200 and preview.json()["correct"] is True
    exported = staff.get(f"{BASE}{qid}/export-olx/")
    assert exported.status_code == 200 and exported.content.startswith(b"<problem")
    assert sql_bank_is_empty()


def test_imports_over_rest_write_mongodb(staff: Any, test_course_tar: Path) -> None:
    with test_course_tar.open("rb") as upload:
        olx = staff.post(f"{BASE}import-olx/", {"file": upload}, format="multipart")
    assert olx.status_code == 200, olx.content
    assert olx.json()["imported"] > 0 and len(stored()) == olx.json()["imported"]
    handle = io.BytesIO(AIKEN.read_bytes())
    handle.name = "aiken.txt"
    job = staff.post(f"{API}courses/{COURSE}/question-imports/", {"file": handle}, format="multipart")
    assert job.status_code == 201 and job.json()["status"] == "previewed"
    confirmed = staff.post(f"{API}courses/{COURSE}/question-imports/{job.json()['id']}/confirm/", {"partial": True})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "imported"
    assert len(stored()) == olx.json()["imported"] + confirmed.json()["report"]["counts"]["created"]
    gift = staff.get(f"{BASE}export/", {"file_format": "gift"})
    assert gift.status_code == 200 and b"What is 2 + 2?" in gift.content
    assert sql_bank_is_empty()


def test_an_assessment_over_the_mongodb_bank_and_a_regrade_plan(staff: Any, make_user: Any) -> None:
    ids = [staff.post(BASE, {"content": mc(title=f"Q{index}")}, format="json").json()["id"] for index in range(2)]
    config = {"selection": {"mode": "fixed", "question_ids": ids}, "behaviour": "deferred"}
    created = staff.post(f"{API}courses/{COURSE}/assessments/", {"title": "Quiz", "config": config}, format="json")
    assert created.status_code == 201, created.content
    missing = {"selection": {"mode": "fixed", "question_ids": [max(ids) + 100]}, "behaviour": "deferred"}
    refused = staff.post(f"{API}courses/{COURSE}/assessments/", {"title": "Bad", "config": missing}, format="json")
    assert refused.status_code == 400  # a question the MongoDB bank does not hold
    staff.put(f"{BASE}{ids[0]}/", {"content": mc(correct="b", title="Q0")}, format="json")
    planned = staff.post(f"{API}courses/{COURSE}/regrades/", {"question_id": ids[0]}, format="json")
    assert planned.status_code == 201, planned.content
    assert planned.json()["to_version_id"] == stored()[ids[0]]["current"]["id"]
    assert sql_bank_is_empty()
