"""Grade hand-off: grading queues the publication (outbox); after commit the bound block publishes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from api_builders import BLOCK, COURSE, by_title, learner, make_assessment, right_answers
from django.db import transaction

from hosts.standalone_platform import backend as standalone
from ve_edu_vault.assessments import api, grades
from ve_edu_vault.assessments.models import Attempt
from ve_edu_vault.assessments.signals import ATTEMPT_GRADED
from ve_edu_vault.platform import api as platform

pytestmark = [pytest.mark.django_db]


def queued() -> Any:
    """Attempts whose grade report waits (the outbox: ``Attempt.report_due_at``)."""
    return Attempt.objects.filter(report_due_at__isnull=False)


@pytest.fixture(autouse=True)
def _inline_report(settings: Any) -> None:
    """These tests read the reported grade right after commit: report in the request (the task path is below)."""
    settings.VE_EDU_VAULT_GRADE_REPORT = "inline"


def take(assessment: Any, student: Any, *, right: bool, capture: Any) -> Any:
    view = api.start_attempt(assessment.id, student)
    answers = right_answers(view)
    if not right:
        answers[str(by_title(view)["Blank"].response_id)] = {"p0": {"blank_0": "nope"}}
    api.save_answers(view.id, user=student, answers=answers)
    with capture(execute=True):
        return api.submit_attempt(view.id, user=student)


def test_graded_assessment_reports_after_commit(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment(scoring="highest")
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    ATTEMPT_GRADED.connect(receiver, dispatch_uid="test-grades")
    try:
        first = take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    finally:
        ATTEMPT_GRADED.disconnect(dispatch_uid="test-grades")
    grade = standalone.get_grade(student, BLOCK)
    assert grade is not None and grade.earned == pytest.approx(4.0) and grade.possible == pytest.approx(4.0)
    assert grade.course_key == COURSE
    [sent] = received
    assert sent["attempt_id"] == first.attempt_id and sent["user_id"] == student.pk and sent["course_key"] == COURSE
    assert sent["assessment_id"] == assessment.id and sent["score"] == pytest.approx(1.0) and sent["passed"] is True
    # a worse second attempt does not lower a "highest" grade; "latest" would
    take(assessment, student, right=False, capture=django_capture_on_commit_callbacks)
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(4.0)


def test_latest_scoring_reports_the_latest(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment(scoring="latest")
    take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    take(assessment, student, right=False, capture=django_capture_on_commit_callbacks)
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(2.0)


@pytest.mark.parametrize("overrides", [{"graded": False}, {"block": None}, {"block": None, "node": None}])
def test_ungraded_or_unbound_publishes_nothing(
    overrides: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student = learner(make_user)
    assessment = make_assessment(**overrides)
    result = take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    assert result.score == pytest.approx(1.0)
    assert not standalone.StandaloneGrade.objects.exists()
    assert not queued().exists()  # nothing to report: nothing queued


def test_in_progress_attempt_reports_nothing(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    with django_capture_on_commit_callbacks(execute=True):
        api.start_attempt(assessment.id, student)
    assert not standalone.StandaloneGrade.objects.exists()


def test_platform_failure_keeps_the_grade_and_the_report_queued_with_backoff(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    with mock.patch.object(standalone, "publish_grade", side_effect=RuntimeError("gradebook down")):
        result = take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    assert result.score == pytest.approx(1.0)  # the learner's grade stands
    [waiting] = queued()
    assert (waiting.assessment_id, waiting.user_id, waiting.report_tries) == (assessment.id, student.pk, 1)
    assert "RuntimeError: gradebook down" in waiting.report_error
    first_retry = waiting.report_due_at
    assert grades.report_pending_grades() == (0, 0)  # not due yet: nothing tried
    with mock.patch.object(standalone, "publish_grade", side_effect=RuntimeError("still down")):
        assert grades.report_pending_grades(now=first_retry) == (0, 1)
    waiting.refresh_from_db()
    assert waiting.report_tries == 2
    assert waiting.report_due_at == first_retry + timedelta(seconds=2 * grades.RETRY_BASE_SECONDS)
    assert not standalone.StandaloneGrade.objects.exists()
    assert grades.report_pending_grades(now=waiting.report_due_at) == (1, 0)  # the gradebook is back
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(4.0)
    assert not queued().exists()
    waiting.refresh_from_db()
    assert (waiting.report_tries, waiting.report_error) == (0, "")  # cleared with the mark


def test_the_report_is_queued_in_the_grading_transaction(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with pytest.raises(RuntimeError), transaction.atomic():
        api.submit_attempt(view.id, user=student)
        assert queued().filter(assessment_id=assessment.id, user_id=student.pk).count() == 1
        raise RuntimeError("the request failed after grading")
    # Rolled back together: no grade, no queued report.
    assert not queued().exists()
    assert api.get_attempt(view.id, user=student).state == "in_progress"


def test_reports_of_one_learner_and_assessment_are_made_once(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    student = learner(make_user)
    assessment = make_assessment(scoring="latest")
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
        take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
        take(assessment, student, right=False, capture=django_capture_on_commit_callbacks)
    assert queued().count() == 2
    with mock.patch.object(standalone, "publish_grade", wraps=standalone.publish_grade) as report:
        assert grades.report_pending_grades() == (1, 0)
    report.assert_called_once()
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(2.0)  # the latest attempt
    assert not queued().exists()


def test_publish_grade_validates_and_caps(make_user: Any) -> None:
    user = make_user()
    for value, max_value in [(1, 0), (-1, 4), (1, float("nan")), (1, float("inf"))]:
        with pytest.raises(ValueError):
            platform.publish_grade(user, BLOCK, value=value, max_value=max_value)
    platform.publish_grade(user, BLOCK, value=5, max_value=4)
    grade = standalone.get_grade(user, BLOCK)
    assert (grade.earned, grade.possible) == (4, 4)  # capped at max_value
    assert grade.course_key == COURSE


def test_by_default_the_drain_task_is_queued_after_commit_once_per_window(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    first, second = learner(make_user, "first"), learner(make_user, "second")
    assessment = make_assessment()
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async") as publish:
        take(assessment, first, right=True, capture=django_capture_on_commit_callbacks)
        take(assessment, second, right=True, capture=django_capture_on_commit_callbacks)
    # One message for both submissions of the window, run at its end.
    publish.assert_called_once_with(countdown=grades.TRIGGER_WINDOW_SECONDS)
    assert not standalone.StandaloneGrade.objects.exists()  # nothing reported inside the request
    assert queued().count() == 2
    from ve_edu_vault.assessments.tasks import report_pending_grades

    assert report_pending_grades.run() == 2
    assert standalone.get_grade(first, BLOCK) is not None
    assert standalone.get_grade(second, BLOCK) is not None
    assert not queued().exists()


def test_a_broker_outage_loses_no_report(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    student = learner(make_user)
    assessment = make_assessment()
    with mock.patch(
        "ve_edu_vault.assessments.tasks.report_pending_grades.apply_async", side_effect=OSError("no broker")
    ):
        result = take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    assert result.score == pytest.approx(1.0)
    assert queued().count() == 1  # queued with the grade
    from ve_edu_vault.assessments.tasks import report_pending_grades

    assert report_pending_grades.run() == 1  # the beat's periodic run
    assert standalone.get_grade(student, BLOCK).earned == pytest.approx(4.0)
