"""
The staff area's "Enrolled, not started" list (issue 15), read from the LMS's Enrollment API (a real HTTP stand-in on
localhost) after the page: the staff area itself sends nothing to the LMS and does not wait for it (ADR 0031); its
``not-started/`` fragment (``?fragment=1``, what the page's script loads) or page (without script) does. The browser
side is in ``test_not_started_browser.py``.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from hosts.standalone_platform.backend import grant_course_role
from tests.analytics.test_mastery_reports import take
from tests.assessments.api_builders import COURSE, learner, make_assessment
from tests.platform import test_rest_clients

pytestmark = pytest.mark.django_db
lms_stand_in = test_rest_clients.lms  # the fixture ``lms``: a real HTTP server on localhost playing the LMS

STAFF = f"/ve-edu-vault/courses/{COURSE}/staff/"
NOT_STARTED = f"{STAFF}not-started/"


def enrollments(lms: Any, settings: Any, rows: list[tuple[str, bool]]) -> None:
    """The stand-in LMS answers these enrollments (one page), and the vault is configured to ask it."""
    results = [{"user": name, "is_active": active, "mode": "audit", "course_id": str(COURSE)} for name, active in rows]
    lms.default = (200, json.dumps({"count": len(rows), "next": None, "previous": None, "results": results}).encode())
    settings.VE_EDU_VAULT_BLOCKS_API_URL = lms.url
    settings.VE_EDU_VAULT_BLOCKS_API_CLIENT_ID = "vault"
    settings.VE_EDU_VAULT_BLOCKS_API_CLIENT_SECRET = "secret"


def teacher_client(make_user: Any, client: Any) -> Any:
    teacher = make_user("teacher")
    grant_course_role(teacher, COURSE)
    client.force_login(teacher)
    return client


def test_the_list_of_enrolled_learners_who_have_not_started(
    make_user: Any, client: Any, settings: Any, lms_stand_in: Any, storage: str
) -> None:
    """On either attempt backend (``storage``): who started comes from the repository's ``users_with_attempts``."""
    lms = lms_stand_in
    created = make_assessment(block=None)
    take(created, learner(make_user, "started"), right=True)
    learner(make_user, "waiting")
    # remote: enrolled in the LMS, no vault account yet; gone: an inactive enrollment
    enrollments(lms, settings, [("started", True), ("waiting", True), ("gone", False), ("remote", True)])
    staff = teacher_client(make_user, client)

    fragment = staff.get(NOT_STARTED, {"fragment": "1"})
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert text.startswith('<div id="not-started-list">') and "<html" not in text
    assert "3 learners are enrolled" in text
    assert f'data-not-started="{created.id}">Quiz: 2 have not started (remote, waiting)</li>' in text
    assert lms.gets[0][0].startswith("/api/enrollment/v1/enrollments/?course_id=")

    page = staff.get(NOT_STARTED).content.decode()  # without script: the same list as a page of its own
    assert "<html" in page and f'href="{STAFF}"' in page and "3 learners are enrolled" in page

    lms.default = (503, b'{"detail": "maintenance"}')
    down = staff.get(NOT_STARTED, {"fragment": "1"})
    assert down.status_code == 200 and "enrollments could not be read" in down.content.decode()
    assert "maintenance" in down.content.decode()


def test_the_staff_area_does_not_wait_for_the_lms(
    make_user: Any, client: Any, settings: Any, lms_stand_in: Any
) -> None:
    """The LMS answers in 2 s: the staff area answers before that, without asking it, and links the list."""
    lms = lms_stand_in
    enrollments(lms, settings, [("waiting", True)])
    lms.delay = 2.0
    staff = teacher_client(make_user, client)
    started = time.perf_counter()
    page = staff.get(STAFF)
    elapsed = time.perf_counter() - started
    assert page.status_code == 200 and elapsed < lms.delay
    assert lms.gets == []
    text = page.content.decode()
    assert f'data-fragment="{NOT_STARTED}?fragment=1"' in text and f'<a href="{NOT_STARTED}">' in text
    assert 'id="not-started"' in text and "not_started.js" in text


def test_without_the_lms_api_there_is_no_list(make_user: Any, client: Any) -> None:
    staff = teacher_client(make_user, client)
    assert "not-started" not in staff.get(STAFF).content.decode()
    missing = staff.get(NOT_STARTED, {"fragment": "1"})
    assert missing.status_code == 404 and "Enrollment API is not configured" in missing.content.decode()


def test_learners_are_refused_the_list(make_user: Any, client: Any, settings: Any, lms_stand_in: Any) -> None:
    enrollments(lms_stand_in, settings, [("pupil", True)])
    client.force_login(learner(make_user, "pupil"))
    assert client.get(NOT_STARTED, {"fragment": "1"}).status_code == 403
    assert client.get(NOT_STARTED).status_code == 403
    assert lms_stand_in.gets == []  # refused before the LMS is asked
    client.logout()
    assert client.get(NOT_STARTED).status_code == 302  # to sign in
