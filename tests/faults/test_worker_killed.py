"""
A real Celery worker is killed (SIGKILL, no warm shutdown) inside a sync, a time-limit auto-submit and a regrade batch:
the database rolls the transaction in flight back, and a second worker finishes the work (the unacknowledged
message redelivered, or the periodic sweep), exactly once, with the grade report delivered once. The regrade sent
again by hand instead is ``tests/regrade/test_regrade_worker.py``.

The worker is paused inside the transaction by a slow statement (``tests/faults/worker_settings.py``): it touches
a file when it gets there, so the kill lands mid-transaction, not by timing. ``acks_late`` keeps the message
unacknowledged in Redis until the task returns; the second worker gets it back after the visibility timeout
(4 s here; kombu's default is an hour).
"""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from hosts.celery import app
from hosts.standalone_platform import backend as standalone
from hosts.standalone_platform.models import StandaloneGrade
from tests.assessments.api_builders import BLOCK, learner, make_assessment, right_answers
from tests.celery_worker import Worker, celery_worker
from tests.course_sync.conftest import small_outline
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.assessments.models import Attempt, Response
from ve_edu_vault.course_sync.models import CourseNode, SyncRecord
from ve_edu_vault.mastery.models import MasteryEvent

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SYNC = "ve_edu_vault.course_sync.tasks.sync_course"
TIMER = "ve_edu_vault.assessments.tasks.auto_submit_attempt"
SWEEP = "ve_edu_vault.assessments.tasks.sweep_expired_attempts"


def fault_env(slow_sql: str | None = None, mark: Path | None = None) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "VAULT_FAULT_BASE_SETTINGS": settings.SETTINGS_MODULE,
        "CELERY_VISIBILITY_TIMEOUT": "4",
    }
    if slow_sql:
        env.update({"VAULT_SLOW_SQL": slow_sql, "VAULT_SLOW_SQL_MARK": str(mark), "VAULT_SLOW_SQL_SECONDS": "120"})
    return env


def kill_inside(worker: Worker, mark: Path) -> None:
    assert worker.wait_for(mark.exists, timeout=60), worker.log()
    os.kill(worker.pid, signal.SIGKILL)


def test_a_worker_killed_inside_a_sync_leaves_nothing_and_the_redelivered_task_syncs_once(tmp_path: Path) -> None:
    outline = small_outline()
    course = outline.course_key
    standalone.publish_outline(outline, send_signal=False)
    mark = tmp_path / "inside-sync"
    # Paused on the sync record's INSERT: the mirror's nodes are already written in the transaction.
    with celery_worker(tmp_path / "first", extra_env=fault_env(r"^\s*INSERT\b.*ve_edu_vault_syncrecord", mark)) as w:
        app.send_task(SYNC, args=[str(course)], kwargs={"trigger": "fault test"})
        kill_inside(w, mark)
    assert not CourseNode.objects.filter(course_key=course).exists()
    assert not SyncRecord.objects.filter(course_key=course).exists()

    with celery_worker(tmp_path / "second", extra_env=fault_env(), flush=False) as worker:
        assert worker.wait_for(lambda: worker.succeeded(SYNC) >= 1, timeout=90), worker.log()
    assert SyncRecord.objects.filter(course_key=course, status=SyncRecord.APPLIED).count() == 1
    active = CourseNode.objects.filter(course_key=course, state=CourseNode.ACTIVE)
    assert {str(row.usage_key) for row in active} == {str(key) for key in outline.by_key()}


