"""
A graded attempt reaches the item summaries through the ``update_item_summaries`` task on a real Celery worker, so the
learner's submit does not wait for the summary writes; with the queue unreachable the request adds it itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.analytics.builders import assessment_with_questions
from tests.assessments.api_builders import learner, right_answers
from tests.celery_worker import celery_worker
from ve_edu_vault.analytics import api, summaries
from ve_edu_vault.analytics.models import AssessmentSummary, SummarisedAttempt
from ve_edu_vault.analytics.tasks import update_item_summaries
from ve_edu_vault.assessments import api as assessments

TASK = "ve_edu_vault.analytics.tasks.update_item_summaries"


def take(make_user: Any, assessment_id: int, name: str) -> int:
    student = learner(make_user, name)
    view = assessments.start_attempt(assessment_id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    assessments.submit_attempt(view.id, user=student)
    return view.id


@pytest.mark.celery_worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_adds_a_graded_attempt_to_the_summaries(make_user: Any, tmp_path: Path, settings: Any) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)  # built while empty: the attempts below are added one by one
    with celery_worker(tmp_path) as worker:
        attempt_ids = [take(make_user, created.id, f"w{index}") for index in range(2)]
        added = lambda: SummarisedAttempt.objects.filter(attempt_id__in=attempt_ids).count() == 2  # noqa: E731
        assert worker.wait_for(added, timeout=60), worker.log()
        assert worker.succeeded(TASK) >= 2, worker.log()
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 2
    assert api.item_analysis(created.id).assessment.attempts == 2


@pytest.mark.django_db
def test_the_submit_adds_the_attempt_itself_when_the_queue_cannot_be_reached(
    make_user: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(update_item_summaries, "apply_async", broker_down)
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_id = take(make_user, created.id, "offline")
    assert SummarisedAttempt.objects.filter(attempt_id=attempt_id).exists()
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 1
