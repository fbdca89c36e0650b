"""
Graded attempts reach the item summaries through the ``refresh_item_summaries`` task on a real Celery worker, queued
once per assessment and time window (the window's key in a Redis cache the request and the worker share, asked once
per process and window), so the learner's submit neither waits for the summary writes nor sends a broker message or
a cache round trip each time; the window's refresh, due after the window ends, reads every attempt graded in it; with
the queue unreachable the request adds them itself. A finished regrade's rebuild of the summaries is the worker's too.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
from kombu import Producer

from tests.analytics.builders import assessment_with_questions
from tests.analytics.test_summaries_refresh import attempt_by, summary_rows
from tests.analytics.test_summaries_refresh import take as take_varied
from tests.assessments.api_builders import learner, right_answers
from tests.celery_worker import celery_worker
from tests.regrade.regrade_builders import capital_question_id, correct_the_key, scenario
from ve_edu_vault import caching
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
def test_the_worker_adds_graded_attempts_with_one_refresh_per_window_exactly(
    make_user: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    # The windows' keys live in the cache the request and the worker share (a deployment's Redis, through django-redis
    # as Tutor configures it and the hosts' settings do with CACHE_REDIS_URL: the worker's cache below).
    shared = settings.CELERY_BROKER_URL
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": shared}}
    monkeypatch.setattr(refresh, "WINDOW_SECONDS", 1)  # short windows: the burst spans several
    hooks: list[float] = []  # the wall-clock time each graded attempt's hook read

    def clock() -> float:
        hooks.append(time.time())
        return hooks[-1]

    def last_millisecond() -> float:  # a web host whose clock is ahead of the worker's by up to a window
        hooks.append((math.floor(time.time() / refresh.WINDOW_SECONDS) + 1) * refresh.WINDOW_SECONDS - 0.001)
        return hooks[-1]

    def windows() -> set[int]:
        return {math.floor(at / refresh.WINDOW_SECONDS) for at in hooks}

    monkeypatch.setattr(refresh, "clock", clock)
    published: list[str] = []
    original = Producer.publish

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        published.append(str((kwargs.get("headers") or {}).get("task")))
        return original(self, body, *args, **kwargs)

    monkeypatch.setattr(Producer, "publish", publish)
    asked: list[str] = []
    add = caching.add

    def counted_add(key: str, value: Any, timeout: float | None) -> bool | None:
        if key.startswith("ve_edu_vault:analytics:summaries"):
            asked.append(key)
        return add(key, value, timeout)

    monkeypatch.setattr(caching, "add", counted_add)
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)  # built while empty: the attempts below are added one by one
    built = dict(AssessmentSummary.objects.filter(assessment_id=created.id).values_list("choice", "pk"))
    twice = learner(make_user, "twice")
    with celery_worker(tmp_path, extra_env={"CACHE_REDIS_URL": shared}) as worker:
        ids = [attempt_by(twice, created.id, 0)]
        deadline = time.monotonic() + 30
        while (len(windows()) < 2 or len(ids) < 4) and time.monotonic() < deadline:  # a burst over two windows
            ids.append(take_varied(make_user, created.id, f"w{len(ids)}", len(ids)))
        assert len(windows()) >= 2, hooks
        ids.append(attempt_by(twice, created.id, 1))  # first, last and best choose between the learner's two
        monkeypatch.setattr(refresh, "clock", last_millisecond)
        ids.append(take_varied(make_user, created.id, "last", len(ids)))  # no later window's refresh reads it
        count = len(windows())
        assert worker.wait_for(lambda: worker.succeeded(TASK) >= count, timeout=60), worker.log()
        assert SummarisedAttempt.objects.filter(attempt_id__in=ids).count() == len(ids), worker.log()
    assert published.count(TASK) == count, (published, hooks)  # one refresh per window
    assert len(asked) == count  # one cache round trip per window in this process, not one per attempt
    assert worker.succeeded(TASK) == count
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == len(ids)
    assert api.item_analysis(created.id).assessment.attempts == len(ids)
    # Incremental (the rows built while empty were updated, not replaced) and exact (what a rebuild computes).
    assert dict(AssessmentSummary.objects.filter(assessment_id=created.id).values_list("choice", "pk")) == built
    incremental = summary_rows(created.id)
    summaries.rebuild(created.id)
    assert incremental == summary_rows(created.id)


@pytest.mark.celery_worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_an_attempt_graded_in_the_last_moment_of_its_window(
    make_user: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    """
    The window's first attempt queues its refresh; the worker receives it at once and holds it until the window's end
    plus the margin. An attempt the same process grades in the window's last millisecond (no cache call, nothing
    published) is read by that refresh. The web host's clock here is behind the worker's, by less than the margin: a
    refresh due at the first attempt's window start, say, would run before the late attempt is graded.
    """
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    shared = settings.CELERY_BROKER_URL
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": shared}}
    monkeypatch.setattr(refresh, "WINDOW_SECONDS", 1)
    monkeypatch.setattr(refresh, "MARGIN_SECONDS", 3)  # tolerates a slow test machine between the two attempts
    published: list[str] = []
    original = Producer.publish

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> Any:
        published.append(str((kwargs.get("headers") or {}).get("task")))
        return original(self, body, *args, **kwargs)

    monkeypatch.setattr(Producer, "publish", publish)
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)
    with celery_worker(tmp_path, extra_env={"CACHE_REDIS_URL": shared}) as worker:
        window = math.floor(time.time() / refresh.WINDOW_SECONDS)
        monkeypatch.setattr(refresh, "clock", lambda: float(window * refresh.WINDOW_SECONDS))  # its first moment
        first = take_varied(make_user, created.id, "first", 0)
        assert worker.wait_for(lambda: worker.received(TASK) >= 1, timeout=30), worker.log()
        last_moment = (window + 1) * refresh.WINDOW_SECONDS - 0.001
        monkeypatch.setattr(refresh, "clock", lambda: last_moment)
        late = take_varied(make_user, created.id, "late", 1)
        assert published.count(TASK) == 1
        assert worker.wait_for(lambda: worker.succeeded(TASK) >= 1, timeout=60), worker.log()
        assert SummarisedAttempt.objects.filter(attempt_id__in=[first, late]).count() == 2, worker.log()
    assert worker.succeeded(TASK) == 1
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
