"""
Stored cross-site scripting on the LMS staff area, in a real headless Chromium (issue 18, item 3).

The hostile course of the learner and Studio tests (``xss_payloads.hostile_course``: payloads in every author field
of two questions, in the assessment's title and in the synced course's display names), one learner's graded
attempt, a grade changed by hand with a hostile reason, and a regrade planned for a hostile question. Course staff
open the staff area, the assessment's dashboard (question table, charts), the regrades page with the run's preview
and the attempt's page. ``window.__xss`` must stay unset and no vector may reach the DOM; names show as text. (The
staff mastery pages are in ``tests/assessments/test_xss_browser.py``; Studio's question bank and sync history in
``tests/questions/test_xss_studio_browser.py``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from xss_payloads import assert_nothing_ran, hostile_content, hostile_course, short_payload

from tests.assessments.rest_builders import COURSE, learner, staff
from tests.browser_pages import chromium, logged_in_page
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.questions import api as questions
from ve_edu_vault.regrade import api as regrade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAFF = f"/ve-edu-vault/courses/{COURSE}/staff"
#: The dashboard's own server-rendered SVG charts (``analytics/charts.py``); an author's ``<svg>`` has no such class.
CHARTS_ARE_OURS = "*:not(svg.vault-chart)"


@pytest.fixture
def xss_browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_staff_area_pages_run_no_author_script(xss_browser: Any, live_server: Any, make_user: Any) -> None:
    author, student = staff(make_user), learner(make_user)
    ids = hostile_course(author, COURSE)
    view = assessments.start_attempt(ids["assessment"], student)
    assessments.submit_attempt(view.id, user=student)
    assessments.change_attempt_grade(view.id, earned=0.5, reason="REASONMARK " + short_payload("reason"), staff=author)
    questions.edit_question(ids["saved"], content=hostile_content("SavedQ2"))
    run = regrade.plan(ids["saved"], course_key=COURSE, requested_by=author)
    page = logged_in_page(xss_browser, live_server, author)

    page.goto(f"{live_server.url}{STAFF}/")
    assert "QuizMark <img" in page.text_content("main")  # the assessment's title is text
    assert "UNITMARK <img" in page.text_content("main")  # so are the synced display names of the mastery outline
    assert_nothing_ran(page, "staff area")

    page.goto(f"{live_server.url}{STAFF}/assessments/{ids['assessment']}/")
    assert "QuizMark <img" in page.text_content("main")
    assert_nothing_ran(page, "dashboard", CHARTS_ARE_OURS)
    page.goto(f"{live_server.url}{STAFF}/assessments/{ids['assessment']}/?sort=flags&attempts=best")
    assert_nothing_ran(page, "dashboard sorted", CHARTS_ARE_OURS)

    page.goto(f"{live_server.url}{STAFF}/regrades/?run={run.id}")
    assert page.locator("[data-run-id]").count() == 1
    assert_nothing_ran(page, "regrades with a preview")

    page.goto(f"{live_server.url}{STAFF}/attempts/?attempt={view.id}")
    assert "REASONMARK <img" in page.text_content("#grade-changes")  # the hand-set grade's reason is text
    assert_nothing_ran(page, "attempt page")
