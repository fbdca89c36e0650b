"""The Studio authoring page: list, create, edit, preview-grade (Django test client; Playwright if available)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from hosts.standalone_platform.backend import grant_course_role
from tests.browser_pages import logged_in_page
from ve_edu_vault.questions import api

pytestmark = [pytest.mark.cms]
COURSE = CourseKey.from_string("course-v1:TestX+Course+1")
PAGE = f"/ve-edu-vault/courses/{COURSE}/questions/"
CONTENT = {
    "title": "Capital",
    "parts": [
        {
            "id": "p0",
            "type": "multiple_choice",
            "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
            "answer_key": {"correct": "a"},
        }
    ],
}


@pytest.fixture
def staff_client(client: Any, make_user: Any) -> Any:
    user = make_user("author")
    grant_course_role(user, COURSE)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_learner_is_refused(client: Any, make_user: Any) -> None:
    client.force_login(make_user("learner"))
    assert client.get(PAGE).status_code == 403


@pytest.mark.django_db
def test_create_edit_preview(staff_client: Any) -> None:
    page = staff_client.get(PAGE)
    assert page.status_code == 200 and b"create-form" in page.content
    created = staff_client.post(PAGE, {"content": json.dumps(CONTENT), "node_usage_key": ""})
    assert created.status_code == 302
    question = api.list_questions(COURSE).items[0]
    edit_url = created["Location"]
    assert staff_client.get(PAGE).content.count(b"Capital") >= 1
    changed = dict(CONTENT, title="Capital city")
    assert staff_client.post(edit_url, {"action": "save", "content": json.dumps(changed)}).status_code == 302
    assert api.get_question(question.id).current_version.number == 2
    graded = staff_client.post(edit_url, {"action": "preview", "answer-0": "a"})  # the radio button of "Paris"
    assert graded.status_code == 200 and b'id="score">1.0<' in graded.content
    assert b'value="a" checked' in graded.content  # the form shows the answer it graded
    assert staff_client.post(edit_url, {"action": "archive"}).status_code == 302
    assert api.get_question(question.id).archived


@pytest.mark.django_db
def test_the_new_question_form_starts_empty_and_creates_nothing_untouched(staff_client: Any) -> None:
    from ve_edu_vault.questions.views import NEW_QUESTION_CONTENT

    page = staff_client.get(PAGE).content.decode()
    assert "France" not in page and "Paris" not in page  # no real question waiting to be created by accident
    data = json.loads(page.split('id="question-page-data" type="application/json">')[1].split("</script>")[0])
    assert data["content"]["title"] == "" and data["content"]["prompt"] == ""
    assert {choice["text"] for choice in data["content"]["parts"][0]["config"]["choices"]} == {""}
    untouched = staff_client.post(PAGE, {"content": json.dumps(NEW_QUESTION_CONTENT), "node_usage_key": ""})
    assert untouched.status_code == 400 and b"content.parts[0].config.choices[0].text" in untouched.content
    assert not api.list_questions(COURSE).items


PREVIEWED = [
    (
        "multiple_choice",
        {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
        {"correct": "a"},
        {"answer-0": "a"},
        1.0,
    ),
    (
        "multi_select",
        {"choices": [{"id": "a", "text": "2"}, {"id": "b", "text": "3"}, {"id": "c", "text": "4"}]},
        {"correct": ["a", "b"]},
        {"answer-0": ["a", "b"]},
        1.0,
    ),
    (
        "dropdown",
        {"options": [{"id": "x", "text": "Red"}, {"id": "y", "text": "Blue"}]},
        {"correct": "y"},
        {"answer-0": "x"},
        0.0,
    ),
    ("numeric", {}, {"value": 0.75, "tolerance": 0.01, "tolerance_mode": "absolute"}, {"answer-0": " 0.75 "}, 1.0),
    (
        "fill_in_blank",
        {"blanks": [{"id": "b1"}, {"id": "b2"}]},
        {"blanks": {"b1": {"answers": ["Paris"]}, "b2": {"answers": ["Rome"]}}},
        {"answer-0-0": "paris", "answer-0-1": "Oslo"},
        0.5,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("qtype", "cfg", "key", "posted", "score"), PREVIEWED, ids=[row[0] for row in PREVIEWED])
def test_preview_grade_asks_with_the_learners_controls(
    staff_client: Any, qtype: str, cfg: dict[str, Any], key: dict[str, Any], posted: dict[str, Any], score: float
) -> None:
    content = {"title": qtype, "parts": [{"id": "p0", "type": qtype, "config": cfg, "answer_key": key}]}
    question = api.create_question(COURSE, content=content)
    url = f"{PAGE}{question.id}/"
    form = staff_client.get(url).content.decode()
    assert 'name="answers"' not in form  # no raw JSON to write
    control = {
        "multiple_choice": 'type="radio"',
        "multi_select": 'type="checkbox"',
        "dropdown": "<select",
        "numeric": 'inputmode="decimal"',
        "fill_in_blank": 'name="answer-0-1"',
    }[qtype]
    assert control in form.split('id="preview-form"')[1]
    graded = staff_client.post(url, {"action": "preview", **posted})
    assert graded.status_code == 200, graded.content
    assert f'id="score">{score}<' in graded.content.decode()


@pytest.mark.django_db
def test_preview_grade_of_an_unanswered_part_and_of_a_type_without_a_form(staff_client: Any) -> None:
    question = api.create_question(COURSE, content=CONTENT)
    url = f"{PAGE}{question.id}/"
    nothing = staff_client.post(url, {"action": "preview"})  # no choice ticked: unanswered, scores 0
    assert nothing.status_code == 200 and b'id="score">0.0<' in nothing.content
    from django.http import QueryDict

    from ve_edu_vault.questions.views import preview_answers, preview_parts

    parts = preview_parts({"parts": [{"id": "p0", "type": "likert", "config": {}}]})
    assert not parts[0]["form"]
    answers, shown = preview_answers(QueryDict("answer-0-json=%7B%22level%22%3A+3%7D"), parts)
    assert answers == {"p0": {"level": 3}} and shown == {"answer-0-json": '{"level": 3}'}
    from ve_edu_vault.errors import VaultError

    with pytest.raises(VaultError) as bad:
        preview_answers(QueryDict("answer-0-json=%7Bnope"), parts)
    assert bad.value.field == "answers.p0"


@pytest.mark.django_db
def test_invalid_content_shows_the_field(staff_client: Any) -> None:
    bad = dict(CONTENT, parts=[dict(CONTENT["parts"][0], answer_key={"correct": "zzz"})])
    response = staff_client.post(PAGE, {"content": json.dumps(bad)})
    assert response.status_code == 400 and b"content.parts[0]" in response.content
    assert staff_client.post(PAGE, {"content": "{nope"}).status_code == 400


@pytest.fixture
def author_tab(browser: Any, live_server: Any, make_user: Any) -> Iterator[Any]:
    """The question page in Chromium as a course author (375 px wide), failing the test on a script error."""
    user = make_user("browser_author")
    grant_course_role(user, COURSE)
    page = logged_in_page(browser, live_server, user, width=375)
    page.goto(f"{live_server.url}{PAGE}")
    yield page
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_create_and_preview(author_tab: Any) -> None:
    page = author_tab
    page.click("#json-advanced summary")
    page.fill("#content", json.dumps(CONTENT))
    page.click("#create")
    page.wait_for_selector("#preview-form")
    page.get_by_label("Paris").check()  # a radio button per choice, as the learner has
    page.click("#preview")
    assert page.text_content("#score") == "1.0"


# ---------------------------------------------------------------------------------------------
# The question form (authoring.js): the JSON is built from typed fields.


@pytest.mark.django_db
def test_page_ships_the_form_script_and_data(staff_client: Any) -> None:
    page = staff_client.get(PAGE)
    assert b"questions/authoring.js" in page.content and b'id="question-page-data"' in page.content
    assert b'id="json-advanced"' in page.content and b'for="node_usage_key"' in page.content
    bad = dict(
        CONTENT,
        parts=[dict(CONTENT["parts"][0], config={"choices": [{"id": "a", "text": "x"}, {"id": "b", "text": ""}]})],
    )
    response = staff_client.post(PAGE, {"content": json.dumps(bad)})
    assert response.status_code == 400
    assert b'"field": "content.parts[0].config.choices[1].text"' in response.content


@pytest.fixture
def author_page(author_tab: Any) -> Any:
    author_tab.wait_for_selector("#q-type")
    return author_tab


def _choice(page: Any, index: int) -> Any:
    return page.locator("#choice-list > li").nth(index)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_creates_a_multiple_choice_question(author_page: Any) -> None:
    page = author_page
    page.select_option("#q-type", "multiple_choice")
    page.fill("#q-title", "Largest planet")
    page.fill("#q-prompt", "<p>Which planet is the largest?</p>")
    _choice(page, 0).get_by_label("Text").fill("Mars")
    _choice(page, 1).get_by_label("Text").fill("Jupiter")
    _choice(page, 1).get_by_label("Correct answer").check()
    _choice(page, 1).get_by_label("Feedback (optional)").fill("Yes, by far.")
    page.click("text=Add choice")
    _choice(page, 2).get_by_label("Text").fill("Venus")
    page.check("#q-shuffle")
    page.click("text=Add hint")
    page.locator("#hint-list > li").nth(0).get_by_label("Text").fill("Think of gas giants.")
    page.locator("#hint-list > li").nth(0).get_by_label("Penalty, % of the score (optional)").fill("25")
    page.fill("#q-tags", "astronomy, planets")
    page.fill("#q-points", "2")
    page.click("#create")
    page.wait_for_selector("#preview-form")
    question = api.list_questions(COURSE).items[0]
    content = question.current_version.content
    assert content["title"] == "Largest planet" and content["tags"] == ["astronomy", "planets"]
    assert content["points"] == 2 and content["hints"] == [{"text": "Think of gas giants.", "penalty": 0.25}]
    part = content["parts"][0]
    assert part["type"] == "multiple_choice" and part["config"]["shuffle"] is True
    assert [c["text"] for c in part["config"]["choices"]] == ["Mars", "Jupiter", "Venus"]
    jupiter = part["config"]["choices"][1]["id"]
    assert part["answer_key"] == {"correct": jupiter, "feedback": {jupiter: "Yes, by far."}}
    # the edit page fills the form from the current version; preview-grade still works
    assert page.input_value("#q-title") == "Largest planet"
    assert _choice(page, 1).get_by_label("Correct answer").is_checked()
    page.locator("#preview-form").get_by_label("Jupiter").check()
    page.click("#preview")
    assert page.text_content("#score") == "1.0"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_creates_a_numeric_question_and_edits_it(author_page: Any) -> None:
    page = author_page
    page.select_option("#q-type", "numeric")
    page.fill("#q-title", "Pi")
    page.fill("#q-num-value", "3.14")
    page.fill("#q-num-tolerance", "1")
    page.select_option("#q-num-mode", "percent")
    page.click("#create")
    page.wait_for_selector("#preview-form")
    question = api.list_questions(COURSE).items[0]
    key = question.current_version.content["parts"][0]["answer_key"]
    assert key == {"value": 3.14, "tolerance": 1, "tolerance_mode": "percent"}
    # edit: switch to a range; a new version appears
    assert page.input_value("#q-num-value") == "3.14"
    page.check("#q-num-range")
    page.fill("#q-num-low", "3")
    page.fill("#q-num-high", "3.2")
    page.fill("#q-title", "Pi, roughly")
    page.click("#save")
    page.wait_for_selector(".messages")
    assert page.text_content("#qversion") == "2"
    current = api.get_question(question.id).current_version
    assert current.number == 2 and current.title == "Pi, roughly"
    assert current.content["parts"][0]["answer_key"] == {
        "range": {"low": 3, "high": 3.2, "low_inclusive": True, "high_inclusive": True}
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_shows_the_field_error_for_an_empty_choice(author_page: Any) -> None:
    page = author_page
    page.select_option("#q-type", "multi_select")
    page.fill("#q-title", "Primes")
    _choice(page, 0).get_by_label("Text").fill("2")
    _choice(page, 0).get_by_label("Correct answer").check()
    _choice(page, 1).get_by_label("Text").fill("")
    page.select_option("#q-partial", "edc")
    page.click("#create")
    page.wait_for_selector(".field-error")
    assert api.list_questions(COURSE).total == 0
    text_input = _choice(page, 1).get_by_label("Text")
    assert text_input.get_attribute("aria-invalid") == "true"
    error_id = page.locator(".field-error").get_attribute("id")
    assert error_id in text_input.get_attribute("aria-describedby")
    assert "Must not be empty" in page.text_content(f"#{error_id}")
    assert "content.parts[0].config.choices[1].text" in page.text_content("#error")
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    # the form kept what was typed, and fixing the field creates the question
    assert page.input_value("#q-title") == "Primes" and page.input_value("#q-partial") == "edc"
    text_input.fill("4")
    page.click("#create")
    page.wait_for_selector("#preview-form")
    part = api.list_questions(COURSE).items[0].current_version.content["parts"][0]
    assert part["config"]["partial_credit"] == "edc" and len(part["answer_key"]["correct"]) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_form_creates_a_fill_in_the_blank_question(author_page: Any) -> None:
    page = author_page
    page.select_option("#q-type", "fill_in_blank")
    page.fill("#q-title", "Capital")
    page.locator("#blank-list > li").nth(0).get_by_label("Accepted answers, one per line").fill("Paris\nParís")
    page.locator("#blank-list > li").nth(0).get_by_label("Ignore accents").check()
    page.click("#create")
    page.wait_for_selector("#preview-form")
    part = api.list_questions(COURSE).items[0].current_version.content["parts"][0]
    assert part["answer_key"]["blanks"]["blank_0"]["answers"] == ["Paris", "París"]
    assert part["answer_key"]["blanks"]["blank_0"]["ignore_accents"] is True
