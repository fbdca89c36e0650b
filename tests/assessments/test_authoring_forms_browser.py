"""
The Studio assessment form in a real headless Chromium (CMS host, ``live_server``).

The form (``static/ve_edu_vault/assessments/authoring.js``) builds the JSON configuration the
server validates: create an assessment through it and check the stored config, see a field error
next to its control, and edit an existing assessment (the form is filled from its config).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rest_builders import COURSE, make_assessment, make_questions, staff

from tests.browser_pages import logged_in_page
from ve_edu_vault.assessments import api

pytestmark = [pytest.mark.browser, pytest.mark.cms, pytest.mark.django_db(transaction=True)]
PAGE = f"/ve-edu-vault/courses/{COURSE}/assessments/"


@pytest.fixture
def author(make_user: Any) -> Any:
    return staff(make_user)


@pytest.fixture
def page(browser: Any, live_server: Any, author: Any) -> Iterator[Any]:
    tab = logged_in_page(browser, live_server, author, width=375)
    yield tab
    assert tab.errors == []


def test_create_an_assessment_through_the_form(page: Any, live_server: Any, author: Any) -> None:
    ids = make_questions(author)
    page.goto(f"{live_server.url}{PAGE}")
    page.wait_for_selector("#a-question-list")
    assert not page.is_visible("#config")  # the JSON sits in a closed disclosure
    page.get_by_label("Title").fill("Weekly quiz")
    page.check("#a-mode-fixed")
    page.check(f"#a-q-{ids[0]}")
    page.check(f"#a-q-{ids[2]}")
    page.check("#a-shuffle-q")
    page.fill("#a-attempts", "2")
    page.fill("#a-time", "10")
    page.fill("#a-grace", "30")
    page.fill("#a-opens", "2026-03-01T09:00")
    page.fill("#a-closes", "2026-03-08T17:30")
    page.fill("#a-pass", "70")
    page.select_option("#a-scoring", "latest")
    page.uncheck("#a-graded")
    page.select_option("#a-behaviour", "interactive")
    page.fill("#a-tries", "3")
    page.fill("#a-try-penalty", "10")
    page.select_option("#a-feedback", "never")
    page.fill("#a-hint-penalty", "20")
    page.click("#create")
    page.wait_for_selector("#preview-form")
    assessment = api.list_assessments(COURSE)[0]
    config = assessment.config.to_dict()
    assert assessment.title == "Weekly quiz"
    assert config["selection"]["mode"] == "fixed" and config["selection"]["question_ids"] == [ids[0], ids[2]]
    assert config["shuffle_questions"] is True and config["shuffle_choices"] is False
    assert (config["attempt_limit"], config["time_limit_minutes"], config["grace_seconds"]) == (2, 10, 30)
    assert config["opens_at"] == "2026-03-01T09:00:00+00:00" and config["closes_at"] == "2026-03-08T17:30:00+00:00"
    assert config["pass_threshold"] == 0.7 and config["scoring"] == "latest" and config["graded"] is False
    assert (config["behaviour"], config["max_tries"], config["try_penalty"]) == ("interactive", 3, 0.1)
    assert config["feedback"] == "never" and config["hints_enabled"] is True and config["hint_penalty"] == 0.2
    # the edit page fills the form from the stored config
    assert page.input_value("#a-pass") == "70" and page.is_checked(f"#a-q-{ids[2]}")
    assert page.input_value("#a-opens") == "2026-03-01T09:00"


def test_random_selection_and_field_errors(page: Any, live_server: Any, author: Any) -> None:
    make_questions(author)
    page.goto(f"{live_server.url}{PAGE}")
    page.wait_for_selector("#a-question-list")
    page.get_by_label("Title").fill("Random quiz")
    page.check("#a-mode-random")
    assert page.is_visible("#a-count") and not page.is_visible("#a-question-list")
    page.fill("#a-count", "0")
    page.click("#create")
    page.wait_for_selector(".field-error")
    count = page.locator("#a-count")
    assert count.get_attribute("aria-invalid") == "true"
    error_id = page.locator(".field-error").get_attribute("id")
    assert error_id in count.get_attribute("aria-describedby")
    assert "config.selection.count" in page.text_content("#error")
    assert page.input_value("#title") == "Random quiz"  # what was typed is kept
    page.fill("#a-count", "2")
    page.select_option("#a-per", "tag")
    page.fill("#a-tags", "algebra, geometry")
    page.uncheck("#a-avoid")
    page.click("#create")
    page.wait_for_selector("#preview-form")
    selection = api.list_assessments(COURSE)[0].config.selection
    assert selection.mode.value == "random" and selection.count == 2 and selection.per.value == "tag"
    assert selection.tags == ("algebra", "geometry") and selection.avoid_seen is False


def test_edit_an_assessment_through_the_form(page: Any, live_server: Any, author: Any) -> None:
    assessment = make_assessment(author)
    page.goto(f"{live_server.url}{PAGE}{assessment.id}/")
    page.wait_for_selector("#a-question-list")
    assert page.input_value("#a-attempts") == "3"
    page.fill("#a-attempts", "")
    page.fill("#a-pass", "80")
    page.click("#save")
    page.wait_for_selector(".messages")
    config = api.get_assessment(assessment.id, course_key=COURSE).config
    assert config.attempt_limit is None and config.pass_threshold == 0.8
    assert config.selection.question_ids == assessment.config.selection.question_ids
