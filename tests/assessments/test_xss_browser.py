"""
Stored cross-site scripting on the learner pages, in a real headless Chromium (issue 18, item 3).

Every author-controlled field carries ``xss_payloads.payload`` (an ``<img onerror>``, ``<svg onload>``,
``<script>``, a ``javascript:`` link, an ``<iframe srcdoc>``, ``<details ontoggle>``, a form, a
clobbering ``id``): prompt, part prompt, choices, options, hints, per-choice feedback, explanation,
the question and assessment titles, and the display names of the synced course. One question was
cleaned on save, the other written as rows stored before cleaning existed are. A learner lists the
assessments, takes the attempt (hints, answers, the ``javascript:`` links clicked), submits and
reads the result and their progress; staff read the mastery page. ``window.__xss`` must stay unset,
no event-handler attribute or ``javascript:`` URL may reach the DOM, and the allowed formatting must
render (bold, a table, sub/superscripts, code, a link with ``rel="noopener noreferrer"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from rest_builders import COURSE, learner, staff
from xss_payloads import assert_formatting, assert_nothing_ran, hostile_course

from tests.browser_pages import chromium, logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BASE = f"/ve-edu-vault/courses/{COURSE}"


@pytest.fixture
def xss_browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_learner_pages_run_no_author_script(xss_browser: Any, live_server: Any, make_user: Any) -> None:
    author, student = staff(make_user), learner(make_user)
    ids = hostile_course(author, COURSE)
    page = logged_in_page(xss_browser, live_server, student)

    page.goto(f"{live_server.url}{BASE}/assessments/")
    assert "TOPICMARK <img" in page.text_content("main")  # a display name is text, shown as typed
    assert_nothing_ran(page, "assessment list")

    page.goto(f"{live_server.url}{BASE}/assessments/{ids['assessment']}/")
    page.click("#start")
    page.wait_for_selector("fieldset.question >> nth=1")
    for question in page.locator("fieldset.question").all():
        question.locator("button[data-action=hint]").click()
    page.wait_for_function("document.querySelectorAll('ol.hints li').length === 2")
    assert page.locator("ol.hints li", has_text="HINTMARK").count() == 2
    assert_nothing_ran(page, "attempt")
    assert_formatting(page.locator("#questions"))
    assert "RawQ <img" in page.locator("fieldset.question legend").all_text_contents()[1]  # titles: text
    option = page.locator("select option", has_text="OPTMARK").first.text_content()
    assert "<" not in option and "jslink-option" in option  # an option's HTML shown as its text

    for question in page.locator("fieldset.question").all():
        question.locator("input[type=radio][value=a]").check()
        question.locator("input[type=checkbox][value=x]").check()
        question.locator("select").select_option("o1")
    page.wait_for_function("document.getElementById('save-status').textContent.includes('saved')")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-submit")
    page.wait_for_selector("#result:not([hidden])")
    result = page.locator("#result")
    assert result.locator(".explanation", has_text="EXPLMARK").count() == 2
    assert result.locator(".feedback-text", has_text="OPTFEEDMARK").count() == 2
    assert result.locator(".feedback-text", has_text="FEEDMARK").count() == 4  # choice and option feedback
    assert result.locator(".feedback-text", has_text="SELMARK").count() == 2
    assert_nothing_ran(page, "result")
    assert_formatting(result)

    page.goto(f"{live_server.url}{BASE}/assessments/")  # now with the learner's progress per objective
    assert "UNITMARK <img" in page.text_content("main")
    assert_nothing_ran(page, "assessment list with progress")

    staff_page = logged_in_page(xss_browser, live_server, author)
    staff_page.goto(f"{live_server.url}{BASE}/mastery/")
    assert "UNITMARK <img" in staff_page.text_content("body")
    assert_nothing_ran(staff_page, "staff mastery page")
    staff_page.goto(f"{live_server.url}{BASE}/mastery/?objective={quote(str(ids['unit']))}")
    assert_nothing_ran(staff_page, "staff mastery page of the objective")
