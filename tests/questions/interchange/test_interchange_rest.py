"""
The interchange REST endpoints (Studio): upload and preview, confirm, follow, export; course staff only;
4xx bodies naming the field; the schema documents them (drf-spectacular).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from interchange_files import data, zip_folder
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import grant_course_role
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
IMPORTS = f"/api/ve-edu-vault/v1/courses/{COURSE}/question-imports/"
EXPORT = f"/api/ve-edu-vault/v1/courses/{COURSE}/questions/export/"


@pytest.fixture
def staff(make_user: Any, jwt_client: Any) -> Any:
    user = make_user("author")
    grant_course_role(user, COURSE)
    return jwt_client(user)


def upload(client: Any, content: bytes, name: str, **fields: Any) -> Any:
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(IMPORTS, {"file": handle, **fields}, format="multipart")


def test_staff_only(make_user: Any, jwt_client: Any):
    learner = jwt_client(make_user("learner"))
    assert upload(learner, data("aiken.txt"), "a.txt").status_code == 403
    assert learner.get(EXPORT, {"file_format": "gift"}).status_code == 403


def test_upload_preview_then_confirm_all_or_nothing_then_partial(staff: Any):
    response = upload(staff, data("moodle_export.xml"), "moodle_export.xml")
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "previewed" and job["preview"]["status"] == "dry_run"
    assert job["preview"]["counts"] == {"created": 7, "updated": 0, "unchanged": 0, "refused": 2}
    assert api.list_questions(COURSE).total == 0
    refused = staff.post(f"{IMPORTS}{job['id']}/confirm/", {}, format="json")
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert api.list_questions(COURSE).total == 0
    imported = staff.post(f"{IMPORTS}{job['id']}/confirm/", {"partial": True}, format="json")
    assert imported.status_code == 200 and imported.json()["status"] == "imported"
    assert imported.json()["report"]["counts"]["created"] == 7 and api.list_questions(COURSE).total == 7
    again = staff.post(f"{IMPORTS}{job['id']}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["error_code"]
    followed = staff.get(f"{IMPORTS}{job['id']}/")
    assert followed.json()["report"]["created"][0]["id"] is not None


def test_bad_uploads_are_400_naming_the_field(staff: Any):
    broken = upload(staff, b"<quiz><question>", "broken.xml")
    assert broken.status_code == 400 and broken.json()["field"] == "file"
    assert broken.json()["message"].startswith("broken.xml:1: not well-formed XML")
    assert staff.get(f"{IMPORTS}{broken.json()['job_id']}/").json()["status"] == "failed"  # kept as the audit record
    bad_format = upload(staff, data("aiken.txt"), "a.txt", format="docx")
    assert bad_format.status_code == 400 and bad_format.json()["field"] == "format"
    no_file = staff.post(IMPORTS, {}, format="multipart")
    assert no_file.status_code == 400 and no_file.json()["field"] == "file"
    bad_node = upload(staff, data("aiken.txt"), "a.txt", node_usage_key="block-v1:TestX+Course+1+type@vertical+block@x")
    assert bad_node.status_code == 400 and bad_node.json()["field"] == "node_usage_key"
    assert staff.get(f"{IMPORTS}999999/").status_code == 404


def test_an_upload_beyond_the_bound_is_refused_before_it_is_read(staff: Any, settings: Any):
    settings.VE_EDU_VAULT_IMPORT_MAX_BYTES = 100
    response = upload(staff, data("moodle_export.xml"), "big.xml")
    assert response.status_code == 400 and response.json()["field"] == "file"
    assert "larger than 100 bytes" in response.json()["message"]


def test_a_job_of_another_course_is_404(staff: Any, make_user: Any, jwt_client: Any):
    other = CourseKey.from_string("course-v1:TestX+Other+1")
    user = make_user("other_author")
    grant_course_role(user, other)
    created = upload(staff, data("aiken.txt"), "a.txt").json()
    stranger = jwt_client(user)
    url = f"/api/ve-edu-vault/v1/courses/{other}/question-imports/{created['id']}/"
    assert stranger.get(url).status_code == 404


def test_large_files_are_handed_to_a_worker(staff: Any, settings: Any, django_capture_on_commit_callbacks: Any):
    settings.VE_EDU_VAULT_IMPORT_INLINE_MAX_BYTES = 10
    from ve_edu_vault.questions import tasks

    sent: list[tuple[str, list[int]]] = []
    original = tasks.preview_question_import.apply_async
    tasks.preview_question_import.apply_async = lambda args, **options: sent.append(("preview", args))  # type: ignore[method-assign]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(staff, zip_folder("qti3_package"), "bank.zip")
    finally:
        tasks.preview_question_import.apply_async = original  # type: ignore[method-assign]
    assert response.status_code == 202 and response.json()["status"] == "previewing"
    assert sent == [("preview", [response.json()["id"]])]


def test_export_download(staff: Any):
    upload_response = upload(staff, data("questions.gift"), "bank.gift", partial="true")
    staff.post(f"{IMPORTS}{upload_response.json()['id']}/confirm/", {}, format="json")
    response = staff.get(EXPORT, {"file_format": "qti3"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="questions-qti3.zip"'
    assert response.content.startswith(b"PK") and int(response["X-Vault-Written"]) > 0
    bad = staff.get(EXPORT, {"file_format": "docx"})
    assert bad.status_code == 400 and bad.json()["field"] == "format"


def test_schema_documents_the_endpoints(staff: Any):
    schema = staff.get("/api/ve-edu-vault/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/question-imports/", "/question-imports/{job_id}/confirm/", "/questions/export/"):
        assert path in text
    assert "InterchangeReport" in text and "ImportJob" in text
