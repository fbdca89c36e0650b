"""
The vault assessment XBlock in the XBlock SDK workbench (a real XBlock runtime, served by the test LMS host).

``student_view`` and ``studio_view`` rendered through the workbench's pages, the editor's handler driven over
HTTP, the learner's attempts through the same REST API the block's script calls, and the ``grade`` events the
block publishes from the grade outbox (``hosts/workbench_backend.py`` loads the block for the learner, as the
edx-platform backend does in the LMS): value and max_value, once per graded attempt, again after a regrade and
after a time-limit auto-submission.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from rest_framework.test import APIClient
from workbench_builders import (
    BLOCK_KEY,
    grade_events,
    learner,
    load_block,
    post_handler,
    questions,
    reset_workbench,
    right_answers,
    scenario_url,
    staff,
)

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import AssessmentBlockChange, Attempt
from ve_edu_vault.xblock.keys import WORKBENCH_COURSE

pytestmark = [pytest.mark.django_db]
API = "/api/ve-edu-vault/v1/"


@pytest.fixture(autouse=True)
def workbench(settings: Any) -> None:
    settings.VE_EDU_VAULT_PLATFORM_BACKEND = "hosts.workbench_backend"
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"  # published by the outbox task, run below
    reset_workbench()


@pytest.fixture(autouse=True)
def _no_broker() -> Any:
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
        yield


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def drain() -> int:
    """The grade-report task, as the beat or the after-commit trigger runs it."""
    from ve_edu_vault.assessments.tasks import report_pending_grades

    return int(report_pending_grades.run())


def take(user: Any, assessment_id: int, *, capital: str = "a") -> dict[str, Any]:
    """What the block's script does: start, autosave the answers, submit (REST, the learner's session)."""
    client = APIClient()
    client.force_login(user)
    started = client.post(f"{API}courses/{WORKBENCH_COURSE}/assessments/{assessment_id}/attempts/")
    assert started.status_code == 201, started.content
    view = started.json()
    saved = client.patch(
        f"{API}attempts/{view['id']}/answers/", {"answers": right_answers(view, capital=capital)}, format="json"
    )
    assert saved.status_code == 200, saved.content
    submitted = client.post(f"{API}attempts/{view['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    return dict(submitted.json())


def bound_assessment(make_user: Any, **config: Any) -> tuple[Any, int]:
    """Staff create an assessment from the block's editor (the handler); returns (staff, assessment id)."""
    author = staff(make_user)
    ids = questions()
    response = post_handler(
        logged_in(author),
        author,
        {"mode": "new", "title": "Block quiz", "question_ids": ids, "weight": "", "display_name": "Vault quiz"},
    )
    assert response.status_code == 200, response.content
    assessment_id = response.json()["assessment_id"]
    if config:
        current = api.get_assessment(assessment_id).config.to_dict()
        api.update_assessment(assessment_id, course_key=WORKBENCH_COURSE, config={**current, **config})
    return author, assessment_id


def test_views_render_and_the_editor_binds(make_user: Any) -> None:
    author, student = staff(make_user), learner(make_user)
    ids = questions()
    # Not configured: staff are told, learners see nothing broken.
    page = logged_in(author).get(scenario_url(author))
    assert page.status_code == 200
    assert "not configured" in page.content.decode()
    page = logged_in(student).get(scenario_url(student))
    assert page.status_code == 200
    body = page.content.decode()
    assert "not configured" not in body and "vault-block-empty" in body and "Traceback" not in body
    # The editor lists the course's questions.
    editor = logged_in(author).get(scenario_url(author, "studio_view"))
    assert editor.status_code == 200
    text = editor.content.decode()
    assert 'name="question_ids"' in text and "Capital" in text and "VaultAssessmentStudio" in text
    # A learner may not configure it; bad input is a clear 4xx; nothing is bound by either.
    refused = post_handler(logged_in(student), student, {"mode": "new", "title": "X", "question_ids": ids})
    assert refused.status_code == 403 and refused.json()["error_code"] == "permission_denied"
    for body_sent, field in [
        ("not json", None),
        ({"mode": "sideways"}, "mode"),
        ({"mode": "existing"}, "assessment_id"),
        ({"mode": "new", "title": "X", "question_ids": []}, "question_ids"),
        ({"mode": "new", "title": "X", "question_ids": ids, "weight": "-1"}, "weight"),
        ({"mode": "existing", "assessment_id": 999999}, "assessment_id"),
    ]:
        bad = post_handler(logged_in(author), author, body_sent)
        assert bad.status_code == 400, (body_sent, bad.content)
        assert set(bad.json()) >= {"error_code", "message", "field"} and bad.json()["field"] == field
    assert api.block_binding(BLOCK_KEY) is None
    # Create one bound to this block.
    created = post_handler(
        logged_in(author),
        author,
        {"mode": "new", "title": "Block quiz", "question_ids": ids, "weight": "10", "display_name": "My quiz"},
    )
    assert created.status_code == 200, created.content
    assessment_id = created.json()["assessment_id"]
    binding = api.block_binding(BLOCK_KEY)
    assert binding is not None and binding.assessment_id == assessment_id and binding.bound_by_id == author.pk
    assert AssessmentBlockChange.objects.filter(usage_key=BLOCK_KEY, action="bound").count() == 1
    block = load_block(student)
    assert (block.display_name, block.weight, block.max_score()) == ("My quiz", 10.0, 4.0)
    # The learner's view: the take markup, ids prefixed for this block, the shared script mounted by block.js.
    page = logged_in(student).get(scenario_url(student))
    text = page.content.decode()
    assert "not configured" not in text and "My quiz" in text
    assert "ve_edu_vault/assessments/take.js" in text and "ve_edu_vault/xblock/block.js" in text
    assert "data-init='VaultAssessmentBlock'" in text
    assert 'id="vb' in text and '-start"' in text and "<iframe" not in text
    # Staff see how the component is graded.
    text = logged_in(author).get(scenario_url(author)).content.decode()
    assert "Staff: grading of this component" in text and "counts for 10.0 points" in text
    # Unbinding (audited) makes it not configured again.
    unbound = post_handler(logged_in(author), author, {"mode": "none", "weight": ""})
    assert unbound.status_code == 200 and api.block_binding(BLOCK_KEY) is None
    assert AssessmentBlockChange.objects.filter(usage_key=BLOCK_KEY, action="unbound").count() == 1
    rebound = post_handler(logged_in(author), author, {"mode": "existing", "assessment_id": assessment_id})
    assert rebound.status_code == 200 and api.block_binding(BLOCK_KEY).assessment_id == assessment_id


