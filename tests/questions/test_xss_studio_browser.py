"""
Stored cross-site scripting on the Studio pages, in a real headless Chromium (issue 18, item 3).

The same hostile course as the learner test (``xss_payloads.hostile_course``): payloads in every
author field of two questions (one cleaned on save, one stored as rows from before cleaning are),
in the assessment's title and in the synced course's display names. Course staff open the question
bank, each question's form, the assessment list, the assessment form and its draw preview (which
rendered the prompt with ``|safe``), and the sync history. ``window.__xss`` must stay unset and no
vector may reach the DOM; the preview must still show the allowed formatting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey
from xss_payloads import assert_nothing_ran, hostile_course

from hosts.standalone_platform.backend import grant_course_role
from tests.browser_pages import chromium, logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.cms, pytest.mark.django_db(transaction=True)]
COURSE = CourseKey.from_string("course-v1:TestX+Studio+1")
BASE = f"/ve-edu-vault/courses/{COURSE}"


@pytest.fixture
def xss_browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_studio_pages_run_no_author_script(xss_browser: Any, live_server: Any, make_user: Any) -> None:
    author = make_user("author")
    grant_course_role(author, COURSE)
    ids = hostile_course(author, COURSE)
    page = logged_in_page(xss_browser, live_server, author)

    page.goto(f"{live_server.url}{BASE}/questions/")
    assert "RawQ <img" in page.text_content("body")  # titles are text
    assert_nothing_ran(page, "question bank")
    for name in ("saved", "raw"):
        page.goto(f"{live_server.url}{BASE}/questions/{ids[name]}/")
        page.wait_for_selector("#question-builder")
        assert_nothing_ran(page, f"question form ({name})")

    page.goto(f"{live_server.url}{BASE}/assessments/")
    assert "QuizMark <img" in page.text_content("body")
    assert_nothing_ran(page, "assessment list")
    page.goto(f"{live_server.url}{BASE}/assessments/{ids['assessment']}/")
    assert "UNITMARK <img" in page.text_content("#node-name")  # a display name, as text
    assert_nothing_ran(page, "assessment form")
    page.click("#preview")
    page.wait_for_selector("#preview-result")
    assert_nothing_ran(page, "draw preview")
    preview = page.locator("#preview-result")
    assert preview.locator(".prompt strong", has_text="BOLDMARK").count() == 2
    assert preview.locator(".prompt td", has_text="CELLMARK").count() == 2
    assert preview.locator('a[href="https://example.org/docs"][rel="noopener noreferrer"]').count() == 2
    assert preview.locator("li b", has_text="CHOICEMARK").count() == 2
    assert preview.locator(".part-prompt", has_text="PARTMARK").count() == 2

    page.goto(f"{live_server.url}{BASE}/sync/")
    assert "TOPICMARK <img" in page.text_content("body")
    assert_nothing_ran(page, "sync history")
