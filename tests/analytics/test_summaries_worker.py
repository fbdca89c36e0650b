"""
Graded attempts reach the item summaries through the ``refresh_item_summaries`` task on a real Celery worker, queued
once per burst of graded attempts of an assessment (the debounce key in a Redis cache the request and the worker
share), so the learner's submit neither waits for the summary writes nor sends a broker message each time; with the
queue unreachable the request adds them itself. A finished regrade's rebuild of the summaries is the worker's too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kombu import Producer

from tests.analytics.builders import assessment_with_questions
from tests.analytics.test_summaries_refresh import summary_rows
from tests.analytics.test_summaries_refresh import take as take_varied
from tests.assessments.api_builders import learner, right_answers
from tests.celery_worker import celery_worker
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault.analytics import api, refresh, summaries
from ve_edu_vault.analytics.models import AssessmentSummary, SummarisedAttempt
from ve_edu_vault.assessments import api as assessments
from ve_edu_vault.regrade import api as regrade

TASK = "ve_edu_vault.analytics.tasks.refresh_item_summaries"
REBUILD = "ve_edu_vault.analytics.tasks.rebuild_item_summaries"


def take(make_user: Any, assessment_id: int, name: str) -> int:
    student = learner(make_user, name)
    view = assessments.start_attempt(assessment_id, student)
    assessments.save_answers(view.id, user=student, answers=right_answers(view))
    assessments.submit_attempt(view.id, user=student)
    return view.id


@pytest.mark.celery_worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_adds_a_burst_of_graded_attempts_with_one_refresh(
    make_user: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    # The debounce key lives in the cache the request and the worker share (a deployment's Redis, through django-redis
    # as Tutor configures it and the hosts' settings do with CACHE_REDIS_URL: the worker's cache below).
    shared = settings.CELERY_BROKER_URL
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": shared}}
    monkeypatch.setattr(refresh, "REFRESH_DELAY_SECONDS", 4)  # the whole burst falls inside it on a loaded machine
    published: list[str] = []
    original = Producer.publish

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        published.append(str((kwargs.get("headers") or {}).get("task")))
        return original(self, body, *args, **kwargs)

    monkeypatch.setattr(Producer, "publish", publish)
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)  # built while empty: the attempts below are added one by one
    built = dict(AssessmentSummary.objects.filter(assessment_id=created.id).values_list("choice", "pk"))
    with celery_worker(tmp_path, extra_env={"CACHE_REDIS_URL": shared}) as worker:
        first = [take_varied(make_user, created.id, f"w{index}", index) for index in range(4)]
        added = lambda ids: lambda: SummarisedAttempt.objects.filter(attempt_id__in=ids).count() == len(ids)  # noqa: E731
        assert worker.wait_for(added(first), timeout=60), worker.log()
        assert published.count(TASK) == 1, published
        # A later burst, after the refresh started, queues the next one.
        second = [take_varied(make_user, created.id, f"v{index}", index) for index in range(4, 6)]
        assert worker.wait_for(added(second), timeout=60), worker.log()
        assert published.count(TASK) == 2, published
        assert worker.wait_for(lambda: worker.succeeded(TASK) >= 2, timeout=30), worker.log()
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 6
    assert api.item_analysis(created.id).assessment.attempts == 6
    # Incremental (the rows built while empty were updated, not replaced) and exact (what a rebuild computes).
    assert dict(AssessmentSummary.objects.filter(assessment_id=created.id).values_list("choice", "pk")) == built
    incremental = summary_rows(created.id)
    summaries.rebuild(created.id)
    assert incremental == summary_rows(created.id)


@pytest.mark.django_db
def test_the_submit_adds_the_attempt_itself_when_the_queue_cannot_be_reached(
    make_user: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Producer, "publish", broker_down)
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_id = take(make_user, created.id, "offline")
    assert SummarisedAttempt.objects.filter(attempt_id=attempt_id).exists()
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 1


@pytest.mark.celery_worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_rebuilds_the_summaries_after_a_regrade_as_an_in_process_rebuild_does(
    make_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    assessment, _students, _views = scenario(make_user, ["a", "b", "a", "b", "b", "c"])
    question_id = capital_question_id(assessment)
    summaries.rebuild(assessment.id)
    stale = summary_rows(assessment.id)
    correct_the_key(question_id)
    with celery_worker(tmp_path) as worker:
        done = regrade.run_batches(regrade.plan(question_id, batch_size=2).id)  # commits: REGRADE_FINISHED is sent
        assert done.changed == 5
        assert worker.wait_for(lambda: worker.succeeded(REBUILD) >= 1, timeout=60), worker.log()
    by_worker = summary_rows(assessment.id)
    assert by_worker != stale  # the regrade changed them
    summaries.rebuild(assessment.id)
    assert by_worker == summary_rows(assessment.id)
    capital = next(i for i in api.item_analysis(assessment.id).questions if i.question_id == question_id)
    assert capital.facility == pytest.approx(3 / 6)
