"""
A burst of graded attempts queues one refresh of their assessment's item summaries per time window
(``analytics/refresh.py``), and the refresh adds every one of them, incrementally and exactly, on either attempt
backend (``storage``); with the cache down each attempt queues its own update. The windows themselves:
test_summaries_refresh_windows.py; the same with a real broker and worker: test_summaries_worker.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from kombu import Producer
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.analytics.builders import assessment_with_questions
from tests.analytics.conftest import Clock
from tests.assessments.api_builders import KEY_NUMBER, by_title, learner, right_answers
from ve_edu_vault import caching
from ve_edu_vault.analytics import refresh, summaries
from ve_edu_vault.analytics.models import AssessmentSummary, ItemSummary, SummarisedAttempt
from ve_edu_vault.assessments import api as assessments

REFRESH = "ve_edu_vault.analytics.tasks.refresh_item_summaries"
UPDATE = "ve_edu_vault.analytics.tasks.update_item_summaries"


def answers(view: Any, index: int) -> dict[str, Any]:
    """Right answers for some learners, wrong ones (other choices, other numbers) for others: varied sums."""
    given = right_answers(view)
    questions = by_title(view)
    if index % 2:
        given[str(questions["Capital"].response_id)] = {"p0": "b"}
    if index % 3 == 0:
        given[str(questions["Number"].response_id)] = {"p0": str(KEY_NUMBER + index)}
    return given


def attempt_by(student: Any, assessment_id: int, index: int = 0) -> int:
    view = assessments.start_attempt(assessment_id, student)
    assessments.save_answers(view.id, user=student, answers=answers(view, index))
    assessments.submit_attempt(view.id, user=student)
    return view.id


def take(make_user: Any, assessment_id: int, name: str, index: int = 0) -> int:
    return attempt_by(learner(make_user, name), assessment_id, index)


def summary_rows(assessment_id: int) -> list[tuple[Any, ...]]:
    """Every summary figure of the assessment (all choices), rounded: what the statistics are computed from."""
    test = [
        (
            row.choice,
            row.n,
            round(row.st, 9),
            round(row.stt, 9),
            round(row.su, 9),
            round(row.suu, 9),
            row.partial,
            row.time_n,
            round(row.time_sum, 3),
            tuple(row.bins or []),
        )
        for row in AssessmentSummary.objects.filter(assessment_id=assessment_id).order_by("choice")
    ]
    items = [
        (
            row.choice,
            row.version_id,
            row.n,
            round(row.sx, 9),
            round(row.sy, 9),
            round(row.syt, 9),
            round(row.sc, 9),
            tuple(sorted((key, count) for key, (count, _total) in (row.choices or {}).items() if count)),
        )
        for row in ItemSummary.objects.filter(assessment_id=assessment_id, n__gt=0).order_by("choice", "version_id")
    ]
    return test + items


def published_tasks(monkeypatch: Any) -> list[str]:
    """The analytics tasks published to the broker from now on (recorded, not sent)."""
    published: list[str] = []

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> None:
        task = str((kwargs.get("headers") or {}).get("task"))
        if task.startswith("ve_edu_vault.analytics."):
            published.append(task)

    monkeypatch.setattr(Producer, "publish", publish)
    return published


@pytest.fixture
def task_mode(settings: Any) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    cache.clear()


@pytest.mark.django_db
def test_a_burst_of_graded_attempts_queues_one_refresh_per_assessment(
    make_user: Any,
    storage: str,
    task_mode: None,
    clock: Clock,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, _ = assessment_with_questions()
    second, _ = assessment_with_questions()
    summaries.rebuild(first.id)
    summaries.rebuild(second.id)
    published = published_tasks(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        ids = [take(make_user, first.id, f"burst{index}", index) for index in range(4)]
        ids += [take(make_user, second.id, f"other{index}", index) for index in range(2)]
    assert published == [REFRESH, REFRESH]  # was one update_item_summaries per attempt
    assert not SummarisedAttempt.objects.filter(attempt_id__in=ids).exists()  # the worker's job, not the request's

    assert refresh.refresh(first.id) == 4
    assert refresh.refresh(second.id) == 2
    assert SummarisedAttempt.objects.filter(attempt_id__in=ids).count() == 6
    assert refresh.refresh(first.id) == 0  # each attempt once

    # The next window's attempt queues the next refresh (test_summaries_refresh_windows.py: the windows).
    clock.now += refresh.WINDOW_SECONDS
    with django_capture_on_commit_callbacks(execute=True):
        take(make_user, first.id, "later", 5)
    assert published == [REFRESH, REFRESH, REFRESH]


@pytest.mark.django_db
def test_the_refresh_adds_each_attempt_incrementally_to_the_same_sums_as_a_rebuild(
    make_user: Any,
    storage: str,
    task_mode: None,
    clock: Clock,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)
    built = dict(AssessmentSummary.objects.filter(assessment_id=created.id).values_list("choice", "pk"))
    published_tasks(monkeypatch)
    students = [learner(make_user, f"exact{index}") for index in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for index, student in enumerate(students):
            attempt_by(student, created.id, index)
        attempt_by(students[0], created.id, 1)  # a second attempt: first, last and best choose between the two

    assert refresh.refresh(created.id) == 6
    incremental = summary_rows(created.id)
    # Incremental: the rows built while empty were updated, not replaced.
    assert dict(AssessmentSummary.objects.filter(assessment_id=created.id).values_list("choice", "pk")) == built
    summaries.rebuild(created.id)
    assert incremental == summary_rows(created.id)
    assert incremental[0][1] == 6  # "all" counts six attempts


@pytest.mark.django_db
def test_summaries_not_built_yet_are_left_to_their_first_read(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    created, _ = assessment_with_questions()
    published_tasks(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_id = take(make_user, created.id, "unbuilt")
    assert refresh.refresh(created.id) == 0
    assert not SummarisedAttempt.objects.filter(attempt_id=attempt_id).exists()


class _CacheDown:
    def add(self, *args: Any, **kwargs: Any) -> bool:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = delete = add


@pytest.mark.django_db
def test_with_the_cache_down_each_graded_attempt_queues_its_own_update(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)
    published = published_tasks(monkeypatch)
    monkeypatch.setattr(caching, "cache", _CacheDown())
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            take(make_user, created.id, f"nocache{index}", index)
    assert published == [UPDATE, UPDATE, UPDATE]


@pytest.mark.django_db
def test_with_the_broker_down_the_request_adds_the_burst_itself(
    make_user: Any, task_mode: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Producer, "publish", broker_down)
    created, _ = assessment_with_questions()
    summaries.rebuild(created.id)
    with django_capture_on_commit_callbacks(execute=True):
        ids = [take(make_user, created.id, f"offline{index}", index) for index in range(2)]
    assert SummarisedAttempt.objects.filter(attempt_id__in=ids).count() == 2
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 2
