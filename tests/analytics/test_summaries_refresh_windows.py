"""
The summaries' refresh is queued once per assessment and time window (``analytics/refresh.py``): a process asks the
cache once per window and assessment and remembers the answer, so the rest of a burst costs no cache round trip;
the window's refresh runs after the window ends (plus a margin for clock skew), so it reads every attempt graded in
the window. Faults: with the cache down each attempt queues its own update; with the broker down the request
refreshes and frees the window's key. On a real broker and worker: test_summaries_worker.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from kombu import Producer
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.analytics.builders import assessment_with_questions
from tests.analytics.conftest import WINDOW_START, Clock
from tests.analytics.test_summaries_refresh import summary_rows, take
from ve_edu_vault import caching
from ve_edu_vault.analytics import refresh, summaries
from ve_edu_vault.analytics.models import AssessmentSummary, SummarisedAttempt

REFRESH = "ve_edu_vault.analytics.tasks.refresh_item_summaries"
UPDATE = "ve_edu_vault.analytics.tasks.update_item_summaries"
KEY_PREFIX = "ve_edu_vault:analytics:summaries"


def assessment_with_built_summaries() -> tuple[Any, list[Any]]:
    """An assessment whose summaries are built while it has no attempt: graded attempts are added one by one."""
    created, versions = assessment_with_questions()
    summaries.rebuild(created.id)
    return created, versions


def eta_of(end: float) -> datetime:
    """When the refresh of the window ending at ``end`` is due: its end plus the margin."""
    return datetime.fromtimestamp(end + refresh.MARGIN_SECONDS, tz=UTC)


def published_messages(monkeypatch: Any) -> list[tuple[str, list[Any], datetime | None]]:
    """The analytics tasks published from now on, with their arguments and ETA (recorded, not sent)."""
    published: list[tuple[str, list[Any], datetime | None]] = []

    def publish(self: Any, body: Any, *args: Any, **kwargs: Any) -> None:
        headers = kwargs.get("headers") or {}
        task = str(headers.get("task"))
        if task.startswith("ve_edu_vault.analytics."):
            eta = headers.get("eta")
            published.append((task, list(body[0]), datetime.fromisoformat(eta) if eta else None))

    monkeypatch.setattr(Producer, "publish", publish)
    return published


class _CountingCache:
    """The cache, with every call on a summaries key recorded as ``(method, key)``."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.real, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], str) and args[0].startswith(KEY_PREFIX):
                self.calls.append((name, args[0]))
            return method(*args, **kwargs)

        return call


def cache_calls(monkeypatch: Any) -> list[tuple[str, str]]:
    """The cache calls on summaries keys from now on (the call still reaches the cache)."""
    counting = _CountingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", counting)
    return counting.calls


def another_process(monkeypatch: Any) -> None:
    """From now on the test's calls behave as another process's: nothing remembered yet."""
    monkeypatch.setattr(refresh, "_handled", {})


@pytest.fixture
def task_mode(settings: Any) -> None:
    settings.VE_EDU_VAULT_ANALYTICS_SUMMARIES = "task"
    caches["default"].clear()


@pytest.fixture
def graded(make_user: Any, django_capture_on_commit_callbacks: Any) -> Callable[..., int]:
    """Grade one attempt now: its after-commit hook runs at the clock's current time."""

    def grade(assessment_id: int, name: str, index: int = 0) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return take(make_user, assessment_id, name, index)

    return grade


