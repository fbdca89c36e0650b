"""The learner pages (LMS): the list grouped by topic, and the take page's shell."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from rest_builders import COURSE, learner, make_assessment, staff

from ve_edu_vault.course_sync.data import CourseOutline, NodeKind, OutlineNode

pytestmark = [pytest.mark.django_db]
LIST = f"/ve-edu-vault/courses/{COURSE}/assessments/"


class _Static:
    """An outline source returning a given outline."""

    name = "static"

    def __init__(self, outline: CourseOutline) -> None:
        self.outline = outline

    def read(self, course_key: Any) -> CourseOutline:
        return self.outline


def _mirror(course_key: Any) -> str:
    """Sync a one-topic outline into the mirror; return the topic's usage key."""
    from ve_edu_vault.course_sync import api as course_sync

    topic = course_key.make_usage_key("chapter", "algebra")
    sub = course_key.make_usage_key("sequential", "equations")
    outline = CourseOutline(
        course_key=course_key,
        version="v1",
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        nodes=(
            OutlineNode(usage_key=topic, kind=NodeKind.TOPIC, display_name="Algebra", parent_key=None, position=0),
            OutlineNode(usage_key=sub, kind=NodeKind.SUBTOPIC, display_name="Equations", parent_key=topic, position=0),
        ),
    )
    course_sync.sync_course(course_key, source=_Static(outline))
    return str(sub)


def test_list_groups_by_topic(make_user: Any, client: Any) -> None:
    from ve_edu_vault.assessments import api

    author = staff(make_user)
    sub = _mirror(COURSE)
    loose = make_assessment(author, title="Loose quiz")
    attached = api.create_assessment(
        COURSE, node_usage_key=sub, title="Attached quiz", config=loose.config, author=author
    )
    client.force_login(learner(make_user))
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Algebra" in html and "Other assessments" in html
    assert (
        html.index("Algebra") < html.index("Attached quiz") < html.index("Other assessments") < html.index("Loose quiz")
    )
    assert f"{LIST}{attached.id}/" in html and f"{LIST}{loose.id}/" in html


def test_take_page_shell(make_user: Any, client: Any) -> None:
    author = staff(make_user)
    assessment = make_assessment(author, behaviour="immediate", time_limit_minutes=20)
    client.force_login(learner(make_user))
    page = client.get(f"{LIST}{assessment.id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="vault-take-config"' in html and "take.js" in html and "csrfmiddlewaretoken" in html
    assert 'aria-live="polite"' in html and 'role="timer"' in html
    start = html.index('id="vault-take-config"')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert config["assessmentId"] == assessment.id and config["behaviour"] == "immediate"
    assert config["apiRoot"] == "/api/ve-edu-vault/v1/"
    assert client.get(f"{LIST}999999/").status_code == 404


def test_pages_refuse_outsiders(make_user: Any, client: Any) -> None:
    author = staff(make_user)
    assessment = make_assessment(author)
    assert client.get(LIST).status_code == 302  # login required
    client.force_login(make_user("outsider"))
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{assessment.id}/").status_code == 403
    assert client.get("/ve-edu-vault/courses/nope/assessments/").status_code == 400
