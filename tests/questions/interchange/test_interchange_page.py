"""
The Studio import and export page: upload, preview of what will be created and refused, confirm; export
download; course staff only. One run in a real headless Chromium (upload a file, read the preview, import).
"""

from __future__ import annotations

from typing import Any

import pytest
from interchange_files import FILES, data
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import grant_course_role
from tests.browser_pages import logged_in_page
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.cms]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
PAGE = f"/ve-edu-vault/courses/{COURSE}/questions/interchange/"


@pytest.fixture
def staff_client(client: Any, make_user: Any) -> Any:
    user = make_user("page_author")
    grant_course_role(user, COURSE)
    client.force_login(user)
    return client


def upload(client: Any, name: str, **fields: Any) -> Any:
    with (FILES / name).open("rb") as handle:
        return client.post(PAGE, {"file": handle, "format": "auto", "node_usage_key": "", **fields})


@pytest.mark.django_db
def test_learner_is_refused(client: Any, make_user: Any):
    client.force_login(make_user("learner"))
    assert client.get(PAGE).status_code == 403


@pytest.mark.django_db
def test_the_authoring_page_links_here(staff_client: Any):
    page = staff_client.get(f"/ve-edu-vault/courses/{COURSE}/questions/")
    assert b'id="interchange-link"' in page.content and PAGE.encode() in page.content


@pytest.mark.django_db
def test_upload_preview_confirm(staff_client: Any):
    response = upload(staff_client, "moodle_export.xml")
    assert response.status_code == 302
    job_page = response["Location"]
    preview = staff_client.get(job_page)
    text = preview.content.decode()
    assert 'data-status="previewed"' in text and "7 to create, 0 to update, 0 unchanged, 2 refused" in text
    assert "moodle_export.xml:299" in text and "Moodle question type &#x27;calculated&#x27; is not supported" in text
    assert 'id="partial"' in text and api.list_questions(COURSE).total == 0
    refused = staff_client.post(job_page, {})
    assert refused.status_code == 302 and 'data-status="refused"' in staff_client.get(job_page).content.decode()
    assert api.list_questions(COURSE).total == 0
    staff_client.post(job_page, {"partial": "1"})
    done = staff_client.get(job_page).content.decode()
    assert 'data-status="imported"' in done and api.list_questions(COURSE).total == 7
    assert "Created" in done and "/questions/" in done


@pytest.mark.django_db
def test_no_file_and_unreadable_file(staff_client: Any):
    assert staff_client.post(PAGE, {"format": "auto"}).status_code == 400
    with (FILES / "aiken.txt").open("rb") as handle:
        bad = staff_client.post(PAGE, {"file": handle, "format": "docx"})
    assert bad.status_code == 400 and b"Unknown import format" in bad.content


@pytest.mark.django_db
def test_export_download(staff_client: Any):
    upload(staff_client, "aiken.txt", partial="1")
    job_page = upload(staff_client, "aiken.txt", partial="1")["Location"]
    staff_client.post(job_page, {"partial": "1"})
    response = staff_client.get(f"{PAGE}export/", {"format": "aiken"})
    assert (
        response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="questions.aiken.txt"'
    )
    assert response.content.count(b"ANSWER:") == 3
    assert staff_client.get(f"{PAGE}export/", {"format": "docx"}).status_code == 400


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_upload_preview_and_import(browser: Any, live_server: Any, make_user: Any, tmp_path: Any) -> None:
    user = make_user("browser_importer")
    grant_course_role(user, COURSE)
    bank = tmp_path / "bank.gift"
    bank.write_bytes(data("questions.gift"))
    page = logged_in_page(browser, live_server, user)
    page.goto(f"{live_server.url}{PAGE}")
    page.set_input_files("#file", str(bank))
    page.click("#upload")
    page.wait_for_selector("#refused")
    assert "9 to create" in page.text_content("#counts") and "3 refused" in page.text_content("#counts")
    assert "bank.gift:43" in page.text_content("#refused")
    page.check("#partial")
    page.click("#confirm")
    page.wait_for_selector('#status[data-status="imported"]')
    assert api.list_questions(COURSE).total == 9
