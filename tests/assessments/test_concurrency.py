"""
Racing requests on real database connections: one grade per attempt, one attempt in progress per learner.

Each thread has its own connection (Django gives each thread one) and closes it at the end.
SQLite serialises writers with a file lock instead of row locks, so these run on MariaDB and
PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from api_builders import learner, make_assessment, right_answers
from django.db import connection, connections

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt
from ve_edu_vault.assessments.signals import ATTEMPT_GRADED

pytestmark = [pytest.mark.django_db(transaction=True)]

ROUNDS = 3


@pytest.fixture(autouse=True)
def _real_row_locks() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks (writers take a file lock); run on MariaDB or PostgreSQL")


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
    assert Attempt.objects.filter(state=Attempt.GRADED).count() == ROUNDS


def test_racing_starts_give_one_attempt_in_progress(make_user: Any) -> None:
    assessment = make_assessment(attempt_limit=None)
    for round_number in range(ROUNDS):
        student = learner(make_user, f"racer{round_number}")
        views = race(3, lambda student=student: api.start_attempt(assessment.id, student))
        assert len({view.id for view in views}) == 1
        assert Attempt.objects.filter(user=student).count() == 1
