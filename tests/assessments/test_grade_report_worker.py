"""The default grade hand-off: a real Celery worker on Redis reports the grade the grading transaction queued."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hosts.standalone_platform import backend as standalone
from tests.assessments.api_builders import BLOCK, learner, make_assessment, right_answers
from tests.celery_worker import celery_worker
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_reports_the_grade_after_the_submission(make_user: Any, settings: Any, tmp_path: Path) -> None:
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with celery_worker(tmp_path) as worker:
        api.submit_attempt(view.id, user=student)  # autocommit: the report is queued at once
        reported = worker.wait_for(lambda: standalone.StandaloneGrade.objects.filter(user=student).exists())
        assert reported, worker.log()
        assert worker.wait_for(lambda: worker.succeeded("ve_edu_vault.assessments.tasks.report_pending_grades") >= 1)
    assert not Attempt.objects.filter(report_due_at__isnull=False).exists()  # reported and cleared at once
    grade = standalone.get_grade(student, BLOCK)
    assert grade.earned == pytest.approx(4.0) and grade.possible == pytest.approx(4.0)
