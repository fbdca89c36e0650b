"""
SQLite under concurrent requests: writers wait for each other, never ``500 database is locked`` (issue 18, 6).

Real HTTP requests, from threads released at one instant, to a live server (one thread per
request, each with its own connection to the test database, an SQLite file). Before the fix, a
transaction began ``DEFERRED``: two submits both read the attempt, then both asked for the write
lock; SQLite refuses one of them at once (``SQLITE_BUSY``, whatever the busy timeout, since
waiting could deadlock) and the view answered 500 to all but one. Now every transaction begins
``IMMEDIATE`` (the write lock first: the second writer waits, up to the busy timeout) and the
database is in WAL mode (readers never wait for a writer). See ``hosts/sqlite.py``.

SQLite only (MariaDB and PostgreSQL lock rows: ``test_concurrency.py``). CI runs it on Django 4.2 (tox
py312-django42: the ``hosts.sqlite_immediate`` engine) and, through the ``sqlite`` mark, on the development
release, 5.2 (``transaction_mode`` OPTIONS; ADR 0030).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests
from api_builders import COURSE, learner, make_assessment, right_answers
from django.db import connection

from tests.jwt_tokens import jwt_headers, lms_jwt
from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.models import Attempt

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.sqlite]

API = "/api/ve-edu-vault/v1/"
LEARNERS = 4
SUBMITS_EACH = 3


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking; MariaDB and PostgreSQL lock rows (test_concurrency.py)")


def at_once(calls: list[tuple[str, str, str]], base: str) -> list[requests.Response]:
    """Send ``(method, path, token)`` requests from one thread each, released together."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def send(index: int, method: str, path: str, token: str) -> None:
        barrier.wait(timeout=20)
        try:
            answers[index] = requests.request(method, base + path, headers=jwt_headers(token), json={}, timeout=60)
        except requests.RequestException as error:
            answers[index] = error

    threads = [threading.Thread(target=send, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return answers


def test_racing_submits_and_starts_never_answer_database_is_locked(make_user: Any, live_server: Any) -> None:
    assessment = make_assessment(attempt_limit=None)
    students = [learner(make_user, f"sqlite_racer{n}") for n in range(LEARNERS)]
    tokens = {student.pk: lms_jwt(student) for student in students}
    attempts = {}
    for student in students:
        view = api.start_attempt(assessment.id, student)
        api.save_answers(view.id, user=student, answers=right_answers(view))
        attempts[student.pk] = view.id
    # every learner submits their attempt three times at once, while two others start another attempt
    calls = [
        ("POST", f"{API}attempts/{attempts[student.pk]}/submit/", tokens[student.pk])
        for student in students
        for _ in range(SUBMITS_EACH)
    ]
    newcomers = [learner(make_user, f"sqlite_newcomer{n}") for n in range(2)]
    calls += [
        ("POST", f"{API}courses/{COURSE}/assessments/{assessment.id}/attempts/", lms_jwt(newcomer))
        for newcomer in newcomers
    ]
    answers = at_once(calls, live_server.url)
    problems = [
        f"{method} {path}: {getattr(answer, 'status_code', answer)} {getattr(answer, 'text', '')[:200]}"
        for (method, path, _), answer in zip(calls, answers, strict=True)
        if not isinstance(answer, requests.Response) or answer.status_code not in (200, 201)
    ]
    assert not problems, "\n".join(problems)
    # grading stayed single: each attempt graded once, every submit of it answered the same score
    for student in students:
        scores = {
            answer.json()["score"]
            for (_, path, _), answer in zip(calls, answers, strict=True)
            if path == f"{API}attempts/{attempts[student.pk]}/submit/"
        }
        assert scores == {1.0}, scores
    assert Attempt.objects.filter(pk__in=attempts.values(), state=Attempt.GRADED).count() == LEARNERS
    assert Attempt.objects.filter(user__in=newcomers).count() == 2


def test_the_demo_database_waits_and_writes_ahead() -> None:
    """The settings the fix rests on, read back from the live connection."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20_000
