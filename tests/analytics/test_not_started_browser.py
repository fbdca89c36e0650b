"""
The staff area's "Enrolled, not started" list in headless Chromium: the page shows at once with a placeholder while
the LMS (a real HTTP stand-in on localhost, answering slowly) is read, then its script puts the list in place; when the
list cannot be loaded the placeholder says so and keeps the link to the list's own page (ADR 0031).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.analytics.test_mastery_reports import take
from tests.analytics.test_not_started import STAFF, enrollments
from tests.assessments.api_builders import COURSE, learner, make_assessment
from tests.browser_pages import logged_in_page
from tests.platform import test_rest_clients

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
lms_stand_in = test_rest_clients.lms


def test_the_list_is_loaded_after_the_page(
    browser: Any, live_server: Any, make_user: Any, settings: Any, lms_stand_in: Any
) -> None:
    from hosts.standalone_platform.backend import grant_course_role

    created = make_assessment(block=None)
    take(created, learner(make_user, "started"), right=True)
    enrollments(lms_stand_in, settings, [("started", True), ("waiting", True), ("remote", True)])
    lms_stand_in.delay = 1.5  # a slow LMS: the page must not wait for it
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    page = logged_in_page(browser, live_server, teacher)

    page.goto(f"{live_server.url}{STAFF}", wait_until="domcontentloaded")
    assert page.locator("#not-started-loading").is_visible()  # the page is there; the LMS has not answered yet
    assert page.get_attribute("#not-started-section", "aria-busy") == "true"
    item = page.locator(f'[data-not-started="{created.id}"]')
    item.wait_for()
    assert item.text_content() == "Quiz: 2 have not started (remote, waiting)"
    assert "3 learners are enrolled" in page.text_content("#not-started-section")
    assert page.locator("#not-started-loading").count() == 0
    assert page.get_attribute("#not-started-section", "aria-busy") == "false"
    assert page.errors == []

    lms_stand_in.delay, lms_stand_in.default = 0.0, (503, b'{"detail": "maintenance"}')
    page.goto(f"{live_server.url}{STAFF}")
    page.locator("#not-started-list .error").wait_for()
    assert "maintenance" in page.text_content("#not-started-list")  # the LMS down: said in the list, not a 500

    enrollments(lms_stand_in, settings, [("started", True), ("waiting", True), ("remote", True)])  # the LMS back
    page.route("**/staff/not-started/?fragment=1", lambda route: route.fulfill(status=500, body="boom"))
    page.goto(f"{live_server.url}{STAFF}")
    page.wait_for_function("document.getElementById('not-started-section').getAttribute('aria-busy') === 'false'")
    placeholder = page.text_content("#not-started-loading")
    assert "could not be loaded" in placeholder and "Open the list" in placeholder
    page.click("#not-started-loading a")
    page.locator(f'[data-not-started="{created.id}"]').wait_for()  # the list's own page
    assert page.errors == []
