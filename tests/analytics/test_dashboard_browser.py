"""
The instructor dashboard in a real headless Chromium at 375 px: nothing wider than the viewport, charts drawn
with their text equivalents, sorting by a column's link; screenshots kept as test artefacts.
"""

from __future__ import annotations

from typing import Any

import pytest

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.builders import add_attempt, assessment_with_questions, learners
from tests.assessments.api_builders import COURSE
from tests.browser_pages import artefact_dir, logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_and_staff_area_at_375px(browser: Any, live_server: Any, make_user: Any) -> None:
    created, versions = assessment_with_questions()
    for index, user in enumerate(learners(make_user, 12)):
        right = index < 4
        add_attempt(
            created.id,
            user,
            versions,
            [1.0 if right else 0.0, float(index % 2), 1.0],
            answers=[{"p0": "a" if right else "b"}, {"p0": {"blank_0": "x"}}, {"p0": "1"}],
        )
    staff = make_user("teacher")
    grant_course_role(staff, COURSE)
    page = logged_in_page(browser, live_server, staff, width=375)
    page.goto(f"{live_server.url}/ve-edu-vault/courses/{COURSE}/staff/")
    page.get_by_role("heading", name="Staff area").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot = artefact_dir() / "staff-area-375px.png"
    page.screenshot(path=str(shot), full_page=True)
    page.get_by_role("link", name="Statistics").first.click()
    page.get_by_role("heading", name="Statistics of Quiz").wait_for()
    chart = page.get_by_role("img", name="Score distribution")
    assert chart.is_visible() and chart.bounding_box()["width"] <= 375
    assert page.locator("table.distribution tbody tr").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # tables scroll inside their wrapper
    page.get_by_role("link", name="Facility").click()
    page.wait_for_url("**sort=facility**")
    rows = page.locator("table.questions tbody tr")
    assert rows.first.get_attribute("data-question-id") == str(versions[0].question_id)  # the hardest first
    assert page.locator('[data-flag="unused_distractor"]').count() == 1
    dashboard = artefact_dir() / "dashboard-375px.png"
    page.screenshot(path=str(dashboard), full_page=True)
    print(f"\nscreenshots of the staff area and the dashboard at 375 px: {shot}, {dashboard}")
    assert shot.stat().st_size > 5_000 and dashboard.stat().st_size > 10_000
