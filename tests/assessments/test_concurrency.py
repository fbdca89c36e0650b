"""
Racing requests on real database connections: one grade per attempt, one attempt in progress per learner, each
queued grade reported once. The concurrency-sensitive part of the storage contract: every test runs unchanged on
each attempt storage backend (``tests/storage_backends.py``: the ORM, and MongoDB with its leases and unique
indexes instead of row locks and constraints).

Each thread has its own connection (Django gives each thread one) and closes it at the end.
SQLite serialises writers with a file lock instead of row locks, so these run on MariaDB and
PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from api_builders import learner, make_assessment, right_answers
from django.db import connection, connections
from storage_backends import BACKENDS, mongodb_backend

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.repositories import get_repository
from ve_edu_vault.assessments.signals import ATTEMPT_GRADED

pytestmark = [pytest.mark.django_db(transaction=True)]

ROUNDS = 3


@pytest.fixture(autouse=True)
def _real_row_locks() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks (writers take a file lock); run on MariaDB or PostgreSQL")


@pytest.fixture(autouse=True, params=BACKENDS)
def backend(request: pytest.FixtureRequest, settings: Any, _real_row_locks: None) -> Iterator[str]:
    """Each test once per attempt storage backend."""
    if request.param == "mongodb":
        with mongodb_backend(settings, select=True):
            yield request.param
    else:
        yield request.param


def states(assessment_id: int, user_id: int) -> list[str]:
    return [attempt.state for attempt in get_repository().list_attempts(assessment_id, user_id)]


def race(count: int, work: Callable[[], Any]) -> list[Any]:
    """Run ``work`` in ``count`` threads released at the same instant; return results (or raise the first error)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_racing_submits_give_one_grade(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=None)
    student = learner(make_user)
    graded: list[int] = []
    lock = threading.Lock()

    def receiver(sender: Any, attempt_id: int, **kwargs: Any) -> None:
        with lock:
            graded.append(attempt_id)

    ATTEMPT_GRADED.connect(receiver, dispatch_uid="test-concurrency")
    try:
        for _ in range(ROUNDS):
            view = api.start_attempt(assessment.id, student)
            api.save_answers(view.id, user=student, answers=right_answers(view))
            first, second = race(2, lambda view=view: api.submit_attempt(view.id, user=student))
            assert first == second and first.score == pytest.approx(1.0)
            assert graded.count(view.id) == 1
    finally:
        ATTEMPT_GRADED.disconnect(dispatch_uid="test-concurrency")
    assert states(assessment.id, student.pk) == ["graded"] * ROUNDS


def test_racing_starts_give_one_attempt_in_progress(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=None)
    for round_number in range(ROUNDS):
        student = learner(make_user, f"racer{round_number}")
        views = race(3, lambda student=student: api.start_attempt(assessment.id, student))
        assert len({view.id for view in views}) == 1
        assert get_repository().count_attempts(assessment.id, student.pk) == 1


def test_autosave_racing_a_submit_never_deadlocks(make_user: Any) -> None:
    """The submit locks the attempt, then its responses, in one read: the autosave's order. No deadlock, ever."""
    from ve_edu_vault.errors import AttemptClosedError

    assessment = make_assessment(attempt_limit=None)
    student = learner(make_user)
    for _ in range(ROUNDS * 2):
        view = api.start_attempt(assessment.id, student)
        answers = right_answers(view)

        def save(view: Any = view, answers: dict[str, Any] = answers) -> str:
            try:
                api.save_answers(view.id, user=student, answers=answers)
            except AttemptClosedError:
                return "closed"  # the submission won: a clean 409, not a deadlock
            return "saved"

        def submit(view: Any = view) -> Any:
            return api.submit_attempt(view.id, user=student)

        results = race_named({"save": save, "submit": submit})
        saved, result = results["save"], results["submit"]
        # Whoever won, the grade is of what was saved before the submission took the lock.
        assert result.score == pytest.approx(1.0 if saved == "saved" else 0.0)
    assert states(assessment.id, student.pk) == ["graded"] * (ROUNDS * 2)


def race_named(work: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """``race`` for named callables, each in its own thread: ``{name: result}``."""
    names = list(work)
    index = iter(range(len(names)))
    lock = threading.Lock()

    def one() -> tuple[str, Any]:
        with lock:
            name = names[next(index)]
        return name, work[name]()

    return dict(race(len(names), one))


def test_racing_drains_report_each_grade_once(make_user: Any, settings: Any, backend: str) -> None:
    """Two workers draining the grade-report outbox at once: each queued grade is reported by one of them."""
    from unittest import mock

    from hosts.standalone_platform import backend as standalone
    from ve_edu_vault.assessments import grades

    if backend == "django" and not connection.features.has_select_for_update_skip_locked:
        pytest.skip("this database has no SKIP LOCKED")
    settings.VE_EDU_VAULT_GRADE_REPORT = "task"
    assessment = make_assessment(attempt_limit=None)
    students = [learner(make_user, f"drained{index}") for index in range(4)]
    with mock.patch("ve_edu_vault.assessments.tasks.report_pending_grades.apply_async"):
        for student in students:
            view = api.start_attempt(assessment.id, student)
            api.save_answers(view.id, user=student, answers=right_answers(view))
            api.submit_attempt(view.id, user=student)
    assert get_repository().report_status(assessment.id).queued == len(students)
    reported: list[int] = []
    calls = threading.Lock()
    original = standalone.publish_grade

    def counting(user: Any, *args: Any, **kwargs: Any) -> Any:
        with calls:
            reported.append(user.pk)
        return original(user, *args, **kwargs)

    with mock.patch.object(standalone, "publish_grade", side_effect=counting):
        results = race(2, grades.report_pending_grades)
    assert sum(done for done, _failed in results) == len(students)
    assert sorted(reported) == sorted(student.pk for student in students)  # once each
    assert get_repository().report_status(assessment.id).queued == 0


def test_a_lock_kept_by_a_rolled_back_transaction_is_released_by_the_next_commit(make_user: Any) -> None:
    """
    Regression (MongoDB backend): a lease taken in a transaction that rolled back is reused by the same thread's
    next transaction, whose commit must release it; another request then takes the lock at once (it waited 30 s
    and failed with "busy" when the reused lease registered no release).
    """
    import time

    from django.db import transaction

    assessment = make_assessment(attempt_limit=None)
    view = api.start_attempt(assessment.id, learner(make_user))
    repository = get_repository()
    with pytest.raises(RuntimeError), transaction.atomic():
        repository.get_attempt(view.id, lock=True)
        raise RuntimeError("rolled back")
    with transaction.atomic():
        repository.get_attempt(view.id, lock=True)

    def lock_elsewhere() -> float:
        started = time.monotonic()
        with transaction.atomic():
            get_repository().get_attempt(view.id, lock=True)
        return time.monotonic() - started

    [waited] = race(1, lock_elsewhere)
    assert waited < 5
