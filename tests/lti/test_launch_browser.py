"""
A learner takes an assessment inside an LTI launch in a real headless Chromium: the platform's course page
(lti-consumer-xblock's platform on http://127.0.0.1) frames the tool (the LMS host on http://localhost, another
site), third-party cookies blocked; the learner starts, answers and submits in the frame, and the score
arrives at the platform's AGS endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from lti_harness import DEPLOYMENT_ID, ISSUER, PlatformServer, platform_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Chromium's switch for the third-party cookie phase-out: the tool must work without its cookies in the frame.
ARGS = ["--no-sandbox", "--disable-gpu", "--headless=new", "--test-third-party-cookie-phaseout"]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def framed_platform(live_server: Any) -> Iterator[PlatformServer]:
    assert "localhost" in live_server.url  # the tool's host name; the platform serves 127.0.0.1
    with platform_server(live_server.url) as server:
        yield server


def test_a_learner_completes_an_assessment_framed_by_the_platform_and_the_score_arrives(
    browser: Any, live_server: Any, framed_platform: PlatformServer, settings: Any
) -> None:
    from tests.assessments.api_builders import KEY_BLANK, KEY_NUMBER, make_assessment
    from ve_edu_vault.lti import ags, api

    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"  # the drain runs in the submit request (no worker here)
    framed_platform.register()
    assessment = make_assessment(block=None)
    api.link_resource(
        issuer=ISSUER,
        deployment_id=DEPLOYMENT_ID,
        context_id="ctx-1",
        resource_link_id="rl-1",
        assessment_id=assessment.id,
    )
    login_url = framed_platform.control("login", user_id="browser-learner", role="student", name="Grace Hopper")["url"]
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{framed_platform.url}/page?launch={quote(login_url, safe='')}")
    assert page.url.startswith("http://127.0.0.1")
    frame = page.frame_locator("#tool")
    frame.locator("#start").click()
    frame.locator("fieldset.question").first.wait_for()
    frame.locator("fieldset.question", has_text="Capital").get_by_label("Paris").check()
    frame.locator("fieldset.question", has_text="Blank").get_by_label("Answer").fill(KEY_BLANK.lower())
    frame.locator("fieldset.question", has_text="Number").get_by_label("Answer").fill(str(KEY_NUMBER))
    frame.locator("#submit").click()
    frame.locator("#confirm-submit").click()
    frame.locator("#score").wait_for()
    assert frame.locator("#score").text_content() == "100%"
    tool_frame = next(f for f in page.frames if f.url.startswith(live_server.url))
    assert tool_frame.url.startswith(f"{live_server.url}/ve-edu-vault/lti/launch/")
    assert page.context.cookies(live_server.url) == [] or all(
        cookie["name"].startswith("lti1p3") for cookie in page.context.cookies(live_server.url)
    )  # the page never needed a session or CSRF cookie of the tool

    # The submit's drain queued the AGS score; the worker's task sends it (run here: no worker in this test).
    assert ags.deliver_due() == (1, 0)
    arrived = [s for s in framed_platform.get("/control/scores")["scores"] if s["userId"] == "browser-learner"]
    assert len(arrived) == 1 and arrived[0]["scoreGiven"] == arrived[0]["scoreMaximum"] == 4.0
