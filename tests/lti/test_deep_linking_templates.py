"""
Deep Linking: an instructor creates a new assessment from a template in the picker, and the tool returns it as a
signed ``LtiResourceLink`` with a line item; lti-consumer-xblock's platform verifies the response (the tool
served over HTTP, the platform fetching its JWKS) and the new link's first launch opens the new assessment.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from lti_harness import PlatformServer, browser_launch, deep_link_returned, registered_and_bound

from tests.assessments.api_builders import COURSE, SUBTOPIC

pytestmark = pytest.mark.django_db(transaction=True)
RESPOND = "/ve-edu-vault/lti/deep-linking/respond/"


@pytest.fixture
def tool(settings: Any, live_server: Any, live_platform: PlatformServer) -> Any:
    settings.VE_EDU_VAULT_LTI_BASE_URL = live_server.url
    return registered_and_bound(live_platform, attempt_limit=3, time_limit_minutes=20)


def picker(platform: PlatformServer) -> tuple[str, str]:
    page = browser_launch(platform, role="staff", message_type="LtiDeepLinkingRequest", user_id="teacher-t")
    assert page.status_code == 200 and 'id="create"' in page.text, page.text[:500]
    session = re.search(r'name="session" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return session, page.text


def test_the_picker_offers_the_templates_and_the_course_sections(live_platform: PlatformServer, tool: Any) -> None:
    _session, page = picker(live_platform)
    for value in ("practice", "quiz", "exam", f"copy:{tool.id}"):
        assert f'name="template" value="{value}"' in page
    assert f'<option value="{SUBTOPIC}">Unit / Quiz</option>' in page
    assert f'<option value="{COURSE.make_usage_key("chapter", "unit")}">Unit</option>' in page


def test_a_quiz_drawn_from_a_section_is_created_returned_with_a_line_item_and_launched(
    live_platform: PlatformServer, tool: Any, live_server: Any
) -> None:
    from ve_edu_vault.assessments import api as assessments
    from ve_edu_vault.audit.models import AuditEntry
    from ve_edu_vault.lti.models import LtiResourceLink

    session, _page = picker(live_platform)
    form = {"session": session, "template": "quiz", "title": "Unit quiz", "pool_node": str(SUBTOPIC), "count": "2"}
    item = deep_link_returned(live_platform, requests.post(live_server.url + RESPOND, data=form, timeout=30))
    created = next(a for a in assessments.list_assessments(COURSE) if a.title == "Unit quiz")
    assert created.id != tool.id and created.node_usage_key == str(SUBTOPIC)
    config = created.config
    assert config.selection.mode.value == "random" and config.selection.pool_node == str(SUBTOPIC)
    assert config.selection.count == 2 and config.attempt_limit == 2 and config.feedback.value == "after_submission"
    assert item["type"] == "ltiResourceLink" and item["title"] == "Unit quiz"
    assert item["url"] == f"{live_server.url}/ve-edu-vault/lti/launch/"
    assert item["lineItem"]["label"] == "Unit quiz"
    assert item["lineItem"]["resourceId"] == f"ve-edu-vault-assessment-{created.id}"
    assert item["lineItem"]["scoreMaximum"] == (assessments.assessment_points(created.id) or 1.0)
    entry = AuditEntry.objects.get(action="lti_assessment_created")
    assert entry.object_id == str(created.id) and entry.details["template"] == "quiz"
    assert entry.details["sub"] == "teacher-t"

    # The platform adds the link; its first launch binds it to the new assessment and opens it.
    opened = browser_launch(live_platform, resource_link_id="rl-new", user_id="learner-n", custom=item["custom"])
    assert opened.status_code == 200 and "vault-take-config" in opened.text and "Unit quiz" in opened.text
    assert LtiResourceLink.objects.get(resource_link_id="rl-new").assessment_id == created.id


def test_a_copy_of_an_assessment_keeps_its_settings_and_questions(
    live_platform: PlatformServer, tool: Any, live_server: Any
) -> None:
    from ve_edu_vault.assessments import api as assessments

    session, _page = picker(live_platform)
    form = {"session": session, "template": f"copy:{tool.id}", "title": "Quiz (retake)"}
    item = deep_link_returned(live_platform, requests.post(live_server.url + RESPOND, data=form, timeout=30))
    copy = next(a for a in assessments.list_assessments(COURSE) if a.title == "Quiz (retake)")
    assert copy.id != tool.id and copy.config == tool.config and copy.node_usage_key == tool.node_usage_key
    assert item["lineItem"]["scoreMaximum"] == 4.0 and item["title"] == "Quiz (retake)"


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"template": "quiz", "count": "0"}, "count"),
        ({"template": "quiz", "count": "many"}, "count"),
        ({"template": "quiz", "pool_node": "block-v1:Other+X+1+type@chapter+block@x"}, "pool_node"),
        ({"template": "certificate"}, "template"),
        ({"template": "copy:999999"}, "template"),
        ({"template": "exam", "title": "  "}, "title"),
    ],
)
def test_bad_template_input_is_a_400_naming_it_that_creates_nothing_and_keeps_the_choice_open(
    live_platform: PlatformServer, tool: Any, live_server: Any, changes: dict[str, str], check: str
) -> None:
    from ve_edu_vault.assessments import api as assessments

    session, _page = picker(live_platform)
    form = {"session": session, "title": "New", "pool_node": str(SUBTOPIC), "count": "2", **changes}
    refused = requests.post(live_server.url + RESPOND, data=form, timeout=30)
    assert refused.status_code in (400, 404) and f'<code id="check">{check}</code>' in refused.text
    assert "Traceback" not in refused.text
    assert [a.id for a in assessments.list_assessments(COURSE)] == [tool.id]
    # The instructor corrects the form: the same choice is still open.
    fixed = {**form, "template": "practice", "title": "Practice", "count": "1", "pool_node": str(SUBTOPIC)}
    answer = requests.post(live_server.url + RESPOND, data=fixed, timeout=30)
    assert deep_link_returned(live_platform, answer)["title"] == "Practice"
