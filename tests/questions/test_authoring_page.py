"""The Studio authoring page: list, create, edit, preview-grade (Django test client; Playwright if available)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.platform.backends.standalone import grant_course_role
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.cms]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
PAGE = f"/ve-edu-vault/courses/{COURSE}/questions/"
CONTENT = {
    "title": "Capital",
    "parts": [
        {
            "id": "p0",
            "type": "multiple_choice",
            "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
            "answer_key": {"correct": "a"},
        }
    ],
}


@pytest.fixture
def staff_client(client: Any, make_user: Any) -> Any:
    user = make_user("author")
    grant_course_role(user, COURSE)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_learner_is_refused(client: Any, make_user: Any) -> None:
    client.force_login(make_user("learner"))
    assert client.get(PAGE).status_code == 403


@pytest.mark.django_db
def test_create_edit_preview(staff_client: Any) -> None:
    page = staff_client.get(PAGE)
    assert page.status_code == 200 and b"create-form" in page.content
    created = staff_client.post(PAGE, {"content": json.dumps(CONTENT), "node_usage_key": ""})
    assert created.status_code == 302
    question = api.list_questions(COURSE).items[0]
    edit_url = created["Location"]
    assert staff_client.get(PAGE).content.count(b"Capital") >= 1
    changed = dict(CONTENT, title="Capital city")
    assert staff_client.post(edit_url, {"action": "save", "content": json.dumps(changed)}).status_code == 302
    assert api.get_question(question.id).current_version.number == 2
    graded = staff_client.post(edit_url, {"action": "preview", "answers": '{"p0": "a"}'})
    assert graded.status_code == 200 and b'id="score">1.0<' in graded.content
    assert staff_client.post(edit_url, {"action": "archive"}).status_code == 302
    assert api.get_question(question.id).archived


@pytest.mark.django_db
def test_invalid_content_shows_the_field(staff_client: Any) -> None:
    bad = dict(CONTENT, parts=[dict(CONTENT["parts"][0], answer_key={"correct": "zzz"})])
    response = staff_client.post(PAGE, {"content": json.dumps(bad)})
    assert response.status_code == 400 and b"content.parts[0]" in response.content
    assert staff_client.post(PAGE, {"content": "{nope"}).status_code == 400


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_create_and_preview(live_server: Any, make_user: Any) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from django.conf import settings
    from django.test import Client

    user = make_user("browser_author")
    grant_course_role(user, COURSE)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless", "--disable-gpu"]
        )
        try:
            context = browser.new_context()
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.goto(f"{live_server.url}{PAGE}")
            page.fill("#content", json.dumps(CONTENT))
            page.click("#create")
            page.wait_for_selector("#preview-form")
            page.fill("#answers", '{"p0": "a"}')
            page.click("#preview")
            assert page.text_content("#score") == "1.0"
        finally:
            browser.close()
