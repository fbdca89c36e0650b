"""
The storage contract of ``AttemptRepository``, written once for every backend.

TLDR: ``AttemptRepositoryContract`` holds the tests; the ``repository`` fixture is parametrised by
backend name. A MongoDB backend adds its name to ``BACKENDS`` and must pass.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_builders import make_assessment
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from ve_edu_vault.assessments.repositories import (
    AttemptInProgressConflict,
    AttemptRepository,
    NewAttempt,
    NewResponse,
    get_repository,
)
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.questions import api as questions

BACKENDS = ["django"]


@pytest.fixture(params=BACKENDS)
def repository(request: pytest.FixtureRequest, db: None) -> AttemptRepository:
    return get_repository(request.param)


@pytest.fixture
def setup(make_user: Any) -> dict[str, Any]:
    assessment = make_assessment()
    versions = [questions.get_question(qid).current_version for qid in assessment.config.selection.question_ids]
    return {"assessment": assessment, "user": make_user("learner"), "versions": versions}


def new_attempt(setup: dict[str, Any], *, number: int = 1, deadline: Any = None) -> NewAttempt:
    return NewAttempt(
        assessment_id=setup["assessment"].id,
        user_id=setup["user"].pk,
        number=number,
        seed=42,
        started_at=timezone.now(),
        deadline=deadline,
        responses=tuple(
            NewResponse(position=i, question_id=v.question_id, question_version_id=v.id, points=v.points)
            for i, v in enumerate(setup["versions"])
        ),
    )


class AttemptRepositoryContract:
    """Behaviour every backend must have."""

    def test_create_and_get(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        created = repository.create_attempt(new_attempt(setup))
        got = repository.get_attempt(created.id)
        assert got == created and got.state == "in_progress" and got.seed == 42
        assert [r.position for r in got.responses] == [0, 1, 2]
        assert [r.question_version_id for r in got.responses] == [v.id for v in setup["versions"]]
        assert got.responses[1].points == 2.0 and got.responses[0].answer is None
        assert repository.get_in_progress(setup["assessment"].id, setup["user"].pk) == got
        assert repository.count_attempts(setup["assessment"].id, setup["user"].pk) == 1
        assert repository.next_number(setup["assessment"].id, setup["user"].pk) == 2

    def test_missing_ids_raise_not_found(self, repository: AttemptRepository) -> None:
        with pytest.raises(NotFoundError):
            repository.get_attempt(987654)
        with pytest.raises(NotFoundError):
            repository.update_response(987654, answer={})
        with pytest.raises(NotFoundError):
            repository.update_attempt(987654, state="graded")

    def test_one_attempt_in_progress(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        repository.create_attempt(new_attempt(setup))
        with transaction.atomic(), pytest.raises(AttemptInProgressConflict):
            repository.create_attempt(new_attempt(setup, number=2))
        # the caller's transaction is still usable after the conflict
        assert repository.count_attempts(setup["assessment"].id, setup["user"].pk) == 1

    def test_finishing_frees_the_slot(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        first = repository.create_attempt(new_attempt(setup))
        done = repository.update_attempt(first.id, state="graded", score=0.5, earned=1.0, possible=2.0, passed=False)
        assert done.state == "graded" and done.score == 0.5 and done.passed is False
        assert repository.get_in_progress(setup["assessment"].id, setup["user"].pk) is None
        second = repository.create_attempt(new_attempt(setup, number=2))
        assert second.number == 2
        assert [a.number for a in repository.list_attempts(setup["assessment"].id, setup["user"].pk)] == [1, 2]
        with_responses = repository.list_attempts(setup["assessment"].id, setup["user"].pk, with_responses=True)
        assert all(len(a.responses) == 3 for a in with_responses)

    def test_update_response(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        rid = attempt.responses[0].id
        updated = repository.update_response(rid, answer={"p0": "a"}, tries_used=1, checked=True, raw_score=1.0)
        assert updated.answer == {"p0": "a"} and updated.checked and updated.tries_used == 1
        assert repository.get_attempt(attempt.id).response(rid) == updated
        with pytest.raises(ValueError):
            repository.update_response(rid, question_version_id=1)

    def test_expired_and_seen(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        now = timezone.now()
        attempt = repository.create_attempt(new_attempt(setup, deadline=now - timedelta(seconds=1)))
        assert repository.expired_attempt_ids(now) == [attempt.id]
        assert repository.expired_attempt_ids(now - timedelta(minutes=1)) == []
        seen = repository.seen_questions(setup["user"].pk, [setup["assessment"].id])
        assert set(seen) == {v.question_id for v in setup["versions"]}
        assert repository.seen_questions(setup["user"].pk, []) == {}

    def test_lock_reads_the_attempt(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        with transaction.atomic():
            assert repository.get_attempt(attempt.id, lock=True) == attempt

    def test_retire_learner_keeps_attempts_and_drops_queued_grade_reports(
        self, repository: AttemptRepository, setup: dict[str, Any]
    ) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        from ve_edu_vault.assessments.models import Attempt

        # A grade report queued by the grading transaction (assessments/grades.py), failed twice so far.
        Attempt.objects.filter(pk=attempt.id).update(report_due_at=timezone.now(), report_tries=2, report_error="down")
        assert repository.retire_learner(setup["user"].pk) == (1, 1)
        assert repository.count_attempts(setup["assessment"].id, setup["user"].pk) == 1  # kept for statistics
        assert repository.retire_learner(setup["user"].pk) == (1, 0)  # nothing queued any more


@pytest.mark.django_db
class TestDjangoAttemptRepository(AttemptRepositoryContract):
    pass


def test_unknown_and_planned_backends_are_refused(settings: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        get_repository("mongodb")
    with pytest.raises(ImproperlyConfigured):
        get_repository("nope")
