"""
The learner take page in a real headless Chromium (LMS host, ``live_server``).

End to end (start, answer, hint, confirm and submit, see the score), a timed attempt whose
countdown reaches zero (the page submits; the server records an expiry submission), the page at
375px wide, and answering a question with the keyboard only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from rest_builders import COURSE, learner, make_assessment, staff

from tests.browser_pages import logged_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _take_url(live_server: Any, assessment_id: int) -> str:
    return f"{live_server.url}/ve-edu-vault/courses/{COURSE}/assessments/{assessment_id}/"


def _fieldset(page: Any, title: str) -> Any:
    return page.locator("fieldset.question", has_text=title)


def test_take_end_to_end(browser: Any, live_server: Any, make_user: Any) -> None:
    assessment = make_assessment(staff(make_user))
    page = logged_in_page(browser, live_server, learner(make_user))
    page.goto(_take_url(live_server, assessment.id))
    page.click("#start")
    page.wait_for_selector("fieldset.question")
    assert page.locator("fieldset.question legend").count() == 3
    legends = page.locator("fieldset.question legend").all_text_contents()
    assert [legend.split(":")[0] for legend in legends] == ["Question 1", "Question 2", "Question 3"]
    capital = _fieldset(page, "Capital")
    capital.get_by_label("Paris").check()
    _fieldset(page, "Blank").get_by_label("Answer").fill("nope")
    _fieldset(page, "Number").get_by_label("Answer").fill("3")
    capital.locator("button[data-action=hint]").click()
    page.wait_for_selector("text=HINTMARKERONE")
    page.wait_for_function("document.getElementById('save-status').textContent.includes('saved')")
    page.click("#submit")
    page.wait_for_selector("#confirm[open]")
    page.click("#confirm-submit")
    page.wait_for_selector("#score")
    assert page.text_content("#score") == "33%"
    assert "HINTMARKERTWO" not in page.content() and "KEYMARKERBLANK" not in page.content()
    # after submission the explanation is released (after_submission policy)
    assert "EXPLMARKERQ1" in page.text_content("#result")


def test_timer_runs_out_at_375px(browser: Any, live_server: Any, make_user: Any) -> None:
    from django.utils import timezone

    from ve_edu_vault.assessments import api
    from ve_edu_vault.assessments.models import Attempt

    assessment = make_assessment(staff(make_user), time_limit_minutes=30)
    student = learner(make_user)
    attempt = api.start_attempt(assessment.id, student)
    Attempt.objects.filter(pk=attempt.id).update(deadline=timezone.now() + timedelta(seconds=6))
    page = logged_in_page(browser, live_server, student, width=375)
    page.goto(_take_url(live_server, assessment.id))
    page.wait_for_selector("fieldset.question")
    assert page.is_visible("#timer") and ":" in page.text_content("#timer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no horizontal scrolling
    _fieldset(page, "Capital").get_by_label("Paris").check()
    page.wait_for_function("document.getElementById('save-status').textContent.includes('saved')")
    page.wait_for_selector("#score", timeout=20_000)  # the countdown reached zero and the page submitted
    assert page.text_content("#score") == "33%"
    assert "Time is up" in page.text_content("#result-summary")
    assert not page.is_visible("#timer")  # the countdown is gone once the attempt is over
    finished = Attempt.objects.get(pk=attempt.id)
    assert finished.state == Attempt.GRADED and finished.submit_reason == "timer"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_keyboard_only(browser: Any, live_server: Any, make_user: Any) -> None:
    from ve_edu_vault.assessments import api

    assessment = make_assessment(staff(make_user))
    student = learner(make_user)
    page = logged_in_page(browser, live_server, student)
    page.goto(_take_url(live_server, assessment.id))
    for _ in range(10):  # Tab to the Start button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "start":
            break
    assert page.evaluate("document.activeElement.id") == "start"
    page.keyboard.press("Enter")
    page.wait_for_selector("fieldset.question")
    page.wait_for_function("document.activeElement && document.activeElement.type === 'radio'")
    page.keyboard.press("Space")  # the first choice of the first question: Paris
    page.keyboard.press("ArrowDown")  # radio group: moves to and selects Lyon
    page.keyboard.press("ArrowUp")  # and back to Paris
    page.wait_for_function("document.getElementById('save-status').textContent.includes('saved')")
    current = api.get_current_attempt(assessment.id, student)
    assert current is not None
    capital = next(q for q in current.questions if q.question["title"] == "Capital")
    assert capital.answer == {"p0": "a"}
    # every input has a label
    unlabeled = page.evaluate(
        "Array.from(document.querySelectorAll('#questions input, #questions select'))"
        ".filter(i => !(i.labels && i.labels.length)).length"
    )
    assert unlabeled == 0


def test_a_page_without_an_attempt_in_progress_logs_no_error(browser: Any, live_server: Any, make_user: Any) -> None:
    """The page asks for the attempt in progress on every load; none is not an error (no 404 in the console)."""
    assessment = make_assessment(staff(make_user))
    page = logged_in_page(browser, live_server, learner(make_user))
    failed: list[str] = []
    errors: list[str] = []
    page.on(
        "response",
        lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.on(
        "console",
        lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None,
    )
    with page.expect_response(lambda response: response.url.endswith("/attempts/current/")) as current:
        page.goto(_take_url(live_server, assessment.id))
    assert current.value.status == 200 and current.value.json() is None
    page.wait_for_load_state("networkidle")
    assert page.is_visible("#start") and page.locator("fieldset.question").count() == 0
    assert failed == [] and errors == []
