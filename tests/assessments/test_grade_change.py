"""
Manual grade change: course staff set a graded attempt's points with a reason (REST and the staff area's attempt
page). Audited with the grade before and after; the grade goes to the LMS gradebook through the grade-report outbox
and an ``attempt.graded`` webhook event is written; a learner (even the attempt's own) is refused and nothing
changes; bad points, no reason and an attempt in progress are clear 4xx; a later regrade keeps the hand-set total.
The REST change itself (stored, audited, republished, the webhook event) is tested on both attempt storage backends in
``test_grade_change_backends.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import BLOCK, COURSE, learner, make_assessment, right_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt
from ve_edu_vault.audit import api as audit
from ve_edu_vault.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

API = "/api/ve-edu-vault/v1/"
PAGE = f"/ve-edu-vault/courses/{COURSE}/staff/attempts/"


@pytest.fixture(autouse=True)
def _inline(settings: Any) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"  # the report is made after commit, in the request
    settings.VE_EDU_VAULT_WEBHOOKS_ENABLED = True


def graded_attempt(make_user: Any, capture: Any, *, name: str = "learner") -> tuple[Any, Any, Any]:
    student = learner(make_user, name)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with capture(execute=True):
        api.submit_attempt(view.id, user=student)
    return student, assessment, Attempt.objects.get(pk=view.id)


def teacher_of(make_user: Any) -> Any:
    teacher = make_user("teacher")
    standalone.grant_course_staff(teacher, COURSE)
    return teacher


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"earned": 5, "reason": "x"}, 400, "earned"),
        ({"earned": -1, "reason": "x"}, 400, "earned"),
        ({"earned": "2", "reason": "x"}, 400, "earned"),
        ({"earned": True, "reason": "x"}, 400, "earned"),
        ({"earned": 2}, 400, "reason"),
        ({"earned": 2, "reason": "   "}, 400, "reason"),
        ({"earned": 2, "reason": "x" * 501}, 400, "reason"),
        ([1, 2], 400, "reason"),
    ],
)
def test_bad_changes_are_clear_400s_and_change_nothing(
    make_user: Any, jwt_client: Any, django_capture_on_commit_callbacks: Any, body: Any, status: int, field: str
) -> None:
    _student, _assessment, attempt = graded_attempt(make_user, django_capture_on_commit_callbacks)
    response = jwt_client(teacher_of(make_user)).post(f"{API}attempts/{attempt.id}/grade/", body, format="json")
    assert response.status_code == status and response.json()["field"] == field
    assert Attempt.objects.get(pk=attempt.id).earned == 4.0
    assert not AuditEntry.objects.filter(action=audit.GRADE_CHANGED).exists()


def test_learners_are_refused_and_nothing_changes(
    make_user: Any, jwt_client: Any, django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    student, _assessment, attempt = graded_attempt(make_user, django_capture_on_commit_callbacks)
    other = learner(make_user, "other")
    url = f"{API}attempts/{attempt.id}/grade/"
    body = {"earned": 4.0, "reason": "I deserve it"}
    own = jwt_client(student).post(url, body, format="json")
    assert own.status_code == 403 and "staff" in own.json()["message"]
    assert jwt_client(other).post(url, body, format="json").status_code == 404  # not even that it exists
    assert client.post(url, body, content_type="application/json").status_code == 401
    assert (
        jwt_client(teacher_of(make_user)).post(f"{API}attempts/99999999/grade/", body, format="json").status_code == 404
    )
    assert Attempt.objects.get(pk=attempt.id).earned == 4.0
    assert not AuditEntry.objects.filter(action=audit.GRADE_CHANGED).exists()
    client.force_login(student)
    assert client.get(PAGE, {"attempt": attempt.id}).status_code == 403
    assert client.post(PAGE, {"attempt": attempt.id, "earned": "4", "reason": "x"}).status_code == 403
    assert not AuditEntry.objects.filter(action=audit.GRADE_CHANGED).exists()


def test_an_attempt_in_progress_is_a_409(make_user: Any, jwt_client: Any) -> None:
    student = learner(make_user)
    view = api.start_attempt(make_assessment().id, student)
    response = jwt_client(teacher_of(make_user)).post(
        f"{API}attempts/{view.id}/grade/", {"earned": 1, "reason": "early"}, format="json"
    )
    assert response.status_code == 409 and Attempt.objects.get(pk=view.id).earned is None


def test_the_staff_attempt_page_changes_a_grade_with_a_reason(
    make_user: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student, _assessment, attempt = graded_attempt(make_user, django_capture_on_commit_callbacks)
    teacher = teacher_of(make_user)
    client.force_login(teacher)
    page = client.get(PAGE, {"attempt": attempt.id})
    assert page.status_code == 200 and b'id="grade-form"' in page.content and student.username.encode() in page.content
    refused = client.post(PAGE, {"attempt": attempt.id, "earned": "9", "reason": "too many"})
    assert refused.status_code == 400 and b"between 0" in refused.content
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(PAGE, {"attempt": attempt.id, "earned": "3", "reason": "Partial credit, <b>q3</b>"})
    assert done.status_code == 302 and done["Location"].endswith(f"?attempt={attempt.id}&changed=1")
    shown = client.get(done["Location"]).content.decode()
    assert (
        'id="grade-changed"' in shown and "Partial credit, &lt;b&gt;q3&lt;/b&gt;" in shown and "<b>q3</b>" not in shown
    )
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(3.0)
    assert AuditEntry.objects.get(action=audit.GRADE_CHANGED).actor_id == teacher.pk
    assert client.get(PAGE, {"attempt": "99999999"}).status_code == 404
    assert client.get(PAGE, {"attempt": "abc"}).status_code == 404
    assert client.get(PAGE).status_code == 200  # the lookup form


def test_a_regrade_keeps_a_hand_set_total(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    """The other learner's total follows the corrected key; the hand-set one stands (its responses are regraded)."""
    from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
    from ve_edu_vault.assessments.models import Response
    from ve_edu_vault.regrade import api as regrade

    _assessment, _students, views = scenario(make_user, ["a", "a"])
    kept, followed = views
    before = Attempt.objects.get(pk=followed.id).earned
    api.change_attempt_grade(kept.id, earned=3.5, reason="Oral exam", staff=teacher_of(make_user))
    question_id = capital_question_id(_assessment)
    correct_the_key(question_id, "b")
    regrade.run_batches(regrade.plan(question_id).id)
    assert Attempt.objects.get(pk=kept.id).earned == 3.5
    assert Attempt.objects.get(pk=followed.id).earned == before - 1  # the capital answer "a" is now wrong
    assert not any(
        Response.objects.filter(attempt_id=kept.id).values_list("correct", flat=True).order_by("position")[:1]
    )