@pytest.mark.django_db
def test_a_burst_in_one_window_asks_the_cache_once_per_process_and_queues_one_refresh(
    storage: str, task_mode: None, clock: Clock, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    created, _ = assessment_with_built_summaries()
    published = published_messages(monkeypatch)
    calls = cache_calls(monkeypatch)
    ids = [graded(created.id, f"one{index}", index) for index in range(3)]
    clock.now += 1.0
    another_process(monkeypatch)  # same window, another gunicorn worker
    ids += [graded(created.id, f"two{index}", index) for index in range(3, 5)]

    assert [method for method, _key in calls] == ["add", "add"]  # one per process, not one per attempt
    assert len({key for _method, key in calls}) == 1
    assert published == [(REFRESH, [created.id], eta_of(WINDOW_START + refresh.WINDOW_SECONDS))]
    assert not SummarisedAttempt.objects.filter(attempt_id__in=ids).exists()  # the worker's job
    assert refresh.refresh(created.id) == 5  # what the worker runs at the ETA
    assert SummarisedAttempt.objects.filter(attempt_id__in=ids).count() == 5
    assert refresh.refresh(created.id) == 0  # each attempt once


@pytest.mark.django_db
def test_attempts_in_the_next_window_queue_the_next_refresh(
    task_mode: None, clock: Clock, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    first, _ = assessment_with_built_summaries()
    second, _ = assessment_with_built_summaries()
    published = published_messages(monkeypatch)
    calls = cache_calls(monkeypatch)
    end = WINDOW_START + refresh.WINDOW_SECONDS
    graded(first.id, "a0")
    graded(second.id, "b0")
    graded(first.id, "a1", 1)
    clock.now = end + 0.5  # the next window
    graded(first.id, "a2", 2)
    graded(second.id, "b1", 1)
    graded(second.id, "b2", 2)

    assert published == [
        (REFRESH, [first.id], eta_of(end)),
        (REFRESH, [second.id], eta_of(end)),
        (REFRESH, [first.id], eta_of(end + refresh.WINDOW_SECONDS)),
        (REFRESH, [second.id], eta_of(end + refresh.WINDOW_SECONDS)),
    ]
    assert [method for method, _key in calls] == ["add"] * 4  # one per assessment and window
    assert len({key for _method, key in calls}) == 4
    assert refresh.refresh(first.id) == 3
    assert refresh.refresh(second.id) == 3


@pytest.mark.django_db
def test_an_attempt_graded_just_before_its_window_closes_is_read_by_that_windows_refresh(
    task_mode: None, clock: Clock, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    """
    The window's refresh is due at its end plus the margin: a worker whose clock is within the margin of the web
    host's runs it after every attempt whose hook ran in the window had committed (the hook runs after commit).
    """
    created, _ = assessment_with_built_summaries()
    alone, _ = assessment_with_built_summaries()
    published = published_messages(monkeypatch)
    calls = cache_calls(monkeypatch)
    end = WINDOW_START + refresh.WINDOW_SECONDS
    early = graded(created.id, "early")  # queues the window's refresh
    clock.now = end - 0.001
    late = graded(created.id, "late", 1)  # the same process: no cache call, nothing published
    another_process(monkeypatch)
    later = graded(created.id, "other", 2)  # another process: the key is there, nothing published
    first_and_last = graded(alone.id, "alone", 3)  # the window's first attempt of its assessment, and its last

    assert [method for method, _key in calls] == ["add", "add", "add"]
    assert published == [(REFRESH, [created.id], eta_of(end)), (REFRESH, [alone.id], eta_of(end))]
    for _task, _args, eta in published:
        assert eta is not None
        assert eta.timestamp() - clock.now >= refresh.MARGIN_SECONDS  # due after the last hook, by the margin
    assert refresh.refresh(created.id) == 3  # the window's refresh, run at its ETA
    assert refresh.refresh(alone.id) == 1
    marked = SummarisedAttempt.objects.filter(attempt_id__in=[early, late, later, first_and_last])
    assert marked.count() == 4

    clock.now = end  # the next window
    graded(created.id, "next", 3)
    assert published[-1] == (REFRESH, [created.id], eta_of(end + refresh.WINDOW_SECONDS))


def test_the_memo_of_handled_windows_is_bounded(clock: Clock, monkeypatch: Any) -> None:
    asked: list[str] = []

    def add(key: str, value: Any, timeout: float | None) -> bool:
        asked.append(key)
        return False  # another process queued each window's refresh

    monkeypatch.setattr(caching, "add", add)
    size = refresh.MEMO_SIZE
    for assessment_id in range(1, 3 * size + 1):
        refresh.queue(assessment_id, 0)
    assert len(asked) == 3 * size
    assert len(refresh._handled) <= size
    asked.clear()
    refresh.queue(3 * size, 0)  # the latest assessment is remembered: no cache call
    assert asked == []
    refresh.queue(1, 0)  # the oldest was forgotten: the cache is asked again (its key is still there)
    assert len(asked) == 1
    clock.now += refresh.WINDOW_SECONDS  # a new window: remembered assessments ask again
    refresh.queue(3 * size, 0)
    assert len(asked) == 2
    assert len(refresh._handled) <= size


class _CacheDown:
    def add(self, *args: Any, **kwargs: Any) -> bool:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = delete = add


@pytest.mark.django_db
def test_with_the_cache_down_each_attempt_queues_its_own_update_until_the_cache_is_back(
    task_mode: None, clock: Clock, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    created, _ = assessment_with_built_summaries()
    published = published_messages(monkeypatch)
    real = caching.cache
    monkeypatch.setattr(caching, "cache", _CacheDown())
    down = [graded(created.id, f"down{index}", index) for index in range(2)]
    monkeypatch.setattr(caching, "cache", real)
    clock.now += 0.5  # the same window: nothing was remembered while the cache was down
    graded(created.id, "back", 2)
    assert published == [
        (UPDATE, [down[0]], None),
        (UPDATE, [down[1]], None),
        (REFRESH, [created.id], eta_of(WINDOW_START + refresh.WINDOW_SECONDS)),
    ]


@pytest.mark.django_db
def test_with_the_broker_down_the_request_refreshes_and_frees_the_window(
    task_mode: None, clock: Clock, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    created, _ = assessment_with_built_summaries()
    calls = cache_calls(monkeypatch)
    monkeypatch.setattr(Producer, "publish", broker_down)
    offline = [graded(created.id, f"offline{index}", index) for index in range(2)]  # the same window
    assert SummarisedAttempt.objects.filter(attempt_id__in=offline).count() == 2
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 2
    window = [(method, key) for method, key in calls if "summaries-queued" not in key]
    assert [method for method, _key in window] == ["add", "delete", "add", "delete"]  # each freed the window's key

    published = published_messages(monkeypatch)  # the broker is back, in the same window
    graded(created.id, "online", 2)
    assert published == [(REFRESH, [created.id], eta_of(WINDOW_START + refresh.WINDOW_SECONDS))]


@pytest.mark.django_db
def test_the_window_keys_expire_by_themselves_in_redis(
    task_mode: None, clock: Clock, settings: Any, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": settings.CELERY_BROKER_URL}}
    created, _ = assessment_with_built_summaries()
    published_messages(monkeypatch)
    calls = cache_calls(monkeypatch)
    caches["default"].delete_pattern(f"{KEY_PREFIX}*:{created.id}:*")  # SQLite reuses a rolled-back test's ids
    graded(created.id, "expiring")
    [(method, key)] = calls
    assert method == "add"
    ttl = caches["default"].ttl(key)
    assert refresh.WINDOW_SECONDS + refresh.MARGIN_SECONDS < ttl <= refresh.WINDOW_SECONDS + 2 * refresh.MARGIN_SECONDS
    caches["default"].delete(key)


@pytest.mark.django_db
def test_the_refresh_frees_the_key_of_a_web_process_on_the_previous_release(
    task_mode: None, graded: Callable[..., int]
) -> None:
    """During an upgrade, processes of the previous release skip their refresh while one per-assessment key lives."""
    created, _ = assessment_with_built_summaries()
    previous = f"ve_edu_vault:analytics:summaries-queued:{created.id}"
    caches["default"].set(previous, 1, timeout=300)
    refresh.refresh(created.id)
    assert caches["default"].get(previous) is None


@pytest.mark.django_db
def test_vault_item_analysis_refresh_adds_attempts_whose_refresh_was_lost(
    task_mode: None, clock: Clock, monkeypatch: Any, graded: Callable[..., int]
) -> None:
    created, _ = assessment_with_built_summaries()
    published = published_messages(monkeypatch)  # recorded, never delivered: lost
    ids = [graded(created.id, f"lost{index}", index) for index in range(3)]
    assert [task for task, _args, _eta in published] == [REFRESH]
    assert AssessmentSummary.objects.get(assessment_id=created.id, choice="all").n == 0
    out = StringIO()
    call_command("vault_item_analysis", str(created.id), "--refresh", "--json", stdout=out)
    assert json.loads(out.getvalue())["assessment"]["attempts"] == 3
    assert SummarisedAttempt.objects.filter(attempt_id__in=ids).count() == 3
    rows = summary_rows(created.id)
    summaries.rebuild(created.id)
    assert rows == summary_rows(created.id)
    assert refresh.refresh(created.id) == 0  # the lost refresh, delivered late after all: nothing twice