def test_grade_events_once_per_graded_attempt_and_after_a_regrade(make_user: Any) -> None:
    from tests.regrade.regrade_builders import correct_the_key
    from ve_edu_vault.regrade import api as regrade

    _author, assessment_id = bound_assessment(make_user, attempt_limit=3, scoring="latest")
    student, other = learner(make_user), learner(make_user, "wb_other")
    with grade_events() as events:
        first = take(student, assessment_id)  # 4 of 4 points
        assert first["score"] == pytest.approx(1.0)
        assert events == []  # nothing inside the request: published from the outbox, after commit
        assert drain() == 1
        assert events == [(student.username, "grade", {"value": 4.0, "max_value": 4.0})]
        assert drain() == 0 and len(events) == 1  # exactly once
        take(student, assessment_id, capital="b")  # 3 of 4; "latest" decides
        take(other, assessment_id, capital="b")
        assert drain() == 2
        assert sorted(events[1:]) == sorted(
            [
                (student.username, "grade", {"value": 3.0, "max_value": 4.0}),
                (other.username, "grade", {"value": 3.0, "max_value": 4.0}),
            ]
        )
        # The capital question's key was wrong: "b" is right. A bulk regrade republishes the changed grades.
        capital = api.get_assessment(assessment_id).config.selection.question_ids[0]
        correct_the_key(capital, "b")
        regrade.run_batches(regrade.plan(capital).id)
        assert drain() == 2
        assert sorted(events[3:]) == sorted(
            [
                (student.username, "grade", {"value": 4.0, "max_value": 4.0}),
                (other.username, "grade", {"value": 4.0, "max_value": 4.0}),
            ]
        )
        assert drain() == 0 and len(events) == 5
        for _user, _type, data in events:
            assert isinstance(data["value"], float) and isinstance(data["max_value"], float)
    # What the block itself reports for the learner (ScorableXBlockMixin): the vault's grade.
    block = load_block(student)
    assert block.has_submitted_answer() and tuple(block.get_score()) == (4.0, 4.0)


def test_an_auto_submitted_attempt_is_published_once(make_user: Any) -> None:
    from django.utils import timezone

    _author, assessment_id = bound_assessment(make_user, time_limit_minutes=5)
    student = learner(make_user)
    view = api.start_attempt(assessment_id, student)
    answers = {str(item.response_id): None for item in view.questions}
    capital = next(item for item in view.questions if item.question["title"] == "Capital")
    answers[str(capital.response_id)] = {"p0": "a"}
    api.save_answers(view.id, user=student, answers=answers)
    Attempt.objects.filter(pk=view.id).update(deadline=timezone.now() - timedelta(minutes=1))
    with grade_events() as events:
        assert api.sweep_expired_attempts() == 1  # the beat's sweep submits it (reason "sweep")
        assert drain() == 1
        assert drain() == 0
    assert events == [(student.username, "grade", {"value": 1.0, "max_value": 4.0})]
    assert Attempt.objects.get(pk=view.id).submit_reason in {"timer", "sweep"}


def test_an_unbound_or_ungraded_assessment_publishes_nothing(make_user: Any) -> None:
    _author, assessment_id = bound_assessment(make_user, graded=False)
    student = learner(make_user)
    with grade_events() as events:
        take(student, assessment_id)
        assert drain() == 0
        post_handler(logged_in(_author), _author, {"mode": "none"})
        api.update_assessment(
            assessment_id,
            course_key=WORKBENCH_COURSE,
            config={**api.get_assessment(assessment_id).config.to_dict(), "graded": True, "attempt_limit": 2},
        )
        take(student, assessment_id)
        assert drain() == 0
    assert events == []
    assert not Attempt.objects.filter(report_due_at__isnull=False).exists()


def test_binding_an_assessment_already_taken_publishes_the_existing_grades(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    author, assessment_id = bound_assessment(make_user)
    student = learner(make_user)
    post_handler(logged_in(author), author, {"mode": "none"})
    take(student, assessment_id)  # taken on the plugin's page while no block held it: counted in the vault only
    with grade_events() as events:
        assert drain() == 0
        with django_capture_on_commit_callbacks(execute=True):
            response = post_handler(logged_in(author), author, {"mode": "existing", "assessment_id": assessment_id})
        assert response.status_code == 200
        assert drain() == 1
    assert events == [(student.username, "grade", {"value": 4.0, "max_value": 4.0})]
