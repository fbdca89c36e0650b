"""
Stored cross-site scripting through an imported question file, in a real headless Chromium (issue 18).

The Studio pages already checked (``tests/questions/test_xss_studio_browser.py``) take author fields typed in
the forms or stored as rows; this file comes in through the interchange page, as an author uploads a Moodle
XML export: payloads in its file name, a question's name, text, general feedback, answers, answer feedback and
hint, and in the name and text of an item the importer refuses (shown with its reason). The author opens the
preview, confirms, and opens the question bank and the imported question's form: ``window.__xss`` stays unset
and no vector reaches the DOM.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey
from xss_payloads import assert_nothing_ran, payload, short_payload

from hosts.standalone_platform.backend import grant_course_role
from tests.browser_pages import chromium
from tests.browser_pages import logged_in_page as browser_page

pytestmark = [pytest.mark.browser, pytest.mark.cms, pytest.mark.django_db(transaction=True)]
COURSE = CourseKey.from_string("course-v1:TestX+Interchange+1")
BASE = f"/ve-edu-vault/courses/{COURSE}"


def cdata(field: str) -> str:
    return f"<![CDATA[<p>TEXTMARK {field}</p>{payload(field)}]]>"


def moodle_file() -> bytes:
    name = escape(short_payload("name"))
    refused_name = escape(short_payload("refused-name"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>ImportMark {name}</text></name>
    <questiontext format="html"><text>{cdata("questiontext")}</text></questiontext>
    <generalfeedback format="html"><text>{cdata("generalfeedback")}</text></generalfeedback>
    <single>true</single>
    <answer fraction="100" format="html"><text>{cdata("answer-right")}</text>
      <feedback format="html"><text>{cdata("answer-feedback")}</text></feedback></answer>
    <answer fraction="0" format="html"><text>{cdata("answer-wrong")}</text></answer>
    <hint format="html"><text>{cdata("hint")}</text></hint>
  </question>
  <question type="calculatedmulti">
    <name><text>RefusedMark {refused_name}</text></name>
    <questiontext format="html"><text>{cdata("refused-text")}</text></questiontext>
  </question>
</quiz>
""".encode()


@pytest.fixture
def xss_browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_an_imported_file_runs_no_author_script(xss_browser: Any, live_server: Any, make_user: Any) -> None:
    from ve_edu_vault.questions import api

    author = make_user("author")
    grant_course_role(author, COURSE)
    page = browser_page(xss_browser, live_server, author)

    page.goto(f"{live_server.url}{BASE}/questions/interchange/")
    file_name = short_payload("file") + ".xml"
    page.set_input_files("#file", {"name": file_name, "mimeType": "text/xml", "buffer": moodle_file()})
    page.select_option("#format", "moodle-xml")
    page.click("#upload")
    page.wait_for_selector("#counts")
    assert "RefusedMark <img" in page.text_content("#refused")  # the refused item's name, as text
    assert_nothing_ran(page, "import preview")

    page.check("#partial")
    page.click("#confirm")
    page.wait_for_selector("#status[data-status=imported]")
    assert_nothing_ran(page, "import result")

    items = api.list_questions(COURSE).items
    imported = [item for item in items if item.current_version and item.current_version.title.startswith("ImportMark")]
    assert len(imported) == 1
    page.goto(f"{live_server.url}{BASE}/questions/")
    assert "ImportMark <img" in page.text_content("body")
    assert_nothing_ran(page, "question bank")
    page.goto(f"{live_server.url}{BASE}/questions/{imported[0].id}/")
    page.wait_for_selector("#question-builder")
    assert_nothing_ran(page, "imported question's form")
