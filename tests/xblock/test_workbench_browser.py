"""
A learner takes a vault assessment inside the XBlock SDK workbench page, in a real headless Chromium.

The workbench renders the unit (its vertical) with the block's ``student_view``; the workbench's XBlock JS
runtime calls ``VaultAssessmentBlock``, which mounts ``take.js`` on the block; the learner starts, answers with
the keyboard and the mouse, submits and sees the score, at 375 px wide without horizontal scrolling. The
screenshot is kept as a test artefact (its path is printed) under the test data folder.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from workbench_builders import learner, questions, reset_workbench, staff

from tests.browser_pages import artefact_dir, logged_in_page
from ve_edu_vault.assessments import api
from ve_edu_vault.xblock.keys import WORKBENCH_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def widest_in_block(page: Any) -> float:
    """
    The right edge of the block's widest element, and of what overflows inside it. (The workbench's own page
    banner is 475 px wide whatever the viewport: the page's scroll width measures the workbench, not the block.)
    """
    return float(
        page.evaluate(
            """() => {
              const block = document.querySelector('.vault-block');
              const edges = Array.from(block.querySelectorAll('*'), e => e.getBoundingClientRect().right);
              return Math.max(block.getBoundingClientRect().left + block.scrollWidth, ...edges);
            }"""
        )
    )


def test_take_an_assessment_in_the_workbench_at_375px(
    browser: Any, live_server: Any, make_user: Any, settings: Any
) -> None:
    settings.VE_EDU_VAULT_PLATFORM_BACKEND = "hosts.workbench_backend"
    reset_workbench()
    author, student = staff(make_user), learner(make_user)
    ids = questions()
    created = api.create_assessment(
        WORKBENCH_COURSE,
        node_usage_key=None,
        title="Block quiz",
        config={"selection": {"mode": "fixed", "question_ids": ids}, "feedback": "after_submission"},
        author=author,
    )
    from workbench_builders import BLOCK_KEY

    api.bind_block(BLOCK_KEY, assessment_id=created.id, by=author)

    page = logged_in_page(browser, live_server, student, width=375)
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
        page.goto(f"{live_server.url}/workbench/scenario/ve_vault_assessment.0/?student={student.username}")
        block = page.locator(".vault-block")
        start = block.locator("button[id$='-start']")
        start.wait_for()
        assert "<iframe" not in page.content()
        start.click()
        page.wait_for_selector(".vault-block fieldset.question")
        assert block.locator("fieldset.question legend").count() == 3
        capital = block.locator("fieldset.question", has_text="Capital")
        capital.get_by_label("Paris").focus()
        page.keyboard.press("Space")  # the keyboard picks the answer
        assert capital.get_by_label("Paris").is_checked()
        block.locator("fieldset.question", has_text="Blank").get_by_label("Answer").fill("nope")
        block.locator("fieldset.question", has_text="Number").get_by_label("Answer").fill("3")
        page.wait_for_function(
            "document.querySelector('.vault-block [id$=\"-save-status\"]').textContent.includes('saved')"
        )
        assert widest_in_block(page) <= 375  # nothing of the block needs horizontal scrolling
        block.get_by_role("button", name="Submit", exact=True).click()
        page.wait_for_selector(".vault-block dialog[open]")
        block.locator("button[id$='-confirm-submit']").click()
        score = block.locator("[id$='-score']")
        score.wait_for()
        assert score.text_content() == "25%"  # 1 of 4 points: Paris right, the other two wrong
        assert widest_in_block(page) <= 375
        shot = artefact_dir() / "xblock-workbench-375px.png"
        page.screenshot(path=str(shot), full_page=True)
    print(f"\nscreenshot of the vault assessment XBlock in the workbench: {shot}")
    assert shot.stat().st_size > 10_000
    assert page.errors == []
    page.context.close()
