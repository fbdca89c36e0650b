"""
A learner takes an assessment inside an LTI launch in a real headless Chromium with third-party cookies blocked:
the platform's course page (lti-consumer-xblock's platform on http://127.0.0.1) frames the tool (the LMS host on
http://localhost, another site). docs/decisions/0021-lti-platform-storage.rst.

- Platform storage: the platform names its storage (``lti_storage_target=_parent``); the tool binds state and
  nonce through ``lti.put_data``/``lti.get_data``; the learner completes the assessment in the frame and the
  score arrives. The server never receives a cookie of the tool.
- New window: no platform storage; the state cookie the tool sets at login never comes back to the framed launch
  (the server sees none), so the frame offers a new window; there the cookie is first-party, the launch passes
  and the learner completes the assessment; the score arrives.
- A platform storage that answers with another value refuses the launch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from lti_harness import PlatformServer, platform_server, registered_and_bound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Chromium's switch that blocks third-party cookies (the third-party cookie phase-out's test mode). The tests
# below also check it worked: the framed launch reaches the server without the cookie the login set.
ARGS = ["--no-sandbox", "--disable-gpu", "--headless=new", "--test-third-party-cookie-phaseout"]
TOOL_PATH = "/ve-edu-vault/lti/"


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
    with platform_server(live_server.url, key_per_request=True) as server:  # ADR 0034: why its own, slower one
        yield server


@pytest.fixture
def tool_requests() -> Iterator[list[tuple[str, str, str]]]:
    """(method, path, Cookie header) of every request the tool's LTI endpoints received, as the server saw it."""
    from django.core.signals import request_started

    seen: list[tuple[str, str, str]] = []

    def record(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if environ and str(environ.get("PATH_INFO", "")).startswith(TOOL_PATH):
            seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_COOKIE", "")))

    request_started.connect(record, dispatch_uid="lti-browser-tool-requests")
    try:
        yield seen
    finally:
        request_started.disconnect(dispatch_uid="lti-browser-tool-requests")


@pytest.fixture
def bound_live(live_server: Any, framed_platform: PlatformServer, settings: Any) -> Any:
    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"  # the drain runs in the submit request (no worker here)
    return registered_and_bound(framed_platform)


def _course_page(browser: Any, platform: PlatformServer, user_id: str, *, storage: str, on_response: Any = None) -> Any:
    login_url = platform.control("login", user_id=user_id, role="student", name="Grace Hopper")["url"]
    if storage:
        login_url += "&lti_storage_target=_parent"  # the platform offers its storage (this page: "_parent")
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    if on_response is not None:
        context.on("response", on_response)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{platform.url}/page?storage={storage}&launch={quote(login_url, safe='')}")
    assert page.url.startswith("http://127.0.0.1")
    return page


def _complete(scope: Any) -> None:
    from tests.assessments.api_builders import KEY_BLANK, KEY_NUMBER

    scope.locator("#start").click()
    scope.locator("fieldset.question").first.wait_for()
    scope.locator("fieldset.question", has_text="Capital").get_by_label("Paris").check()
    scope.locator("fieldset.question", has_text="Blank").get_by_label("Answer").fill(KEY_BLANK.lower())
    scope.locator("fieldset.question", has_text="Number").get_by_label("Answer").fill(str(KEY_NUMBER))
    scope.locator("#submit").click()
    scope.locator("#confirm-submit").click()
    scope.locator("#score").wait_for()
    assert scope.locator("#score").text_content() == "100%"


def _score_arrives(platform: PlatformServer, user_id: str) -> None:
    from ve_edu_vault.lti import ags

    # The submit's drain queued the AGS score; the worker's task sends it (run here: no worker in this test).
    assert ags.deliver_due() == (1, 0)
    arrived = [s for s in platform.get("/control/scores")["scores"] if s["userId"] == user_id]
    assert len(arrived) == 1 and arrived[0]["scoreGiven"] == arrived[0]["scoreMaximum"] == 4.0


def test_platform_storage_binds_the_launch_without_any_cookie_and_the_score_arrives(
    browser: Any, live_server: Any, framed_platform: PlatformServer, bound_live: Any, tool_requests: list[Any]
) -> None:
    page = _course_page(browser, framed_platform, "storage-learner", storage="parent")
    frame = page.frame_locator("#tool")
    _complete(frame)

    tool_frame = next(f for f in page.frames if f.url.startswith(live_server.url))
    assert tool_frame.url == f"{live_server.url}{TOOL_PATH}launch/verify/"
    paths = [(method, path) for method, path, _cookie in tool_requests]
    assert paths[:3] == [
        ("GET", f"{TOOL_PATH}login/"),
        ("POST", f"{TOOL_PATH}launch/"),
        ("POST", f"{TOOL_PATH}launch/verify/"),
    ]
    assert all(cookie == "" for _method, _path, cookie in tool_requests), tool_requests  # no cookie, ever
    messages = page.evaluate("window.ltiMessages")
    tool_origin = live_server.url.rstrip("/")
    assert [m["subject"] for m in messages] == ["lti.put_data"] * 2 + ["lti.get_data"] * 2
    assert {m["origin"] for m in messages} == {tool_origin}
    keys = [m["key"] for m in messages]
    assert keys[0].startswith("lti1p3-state-state-") and keys[1].startswith("lti1p3-nonce-")
    assert sorted(keys[:2]) == sorted(keys[2:])  # the launch read back exactly what the login put
    _score_arrives(framed_platform, "storage-learner")


def test_without_cookies_or_platform_storage_the_tool_opens_in_a_new_window_and_the_score_arrives(
    browser: Any, live_server: Any, framed_platform: PlatformServer, bound_live: Any, tool_requests: list[Any]
) -> None:
    login_responses: list[Any] = []

    def on_response(response: Any) -> None:
        if response.url.startswith(f"{live_server.url}{TOOL_PATH}login/"):
            login_responses.append(response)

    page = _course_page(browser, framed_platform, "window-learner", storage="", on_response=on_response)
    frame = page.frame_locator("#tool")
    frame.locator("#vault-lti-new-window").wait_for()
    # The framed login did set the state cookie; the browser did not send it back to the framed launch.
    framed_launch = [c for m, p, c in tool_requests if (m, p) == ("POST", f"{TOOL_PATH}launch/")]
    assert framed_launch == [""], tool_requests
    with page.context.expect_page() as opened:
        frame.locator("#vault-lti-new-window").click()
    window = opened.value
    window.set_default_timeout(20_000)
    _complete(window)
    assert window.url == f"{live_server.url}{TOOL_PATH}launch/"

    assert len(login_responses) == 2  # the framed login and the window's
    assert all("lti1p3-state-" in (r.header_value("set-cookie") or "") for r in login_responses)
    assert "SameSite=None" in login_responses[0].header_value("set-cookie")
    launches = [c for m, p, c in tool_requests if (m, p) == ("POST", f"{TOOL_PATH}launch/")]
    assert len(launches) == 2 and launches[0] == ""  # the framed launch: no cookie
    assert launches[1].startswith("lti1p3-state-") and "=state-" in launches[1]  # the window's: the state cookie
    _score_arrives(framed_platform, "window-learner")


def test_a_platform_storage_holding_another_value_refuses_the_launch(
    browser: Any, live_server: Any, framed_platform: PlatformServer, bound_live: Any, tool_requests: list[Any]
) -> None:
    page = _course_page(browser, framed_platform, "tampered-learner", storage="tamper")
    frame = page.frame_locator("#tool")
    frame.locator("#check").wait_for()
    assert frame.locator("#check").text_content() == "platform_storage"
    assert frame.locator("#start").count() == 0
