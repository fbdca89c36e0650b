"""
Manual grade change on each attempt storage backend (the ORM, and MongoDB: ``tests/storage_backends.py``), and what a
regrade's dry run says of an attempt whose grade staff changed by hand.

TLDR: ``POST attempts/<id>/grade/`` stores the new points through the configured attempt repository, writes the audit
entry and the ``attempt.graded`` webhook event, and republishes the grade to the gradebook through the outbox; a refused
change stores nothing. A regrade keeps a hand-set total (ADR 0026), so its dry run shows that total, before and after,
and says the attempt was changed by hand (it predicted the total from the responses, which the run then did not write).
The staff area's attempt page and each 400 by field are tested on the ORM in ``test_grade_change.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from storage_backends import BACKENDS, mongodb_backend

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import BLOCK, COURSE, learner, make_assessment, right_answers
from ve_edu_vault.assessments import api
from ve_edu_vault.audit import api as audit
from ve_edu_vault.webhooks import api as webhooks
from ve_edu_vault.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

API = "/api/ve-edu-vault/v1/"


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest, settings: Any, db: None) -> Iterator[str]:
    """Each test once per attempt storage backend (the configured one: what the API and the REST views use)."""
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"  # the report is made after commit, in the request
    settings.VE_EDU_VAULT_WEBHOOKS_ENABLED = True
    if request.param == "mongodb":
        with mongodb_backend(settings, select=True):
            yield request.param
    else:
        yield request.param


def teacher_of(make_user: Any) -> Any:
    teacher = make_user("teacher")
    standalone.grant_course_staff(teacher, COURSE)
    return teacher


def graded_attempt(make_user: Any, capture: Any) -> tuple[Any, Any]:
    student = learner(make_user, "learner")
    view = api.start_attempt(make_assessment().id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with capture(execute=True):
        api.submit_attempt(view.id, user=student)
    return student, view


def stored(attempt_id: int) -> Any:
    return api.get_repository().get_attempt(attempt_id)


def test_the_configured_backend_holds_the_attempts(backend: str, make_user: Any, settings: Any) -> None:
    """The fixture really swaps the storage: on MongoDB the attempt is a document, and no SQL row exists."""
    from ve_edu_vault.assessments.models import Attempt

    student = learner(make_user, "learner")
    view = api.start_attempt(make_assessment().id, student)
    assert stored(view.id).user_id == student.pk
    assert Attempt.objects.filter(pk=view.id).exists() is (backend == "django")


def test_staff_change_a_grade_through_rest_audited_and_republished(
    make_user: Any, jwt_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student, view = graded_attempt(make_user, django_capture_on_commit_callbacks)
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(4.0)
    teacher = teacher_of(make_user)
    webhooks.create_subscription(url="http://127.0.0.1:9/hook", event_types=["attempt.graded"])
    events = WebhookEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = jwt_client(teacher).post(
            f"{API}attempts/{view.id}/grade/", {"earned": 2.5, "reason": "Marked question 2 by hand"}, format="json"
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["earned"], body["possible"], body["previous_earned"]) == (2.5, 4.0, 4.0)
    assert body["score"] == pytest.approx(0.625) and body["grade_reported"] is True
    attempt = stored(view.id)
    assert (attempt.earned, attempt.state) == (2.5, "graded") and attempt.score == pytest.approx(0.625)
    assert attempt.report_due_at is None  # reported (inline) after commit: the outbox mark is cleared
    grade = standalone.get_grade(student, BLOCK)
    assert grade.earned == pytest.approx(2.5) and grade.possible == pytest.approx(4.0)
    (entry,) = audit.list_entries(COURSE, action=audit.GRADE_CHANGED)
    assert (entry.actor_id, entry.learner_id, entry.course_key) == (teacher.pk, student.pk, COURSE)
    assert (entry.object_type, entry.object_id) == ("attempt", str(view.id))
    assert entry.details["reason"] == "Marked question 2 by hand"
    assert entry.details["assessment_id"] == view.assessment_id
    assert entry.details["before"] == {"earned": 4.0, "score": 1.0, "passed": True}
    assert entry.details["after"] == {"earned": 2.5, "score": 0.625, "passed": attempt.passed}
    assert audit.attempts_changed_by_hand([view.id]) == {view.id}
    (event,) = WebhookEvent.objects.order_by("pk")[events:]
    assert event.event_type == "attempt.graded"
    assert (event.data["attempt_id"], event.data["earned"], event.data["changed_by_staff"]) == (view.id, 2.5, True)


def test_refused_changes_store_nothing(
    make_user: Any, jwt_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student, view = graded_attempt(make_user, django_capture_on_commit_callbacks)
    teacher = jwt_client(teacher_of(make_user))
    url = f"{API}attempts/{view.id}/grade/"
    assert teacher.post(url, {"earned": 5, "reason": "x"}, format="json").json()["field"] == "earned"
    assert teacher.post(url, {"earned": 2}, format="json").json()["field"] == "reason"
    assert jwt_client(student).post(url, {"earned": 1, "reason": "me"}, format="json").status_code == 403
    other = learner(make_user, "other")
    assert jwt_client(other).post(url, {"earned": 1, "reason": "me"}, format="json").status_code == 404
    in_progress = api.start_attempt(make_assessment().id, other)
    refused = teacher.post(f"{API}attempts/{in_progress.id}/grade/", {"earned": 1, "reason": "early"}, format="json")
    assert refused.status_code == 409
    assert stored(view.id).earned == 4.0 and stored(in_progress.id).earned is None
    assert audit.list_entries(COURSE, action=audit.GRADE_CHANGED) == []
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(4.0)


@pytest.mark.parametrize("failing", ["audit", "event"])
def test_a_grade_change_that_fails_midway_stores_nothing(
    make_user: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """
    The SQL writes (audit entry, webhook event) roll back with the transaction; MongoDB's documents do not (Django's
    ``transaction.atomic`` does not reach them), so the attempt's new points must not be written before them.
    """
    from ve_edu_vault.assessments import _grade_change

    student, view = graded_attempt(make_user, django_capture_on_commit_callbacks)
    target = (_grade_change.audit, "record") if failing == "audit" else (_grade_change, "record_event")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(*target, fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        api.change_attempt_grade(view.id, earned=1.0, reason="Oral exam", staff=teacher_of(make_user))
    attempt = stored(view.id)
    assert (attempt.earned, attempt.score, attempt.report_due_at) == (4.0, 1.0, None)
    assert audit.list_entries(COURSE, action=audit.GRADE_CHANGED) == []
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(4.0)


def test_a_regrade_dry_run_shows_the_hand_set_total_it_keeps(make_user: Any, client: Any) -> None:
    """The dry run predicted the hand-changed attempt's total from its responses; the run keeps the hand-set one."""
    from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
    from ve_edu_vault.regrade import api as regrade

    assessment, _students, (kept, followed) = scenario(make_user, ["a", "a"])
    before = stored(followed.id)
    teacher = teacher_of(make_user)
    api.change_attempt_grade(kept.id, earned=3.5, reason="Oral exam", staff=teacher)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id, "b")
    run = regrade.plan(question_id)
    attempts = {item["attempt_id"]: item for entry in run.report["learners"] for item in entry["attempts"]}
    assert attempts[kept.id]["old_score"] == attempts[kept.id]["new_score"] == pytest.approx(3.5 / 4)
    assert attempts[kept.id]["old_passed"] == attempts[kept.id]["new_passed"] == stored(kept.id).passed
    assert attempts[kept.id]["changed_by_hand"] is True
    assert attempts[followed.id]["old_score"] == pytest.approx(before.score)
    assert attempts[followed.id]["new_score"] == pytest.approx(3.0 / 4)  # the capital answer "a" is now wrong
    assert attempts[followed.id]["changed_by_hand"] is False
    client.force_login(teacher)
    page = client.get(f"/ve-edu-vault/courses/{COURSE}/staff/regrades/", {"run": run.id}).content.decode()
    rows = {int(found): text for found, text in re.findall(r"attempt=(\d+)\">\d+</a></td>(.*?)</tr>", page)}
    assert rows[kept.id] == '<td>88%</td><td>88% <span class="changed-by-hand">(changed by hand: kept)</span></td>'
    assert rows[followed.id] == "<td>100%</td><td>75%</td>"
    out = StringIO()
    call_command("vault_regrade", str(question_id), "--dry-run", stdout=out)
    assert f"attempt {kept.id} 0.875 -> 0.875 (changed by hand: kept)" in out.getvalue()
    assert f"attempt {followed.id} 1.000 -> 0.750\n" in out.getvalue()
    done = regrade.run_batches(run.id)
    assert done.status == "succeeded"
    assert stored(kept.id).score == pytest.approx(attempts[kept.id]["new_score"])
    assert stored(followed.id).score == pytest.approx(attempts[followed.id]["new_score"])
