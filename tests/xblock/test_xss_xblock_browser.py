"""
Stored cross-site scripting in the vault assessment XBlock's student view (issue 18, item 3).

The XBlock mounts ``take.js`` on its element in the XBlock SDK workbench page; the questions carry
``xss_payloads.payload`` in every author field, one cleaned on save and one written as versions
stored before cleaning existed. A learner starts, asks for the hints, answers (the ``javascript:``
links clicked), submits and reads the result: ``window.__xss`` stays unset, no vector reaches the
block's DOM, and the allowed formatting renders.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from workbench_builders import BLOCK_KEY, learner, reset_workbench, staff
from xss_payloads import assert_formatting, assert_nothing_ran, hostile_content

from tests.browser_pages import chromium, logged_in_page
from ve_edu_vault.assessments import api
from ve_edu_vault.questions import api as questions
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import NewVersion
from ve_edu_vault.questions.repositories import get_repository
from ve_edu_vault.xblock.keys import WORKBENCH_COURSE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BLOCK = ".vault-block"


@pytest.fixture
def xss_browser() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def test_the_xblock_view_runs_no_author_script(
    xss_browser: Any, live_server: Any, make_user: Any, settings: Any
) -> None:
    settings.VE_EDU_VAULT_PLATFORM_BACKEND = "hosts.workbench_backend"
    reset_workbench()
    author, student = staff(make_user), learner(make_user)
    saved = questions.create_question(WORKBENCH_COURSE, content=hostile_content("SavedQ")).id
    raw_version = NewVersion.from_content(QuestionContent.from_dict(hostile_content("RawQ")))
    raw = get_repository().create(course_key=WORKBENCH_COURSE, version=raw_version).id
    created = api.create_assessment(
        WORKBENCH_COURSE,
        node_usage_key=None,
        title="Block quiz",
        config={
            "selection": {"mode": "fixed", "question_ids": [saved, raw]},
            "feedback": "after_submission",
            "hints_enabled": True,
        },
        author=author,
    )
    api.bind_block(BLOCK_KEY, assessment_id=created.id, by=author)

    page = logged_in_page(xss_browser, live_server, student)
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
        page.goto(f"{live_server.url}/workbench/scenario/ve_vault_assessment.0/?student={student.username}")
        block = page.locator(BLOCK)
        block.locator("button[id$='-start']").click()
        page.wait_for_selector(f"{BLOCK} fieldset.question >> nth=1")
        for question in block.locator("fieldset.question").all():
            question.locator("button[data-action=hint]").click()
        page.wait_for_function(f"document.querySelectorAll('{BLOCK} ol.hints li').length === 2")
        assert_nothing_ran(page, "XBlock attempt", f"{BLOCK} *")
        assert_formatting(block)
        for question in block.locator("fieldset.question").all():
            question.locator("input[type=radio][value=a]").check()
            question.locator("input[type=checkbox][value=x]").check()
            question.locator("select").select_option("o1")
        page.wait_for_function(
            f"document.querySelector('{BLOCK} [id$=\"-save-status\"]').textContent.includes('saved')"
        )
        block.get_by_role("button", name="Submit", exact=True).click()
        page.wait_for_selector(f"{BLOCK} dialog[open]")
        block.locator("button[id$='-confirm-submit']").click()
        block.locator(".explanation", has_text="EXPLMARK").first.wait_for()
        assert block.locator(".feedback-text", has_text="OPTFEEDMARK").count() == 2
        assert_nothing_ran(page, "XBlock result", f"{BLOCK} *")
