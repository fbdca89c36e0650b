"""
Stored cross-site scripting on the LTI launch page, in a real headless Chromium (issue 18, item 3): the platform's
course page (lti-consumer-xblock's platform) frames the tool, which renders the hostile course's assessment
(``xss_payloads.hostile_course``: payloads in every author field, the title and the synced display names) to an
LTI learner who starts, answers and submits it, and to an instructor (the roster page). Nothing may run in the
tool's frame or reach the platform's page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from lti_harness import PlatformServer, bind_link, platform_server
from xss_payloads import FLAG, FOUND_IN_DOM, hostile_course

from tests.browser_pages import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xss_browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def framed_platform(live_server: Any) -> Iterator[PlatformServer]:
    with platform_server(live_server.url, key_per_request=True) as server:  # ADR 0034: why its own, slower one
        yield server


def nothing_ran(page: Any, frame: Any, where: str) -> None:
    for link in frame.locator("a", has_text="jslink-").all():
        if link.is_visible():
            link.click()
    frame.wait_for_load_state("networkidle")
    frame.wait_for_timeout(300)
    assert frame.evaluate(f"window.{FLAG} || null") is None, f"{where}: a payload ran in the tool"
    assert page.evaluate(f"window.{FLAG} || null") is None, f"{where}: a payload ran in the platform's page"
    assert frame.evaluate(FOUND_IN_DOM, "*") == [], where
    assert frame.evaluate("document.querySelectorAll('#submit').length") <= 1, f"{where}: #submit clobbered"
    assert page.errors == [], f"{where}: {page.errors}"


def test_the_lti_launch_page_runs_no_author_script(
    xss_browser: Any, live_server: Any, framed_platform: PlatformServer, settings: Any, make_user: Any
) -> None:
    from tests.assessments.rest_builders import COURSE, staff

    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"
    framed_platform.register()
    ids = hostile_course(staff(make_user), COURSE)
    bind_link(ids["assessment"])
    login_url = framed_platform.control("login", user_id="xss-learner", role="student", name="Eve")["url"]
    # The platform offers its storage (ADR 0021): the framed launch needs no cookie, which Chromium blocks here.
    login_url += "&lti_storage_target=_parent"
    page = xss_browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{framed_platform.url}/page?storage=parent&launch={quote(login_url, safe='')}")
    frame_locator = page.frame_locator("#tool")
    frame_locator.locator("#start").wait_for()
    frame = next(f for f in page.frames if f.url.startswith(f"{live_server.url}/ve-edu-vault/lti/launch/"))
    assert "QuizMark <img" in frame.text_content("body")  # the assessment's title is text
    nothing_ran(page, frame, "launch page")

    frame.click("#start")
    frame.wait_for_selector("fieldset.question >> nth=1")
    for question in frame.locator("fieldset.question").all():
        question.locator("button[data-action=hint]").click()
    frame.wait_for_function("document.querySelectorAll('ol.hints li').length === 2")
    nothing_ran(page, frame, "attempt in the frame")
    for question in frame.locator("fieldset.question").all():
        question.locator("input[type=radio][value=a]").check()
    frame.wait_for_function("document.getElementById('save-status').textContent.includes('saved')")
    frame.click("#submit")
    frame.click("#confirm-submit")
    frame.wait_for_selector("#result:not([hidden])")
    assert frame.locator("#result .explanation", has_text="EXPLMARK").count() == 2
    nothing_ran(page, frame, "result in the frame")


def test_the_instructors_roster_page_runs_no_author_script(
    xss_browser: Any, live_server: Any, framed_platform: PlatformServer, settings: Any, make_user: Any
) -> None:
    """An instructor's launch shows the platform's roster beside the vault's results (the assessment's title)."""
    from tests.assessments.rest_builders import COURSE, staff

    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    framed_platform.register()
    ids = hostile_course(staff(make_user), COURSE)
    bind_link(ids["assessment"])
    login_url = framed_platform.control("login", user_id="xss-teacher", role="staff", name="Mallory")["url"]
    login_url += "&lti_storage_target=_parent"  # platform storage: no cookie needed in the frame (ADR 0021)
    page = xss_browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{framed_platform.url}/page?storage=parent&launch={quote(login_url, safe='')}")
    page.frame_locator("#tool").locator("table#roster").wait_for()
    frame = next(f for f in page.frames if f.url.startswith(f"{live_server.url}/ve-edu-vault/lti/launch/"))
    assert frame.locator("table#roster").count() == 1  # the roster page, not a refusal
    assert "QuizMark <img" in frame.text_content("h1")
    nothing_ran(page, frame, "roster page")