def test_a_worker_killed_inside_an_auto_submit_grades_once_and_reports_once(tmp_path: Path, make_user: Any) -> None:
    assessment = make_assessment(time_limit_minutes=1)
    student = learner(make_user)
    mark = tmp_path / "inside-grading"
    # Paused on the grading's write of the responses, inside the submission's transaction: one statement with the
    # attempt's close on MariaDB (a multi-table UPDATE) and PostgreSQL (``WITH graded AS (UPDATE ...)``, ADR 0036),
    # the responses' own UPDATE on SQLite.
    grading_write = r"^\s*(?:WITH\b.*?)?UPDATE\b.*ve_edu_vault_response\b"
    with celery_worker(tmp_path / "first", extra_env=fault_env(grading_write, mark)) as w:
        started = timezone.now() - timedelta(seconds=58)  # the deadline is two seconds away: the timer's ETA
        view = assessments.start_attempt(assessment.id, student, now=started)
        answers = right_answers(view)
        assessments.save_answers(view.id, user=student, answers=answers, now=started + timedelta(seconds=1))
        kill_inside(w, mark)
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.state == Attempt.IN_PROGRESS and attempt.graded_at is None and attempt.report_due_at is None
    assert not Response.objects.filter(attempt_id=view.id, graded_at__isnull=False).exists()

    def reported() -> bool:
        return StandaloneGrade.objects.filter(user=student, usage_key=str(BLOCK)).exists()

    with celery_worker(tmp_path / "second", extra_env=fault_env(), flush=False) as worker:
        app.send_task(SWEEP)  # what the beat sends every minute
        assert worker.wait_for(lambda: Attempt.objects.get(pk=view.id).state == Attempt.GRADED, timeout=60)
        assert worker.wait_for(reported, timeout=30), worker.log()
        # The killed worker's timer message comes back after the visibility timeout: it finds nothing to do.
        assert worker.wait_for(lambda: worker.succeeded(TIMER) >= 1, timeout=40), worker.log()
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.submit_reason in ("sweep", "timer") and attempt.score == pytest.approx(1.0)
    assert attempt.report_due_at is None
    assert Attempt.objects.filter(user_id=student.pk).count() == 1
    responses = Response.objects.filter(attempt_id=view.id).count()
    assert MasteryEvent.objects.filter(user_id=student.pk).values("response_id").distinct().count() == responses
    assert MasteryEvent.objects.filter(user_id=student.pk).count() == responses  # each response counted once
    grade = StandaloneGrade.objects.get(user=student, usage_key=str(BLOCK))
    assert grade.publications == 1 and grade.earned == pytest.approx(grade.possible)


REGRADE = "ve_edu_vault.regrade.tasks.run_regrade"


def test_a_worker_killed_inside_a_regrade_batch_leaves_nothing_and_the_redelivered_task_finishes_once(
    tmp_path: Path, make_user: Any
) -> None:
    """The redelivery variant of ``tests/regrade/test_regrade_worker.py`` (which sends the run again by hand)."""
    from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
    from ve_edu_vault.regrade import api as regrade
    from ve_edu_vault.regrade.models import RegradeItem, RegradeRun

    assessment, students, _views = scenario(make_user, ["a", "b"] * 3)
    question_id = capital_question_id(assessment)
    correct_the_key(question_id)
    planned = regrade.plan(question_id, batch_size=2)
    before = dict(Attempt.objects.values_list("pk", "earned"))
    mark = tmp_path / "inside-regrade"
    # Paused on the batch's items INSERT: the run row is locked in the batch's transaction.
    with celery_worker(
        tmp_path / "first", extra_env=fault_env(r"^\s*INSERT\b.*ve_edu_vault_regradeitem", mark)
    ) as worker:
        regrade.start(planned.id)
        kill_inside(worker, mark)
    run = RegradeRun.objects.get(pk=planned.id)
    assert run.done == 0 and not RegradeItem.objects.filter(run_id=planned.id).exists()
    assert dict(Attempt.objects.values_list("pk", "earned")) == before  # nothing of the batch kept

    with celery_worker(tmp_path / "second", extra_env=fault_env(), flush=False) as worker:
        # Nothing is sent again: the killed worker's unacknowledged message comes back after the visibility timeout.
        assert worker.wait_for(lambda: worker.succeeded(REGRADE) >= 1, timeout=60), worker.log()
        assert worker.wait_for(lambda: not Attempt.objects.filter(report_due_at__isnull=False).exists(), timeout=30)
    run = RegradeRun.objects.get(pk=planned.id)
    assert run.status == RegradeRun.SUCCEEDED and run.done == 6
    items = list(RegradeItem.objects.filter(run_id=planned.id).values_list("response_id", flat=True))
    responses = set(Response.objects.filter(question_id=question_id).values_list("id", flat=True))
    assert sorted(items) == sorted(responses)  # each response regraded exactly once
    for student in students:  # the gradebook holds each learner's regraded grade: no report lost
        attempt = Attempt.objects.get(user=student)
        grade = StandaloneGrade.objects.get(user=student, usage_key=str(BLOCK))
        assert grade.earned == pytest.approx(attempt.earned)
