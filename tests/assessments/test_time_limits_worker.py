"""
Time limits end to end, with a real Celery worker on Redis against the test database.

The attempts are started "in the past" (``now=``) so that a one-minute limit runs out a few seconds
from now: ``start_attempt`` itself queues the timer task with that deadline as its ETA.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from api_builders import learner, make_assessment, right_answers
from django.utils import timezone

from tests.celery_worker import celery_worker
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

TIMER = "ve_edu_vault.assessments.tasks.auto_submit_attempt"
SWEEP = "ve_edu_vault.assessments.tasks.sweep_expired_attempts"


def started_ago(assessment: Any, student: Any, seconds: float) -> Any:
    """Start an attempt ``seconds`` ago and save right answers (inside the limit)."""
    started = timezone.now() - timedelta(seconds=seconds)
    view = api.start_attempt(assessment.id, student, now=started)
    api.save_answers(view.id, user=student, answers=right_answers(view), now=started + timedelta(seconds=1))
    return view


def graded(attempt_id: int) -> bool:
    return Attempt.objects.filter(pk=attempt_id, state=Attempt.GRADED).exists()


def test_the_timer_submits_saved_answers_at_the_deadline(tmp_path: Path, make_user: Any) -> None:
    assessment = make_assessment(time_limit_minutes=1)
    student = learner(make_user)
    with celery_worker(tmp_path) as worker:
        view = started_ago(assessment, student, 56)  # deadline in about 4 seconds
        assert not graded(view.id)
        assert worker.wait_for(lambda: graded(view.id), timeout=40), worker.log()
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.submit_reason == "timer" and attempt.in_progress is None
    assert attempt.submitted_at >= view.deadline
    assert attempt.score == pytest.approx(1.0)  # the saved work is graded, not zeroed by the expiry
    assert worker.succeeded(TIMER) >= 1


def test_an_extended_deadline_reschedules_the_timer(tmp_path: Path, make_user: Any) -> None:
    assessment = make_assessment(time_limit_minutes=1)
    student = learner(make_user)
    with celery_worker(tmp_path) as worker:
        view = started_ago(assessment, student, 57)  # deadline in about 3 seconds
        api.set_accommodation(assessment.id, user=student, accommodation={"extra_minutes": 5})
        assert worker.wait_for(lambda: "rescheduled" in worker.log(), timeout=40), worker.log()
        assert not graded(view.id)
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.state == Attempt.IN_PROGRESS and attempt.deadline > timezone.now() + timedelta(minutes=4)


def test_the_sweep_submits_attempts_whose_timer_was_lost(tmp_path: Path, make_user: Any) -> None:
    from hosts.celery import app

    assessment = make_assessment(time_limit_minutes=1)
    student = learner(make_user)
    view = started_ago(assessment, student, 120)  # timer queued now, for a deadline already past...
    with celery_worker(tmp_path) as worker:  # ...and lost: starting the worker empties the broker
        assert not worker.wait_for(lambda: graded(view.id), timeout=3)
        app.send_task(SWEEP)
        assert worker.wait_for(lambda: graded(view.id), timeout=40), worker.log()
        assert worker.wait_for(lambda: worker.succeeded(SWEEP) >= 1, timeout=10), worker.log()
    attempt = Attempt.objects.get(pk=view.id)
    assert attempt.submit_reason == "sweep" and attempt.score == pytest.approx(1.0)


def test_the_sweep_without_a_worker(make_user: Any) -> None:
    assessment = make_assessment(time_limit_minutes=1)
    student = learner(make_user)
    overdue = started_ago(assessment, student, 120)
    other = learner(make_user, "other")
    running = started_ago(assessment, other, 5)
    assert api.sweep_expired_attempts() == 1
    assert api.sweep_expired_attempts() == 0  # idempotent
    assert Attempt.objects.get(pk=overdue.id).submit_reason == "sweep"
    assert Attempt.objects.get(pk=running.id).state == Attempt.IN_PROGRESS
