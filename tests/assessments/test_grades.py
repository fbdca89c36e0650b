"""Grade hand-off: after commit, graded assessments report the learner's score to the platform; the signal is sent."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from api_builders import COURSE, SUBTOPIC, by_title, learner, make_assessment, right_answers

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.signals import ATTEMPT_GRADED
from ve_edu_vault.platform import api as platform
from ve_edu_vault.platform.backends import standalone

pytestmark = [pytest.mark.django_db]


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
    grade = standalone.get_grade(student, str(SUBTOPIC))
    assert grade is not None and grade.earned == pytest.approx(4.0) and grade.possible == pytest.approx(4.0)
    assert grade.course_key == COURSE
    [sent] = received
    assert sent["attempt_id"] == first.attempt_id and sent["user_id"] == student.pk and sent["course_key"] == COURSE
    assert sent["assessment_id"] == assessment.id and sent["score"] == pytest.approx(1.0) and sent["passed"] is True
    # a worse second attempt does not lower a "highest" grade; "latest" would
    take(assessment, student, right=False, capture=django_capture_on_commit_callbacks)
    assert standalone.get_grade(student, str(SUBTOPIC)).earned == pytest.approx(4.0)


def test_latest_scoring_reports_the_latest(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment(scoring="latest")
    take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    take(assessment, student, right=False, capture=django_capture_on_commit_callbacks)
    assert standalone.get_grade(student, str(SUBTOPIC)).earned == pytest.approx(2.0)


@pytest.mark.parametrize("overrides", [{"graded": False}, {"node": None}])
def test_ungraded_or_unattached_reports_nothing(
    overrides: dict[str, Any], make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student = learner(make_user)
    assessment = make_assessment(**overrides)
    result = take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    assert result.score == pytest.approx(1.0)
    assert not standalone.StandaloneGrade.objects.exists()


def test_in_progress_attempt_reports_nothing(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    with django_capture_on_commit_callbacks(execute=True):
        api.start_attempt(assessment.id, student)
    assert not standalone.StandaloneGrade.objects.exists()


def test_platform_failure_keeps_the_grade_and_queues_a_retry(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    with (
        mock.patch.object(standalone, "report_score", side_effect=RuntimeError("gradebook down")),
        mock.patch("ve_edu_vault.assessments.tasks.report_grade.apply_async") as retry,
    ):
        result = take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    assert result.score == pytest.approx(1.0)
    retry.assert_called_once_with(args=[assessment.id, student.pk], countdown=30)
    from ve_edu_vault.assessments.tasks import report_grade

    assert report_grade.run(assessment.id, student.pk) is True  # the retry reports
    assert standalone.get_grade(student, str(SUBTOPIC)).earned == pytest.approx(4.0)


def test_report_score_validates(make_user: Any) -> None:
    from django.utils import timezone

    user = make_user()
    with pytest.raises(ValueError):
        platform.report_score(user, COURSE, usage_key=str(SUBTOPIC), earned=1, possible=0, graded_at=timezone.now())
    platform.report_score(user, COURSE, usage_key=str(SUBTOPIC), earned=5, possible=4, graded_at=timezone.now())
    assert standalone.get_grade(user, str(SUBTOPIC)).earned == 4  # capped at possible


def test_by_default_the_report_is_queued_on_the_task_after_commit(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    student = learner(make_user)
    assessment = make_assessment()
    with mock.patch("ve_edu_vault.assessments.tasks.report_grade.apply_async") as queued:
        take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    queued.assert_called_once_with(args=[assessment.id, student.pk])
    assert not standalone.StandaloneGrade.objects.exists()  # nothing reported inside the request


def test_a_broker_outage_reports_in_the_request_instead(
    make_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    student = learner(make_user)
    assessment = make_assessment()
    with mock.patch("ve_edu_vault.assessments.tasks.report_grade.apply_async", side_effect=OSError("no broker")):
        take(assessment, student, right=True, capture=django_capture_on_commit_callbacks)
    assert standalone.get_grade(student, str(SUBTOPIC)).earned == pytest.approx(4.0)
