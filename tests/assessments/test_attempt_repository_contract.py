"""
The storage contract of ``AttemptRepository``, written once and run unchanged against every backend.

TLDR: ``AttemptRepositoryContract`` holds the tests; the ``repository`` fixture is parametrised by backend name
(``tests/storage_backends.py``): the ORM on the run's database (MariaDB, PostgreSQL or SQLite) and MongoDB (the
``mongomock`` stand-in, or the server named by ``VAULT_TEST_MONGODB_URL``). The concurrency-sensitive contracts
(two lockers grade once, one attempt in progress under a race, the outbox drained once) are in
``test_attempt_repository_races.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from api_builders import make_assessment
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from storage_backends import BACKENDS, mongodb_backend

from ve_edu_vault.assessments.data_stats import AttemptSums, ExportFilter
from ve_edu_vault.assessments.repositories import (
    AttemptInProgressConflict,
    AttemptRecord,
    AttemptRepository,
    AttemptTotalsUpdate,
    NewAttempt,
    NewGrade,
    NewResponse,
    get_repository,
)
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.questions import api as questions


@pytest.fixture(params=BACKENDS)
def repository(request: pytest.FixtureRequest, db: None, settings: Any) -> Iterator[AttemptRepository]:
    if request.param == "mongodb":
        with mongodb_backend(settings):
            yield get_repository("mongodb")
    else:
        yield get_repository(request.param)


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
        graded(repository, attempt.id)
        # A grade report queued (assessments/grades.py), failed twice so far.
        assert repository.queue_reports(setup["assessment"].id, timezone.now()) == 1
        repository.defer_reports([attempt.id], tries=2, due_at=timezone.now(), error="down")
        assert repository.retire_learner(setup["user"].pk) == (1, 1)
        assert repository.count_attempts(setup["assessment"].id, setup["user"].pk) == 1  # kept for statistics
        assert repository.retire_learner(setup["user"].pk) == (1, 0)  # nothing queued any more

    def test_access_read(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        access = repository.attempt_access(attempt.id)
        assert access is not None
        assert (access.attempt_id, access.assessment_id, access.user_id) == (
            attempt.id,
            setup["assessment"].id,
            setup["user"].pk,
        )
        assert access.assessment.id == setup["assessment"].id
        assert access.assessment.course_key == setup["assessment"].course_key
        assert sorted(v.id for v in access.versions) == sorted(v.id for v in setup["versions"])
        on_nodes = {v.question_id for v in setup["versions"] if v.question_id in access.nodes}
        assert on_nodes == set(access.nodes)
        assert repository.attempt_access(987654) is None

    def test_the_outbox(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        assessment_id = setup["assessment"].id
        assert repository.queue_reports(assessment_id, timezone.now()) == 0  # not graded yet
        graded(repository, attempt.id)
        now = timezone.now()
        assert repository.queue_reports(assessment_id, now) == 1
        assert repository.queue_reports(assessment_id, now) == 0  # queued once
        status = repository.report_status(assessment_id)
        assert (status.queued, status.failing, status.last_error) == (1, 0, "")
        with transaction.atomic():
            [due] = repository.due_reports(now + timedelta(seconds=1), limit=10)
            assert (due.assessment_id, due.user_id, due.attempt_ids, due.tries) == (
                assessment_id,
                setup["user"].pk,
                (attempt.id,),
                0,
            )
            later = now + timedelta(minutes=5)
            repository.defer_reports(due.attempt_ids, tries=1, due_at=later, error="LMS down")
        status = repository.report_status(assessment_id)
        assert (status.queued, status.failing, status.last_error) == (1, 1, "LMS down")
        assert repository.due_reports(now + timedelta(seconds=1), limit=10) == []  # not due before ``later``
        with transaction.atomic():
            [due] = repository.due_reports(later, limit=10)
            assert due.tries == 1
            repository.clear_reports(due.attempt_ids)
        assert repository.report_status(assessment_id).queued == 0
        assert repository.due_reports(later, limit=10) == []

    def test_bulk_regrade(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        first = attempt.responses[0]
        repository.update_response(first.id, answer={"p0": "b"}, raw_score=0.0, score=0.0, correct=False)
        graded(repository, attempt.id)
        version_id = first.question_version_id
        assert repository.regrade_count([version_id]) == 1
        assert repository.regrade_count([version_id], after_id=first.id) == 0
        [row] = repository.regrade_rows([version_id], after_id=0, limit=10)
        assert (row.id, row.attempt_id, row.user_id, row.assessment_id) == (
            first.id,
            attempt.id,
            setup["user"].pk,
            setup["assessment"].id,
        )
        assert row.answer == {"p0": "b"} and row.correct is False and row.score == 0.0
        feedback = {"p0": {"correct": True}}
        grade = NewGrade(response_id=first.id, raw_score=1.0, score=1.0, correct=True, feedback=feedback)
        assert repository.write_regrades([grade]) == 1
        stored = repository.get_attempt(attempt.id).response(first.id)
        assert stored is not None and (stored.score, stored.correct, stored.feedback) == (1.0, True, feedback)
        scores = {
            item.id: (item.attempt_id, item.score, item.points) for item in repository.response_scores([attempt.id])
        }
        assert scores[first.id] == (attempt.id, 1.0, first.points) and len(scores) == 3
        assert repository.attempt_owners([attempt.id]) == {attempt.id: (setup["assessment"].id, setup["user"].pk)}
        totals = AttemptTotalsUpdate(
            attempt_id=attempt.id, earned=1.0, possible=4.0, score=0.25, passed=False, report=True
        )
        assert repository.write_attempt_totals([totals]) == 1
        after = repository.get_attempt(attempt.id)
        assert (after.earned, after.possible, after.score, after.passed) == (1.0, 4.0, 0.25, False)
        assert after.report_due_at is not None and repository.report_status(setup["assessment"].id).queued == 1

    def test_graded_responses(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        course_key = setup["assessment"].course_key
        assert repository.graded_responses(course_key) == []  # in progress
        for index, item in enumerate(attempt.responses):
            repository.update_response(item.id, score=float(index), correct=index > 0)
        graded(repository, attempt.id)
        found = repository.graded_responses(course_key)
        assert [(r.id, r.score, r.correct) for r in found] == [
            (item.id, float(index), index > 0) for index, item in enumerate(attempt.responses)
        ]
        assert all(r.user_id == setup["user"].pk and r.graded_at is not None for r in found)
        assert repository.graded_responses(course_key, [setup["user"].pk + 1000]) == []

    def test_bulk_regrade_pages_in_response_id_order(
        self, repository: AttemptRepository, setup: dict[str, Any]
    ) -> None:
        version_id = setup["versions"][0].id
        expected = []
        for number in range(1, 6):
            attempt = repository.create_attempt(new_attempt(setup, number=number))
            graded(repository, attempt.id)
            expected.append(attempt.responses[0].id)
        repository.create_attempt(new_attempt(setup, number=6))  # in progress: not regraded
        assert repository.regrade_count([version_id]) == 5
        pages, after = [], 0
        while rows := repository.regrade_rows([version_id], after_id=after, limit=2):
            pages.append([row.id for row in rows])
            after = rows[-1].id
        assert pages == [expected[0:2], expected[2:4], expected[4:]]
        every = [row.id for row in repository.regrade_rows([v.id for v in setup["versions"]], after_id=0, limit=4)]
        assert len(every) == 4 and every == sorted(every) and every[0] == expected[0]

    def test_item_analysis_sums(self, repository: AttemptRepository, setup: dict[str, Any], make_user: Any) -> None:
        """The aggregate reads of item analysis, worked by hand (ADR 0028); the statistics: tests/analytics."""
        other = {**setup, "user": make_user("learner2")}
        aid, v0 = setup["assessment"].id, setup["versions"][0].id
        a1 = scored(repository, setup, 1, [1.0, 0.5, 0.0], "a")  # 1 + 1 + 0 = 2 of 4 points
        a2 = scored(repository, setup, 2, [1.0, 1.0, 1.0], "a")  # 4 of 4
        b1 = scored(repository, other, 1, [0.0, 1.0, 1.0], "b")  # 3 of 4
        repository.create_attempt(new_attempt(other, number=2))  # in progress: never counted
        total = repository.attempt_sums(aid, "all")
        assert (total.n, total.st, total.stt, total.su, total.suu, total.possible) == (3, 9.0, 29.0, 6.5, 15.25, 4.0)
        assert (total.time_n, total.time_sum, total.partial) == (3, 180.0, 1)
        assert total.bins == (0, 0, 0, 0, 0, 1, 0, 1, 0, 1)  # 0.5, 0.75 and 1.0
        chosen = {choice: repository.attempt_sums(aid, choice) for choice in ("first", "last", "best")}
        assert {choice: (sums.n, sums.st) for choice, sums in chosen.items()} == {
            "first": (2, 5.0),
            "last": (2, 7.0),
            "best": (2, 7.0),
        }
        assert chosen["first"].partial == 1 and chosen["last"].partial == 0
        first = repository.version_sums(aid, "all")[0]
        assert (first.version_id, first.points, first.n, first.sx, first.sy, first.syy, first.syt) == (
            v0, 1.0, 3, 2.0, 2.0, 2.0, 6.0
        )  # fmt: skip
        assert (first.st, first.stt, first.sc, first.sct, first.time_n, first.time_sum) == (
            9.0,
            29.0,
            2.0,
            6.0,
            3,
            180.0,
        )
        assert [item.version_id for item in repository.version_sums(aid, "all")] == [v.id for v in setup["versions"]]
        assert [item.n for item in repository.version_sums(aid, "first")] == [2, 2, 2]
        tallies = {(t.answer["p0"], t.count, t.total) for t in repository.answer_tallies(aid, "all", [v0])}
        assert tallies == {("a", 2, 6.0), ("b", 1, 3.0)}
        assert repository.answer_tallies(aid, "all", []) == []
        assert repository.graded_attempt_users(aid) == {
            a1: setup["user"].pk,
            a2: setup["user"].pk,
            b1: other["user"].pk,
        }
        assert repository.with_graded_attempts([aid + 1000, aid]) == [aid]
        assert repository.assessments_with_question(setup["versions"][0].question_id) == [aid]
        assert repository.users_with_attempts([aid], [other["user"].pk, 987654]) == {aid: {other["user"].pk}}
        assert repository.count_export([aid]) == (3, 9)
        assert repository.count_export([aid], ExportFilter(choice="best")) == (2, 6)

    def test_grade_attempt_writes_the_attempt_and_every_response_together(
        self, repository: AttemptRepository, setup: dict[str, Any], make_user: Any
    ) -> None:
        """The submission's grading write (ADR 0036): the named fields of the attempt and of every response, and
        nothing else: not the responses' other fields, not another attempt. The record returned is what is stored."""
        bystander = repository.create_attempt(new_attempt({**setup, "user": make_user("bystander")}))
        attempt = repository.create_attempt(new_attempt(setup, deadline=timezone.now() + timedelta(hours=1)))
        repository.update_response(attempt.responses[0].id, answer={"p0": "a"}, checked=True, hints_shown=1)
        repository.update_response(attempt.responses[2].id, answer={"p0": "3"}, tries_used=2)
        attempt, bystander = repository.get_attempt(attempt.id), repository.get_attempt(bystander.id)
        now = timezone.now()
        updates = grades(attempt, now)
        with transaction.atomic():
            locked = repository.get_attempt(attempt.id, lock=True)
            graded = repository.grade_attempt(locked, updates, **closing(now, report=True))
        stored = repository.get_attempt(attempt.id)
        assert graded == stored
        assert (stored.state, stored.earned, stored.possible, stored.score, stored.passed, stored.submit_reason) == (
            "graded", 1.5, 4.0, 0.375, False, "learner"
        )  # fmt: skip
        assert all(near(value, now) for value in (stored.submitted_at, stored.graded_at, stored.report_due_at))
        written = [(r.raw_score, r.score, r.correct, r.feedback, r.tries_used) for r in stored.responses]
        assert written == [
            (f["raw_score"], f["score"], f["correct"], f["feedback"], f["tries_used"]) for _, f in updates
        ]
        assert all(near(item.graded_at, now) for item in stored.responses)
        # Nothing else changed: the responses' other fields, the attempt's own, another learner's attempt.
        kept = ("id", "position", "question_id", "question_version_id", "points", "answer", "hints_shown", "checked")
        assert [[getattr(r, name) for name in kept] for r in stored.responses] == [
            [getattr(r, name) for name in kept] for r in attempt.responses
        ]
        assert (stored.number, stored.seed, stored.started_at, stored.deadline) == (
            attempt.number, attempt.seed, attempt.started_at, attempt.deadline
        )  # fmt: skip
        assert repository.get_attempt(bystander.id) == bystander
        assert repository.get_in_progress(setup["assessment"].id, setup["user"].pk) is None  # the slot is free
        assert repository.queue_reports(setup["assessment"].id, timezone.now()) == 0  # queued by the write itself

    def test_grade_attempt_of_some_responses_leaves_the_others(
        self, repository: AttemptRepository, setup: dict[str, Any]
    ) -> None:
        attempt = repository.create_attempt(new_attempt(setup))
        now = timezone.now()
        updates = grades(attempt, now)[:2]
        graded = repository.grade_attempt(attempt, updates, **closing(now))
        stored = repository.get_attempt(attempt.id)
        assert graded == stored and stored.report_due_at is None  # no report asked for
        assert [r.score for r in stored.responses] == [1.0, 0.5, None]
        assert stored.responses[2] == attempt.responses[2]

    def test_grade_attempt_without_responses(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        attempt = repository.create_attempt(replace(new_attempt(setup), responses=()))
        now = timezone.now()
        graded = repository.grade_attempt(attempt, [], **closing(now))
        stored = repository.get_attempt(attempt.id)
        assert graded == stored and stored.state == "graded" and stored.responses == ()

    def test_grade_attempt_refuses_what_is_not_the_attempts(
        self, repository: AttemptRepository, setup: dict[str, Any], make_user: Any
    ) -> None:
        """
        A response of another attempt, or an attempt that is gone: ``NotFoundError``, and nothing is written once the
        caller's transaction rolls back (the record is checked first; the database's count of rows matched after).
        """
        other = repository.create_attempt(new_attempt({**setup, "user": make_user("other")}))
        attempt = repository.create_attempt(new_attempt(setup))
        now = timezone.now()
        with pytest.raises(NotFoundError):
            repository.grade_attempt(attempt, grades(other, now), **closing(now))
        stale = replace(attempt, responses=other.responses)  # a record whose responses are another attempt's
        with pytest.raises(NotFoundError), transaction.atomic():
            repository.grade_attempt(stale, grades(other, now), **closing(now))
        gone = replace(attempt, id=987654, responses=attempt.responses)
        with pytest.raises(NotFoundError), transaction.atomic():
            repository.grade_attempt(gone, grades(attempt, now), **closing(now))
        assert repository.get_attempt(attempt.id) == attempt and repository.get_attempt(other.id) == other
        with pytest.raises(ValueError):
            repository.grade_attempt(attempt, [(attempt.responses[0].id, {"points": 3.0})], **closing(now))
        with pytest.raises(ValueError):
            repository.grade_attempt(attempt, [], number=2)

    def test_item_analysis_sums_of_nothing(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        aid = setup["assessment"].id
        assert repository.attempt_sums(aid, "best") == AttemptSums()
        assert repository.version_sums(aid, "all") == [] and repository.graded_attempt_users(aid) == {}

    def test_bulk_regrade_writes_many(self, repository: AttemptRepository, setup: dict[str, Any]) -> None:
        """A batch of grades and totals over several attempts, an unknown id among them (not counted)."""
        attempts = []
        for number in range(1, 5):
            attempts.append(repository.create_attempt(new_attempt(setup, number=number)))
            graded(repository, attempts[-1].id)
        grades = [
            NewGrade(
                response_id=item.id, raw_score=0.5, score=0.5 * index, correct=index % 2 == 0, feedback={"i": index}
            )
            for index, item in enumerate(r for attempt in attempts for r in attempt.responses)
        ]
        missing = NewGrade(response_id=987654, raw_score=1.0, score=1.0, correct=True, feedback={})
        assert repository.write_regrades([*grades, missing]) == 12
        stored = {
            r.id: (r.raw_score, r.score, r.correct, r.feedback)
            for a in attempts
            for r in repository.get_attempt(a.id).responses
        }
        assert stored == {g.response_id: (0.5, g.score, g.correct, g.feedback) for g in grades}
        totals = [
            AttemptTotalsUpdate(
                attempt_id=a.id, earned=float(i), possible=4.0, score=i / 4, passed=i > 1, report=i == 3
            )
            for i, a in enumerate(attempts)
        ]
        assert repository.write_attempt_totals([*totals, replace(totals[0], attempt_id=987654)]) == 4
        after = [repository.get_attempt(a.id) for a in attempts]
        assert [(a.earned, a.score, a.passed) for a in after] == [(float(i), i / 4, i > 1) for i in range(4)]
        assert [a.report_due_at is not None for a in after] == [False, False, False, True]
        assert repository.write_regrades([]) == 0 and repository.write_attempt_totals([]) == 0


def scored(repository: AttemptRepository, setup: dict[str, Any], number: int, fractions: list[float], pick: str) -> int:
    """A graded attempt whose responses scored ``fractions``, the first answered ``{"p0": pick}``, one minute long."""
    attempt = repository.create_attempt(new_attempt(setup, number=number))
    repository.update_responses(
        [
            (item.id, {"score": fraction, "raw_score": fraction, "correct": fraction == 1.0,
                       "answer": {"p0": pick} if index == 0 else None})
            for index, (item, fraction) in enumerate(zip(attempt.responses, fractions, strict=True))
        ]
    )  # fmt: skip
    earned = sum(f * v.points for f, v in zip(fractions, setup["versions"], strict=True))
    repository.update_attempt(
        attempt.id, state="graded", submitted_at=attempt.started_at + timedelta(seconds=60),
        graded_at=attempt.started_at + timedelta(seconds=60), earned=earned, possible=4.0, score=earned / 4.0,
        passed=earned >= 2.0,
    )  # fmt: skip
    return attempt.id


def grades(attempt: AttemptRecord, now: Any) -> list[tuple[int, dict[str, Any]]]:
    """A grade for each response, as the submission writes them (each field differs between responses)."""
    return [
        (item.id, {"raw_score": 1.0 - index / 2, "score": 1.0 - index / 2, "correct": index == 0,
                   "feedback": {"index": index, "parts": [index]}, "tries_used": index + 1, "graded_at": now})
        for index, item in enumerate(attempt.responses)
    ]  # fmt: skip


def closing(now: Any, *, report: bool = False) -> dict[str, Any]:
    """The attempt's fields as the submission closes it (``report``: its grade publication queued too)."""
    fields = {"state": "graded", "submitted_at": now, "graded_at": now, "earned": 1.5, "possible": 4.0,
              "score": 0.375, "passed": False, "submit_reason": "learner"}  # fmt: skip
    return {**fields, "report_due_at": now} if report else fields


def near(value: Any, now: Any) -> bool:
    """The same instant as stored (MongoDB keeps milliseconds)."""
    return value is not None and abs((value - now).total_seconds()) < 0.001


def graded(repository: AttemptRepository, attempt_id: int) -> None:
    now = timezone.now()
    repository.update_attempt(attempt_id, state="graded", submitted_at=now, graded_at=now)


@pytest.mark.django_db
class TestAttemptRepository(AttemptRepositoryContract):
    pass


def test_unknown_backends_are_refused(settings: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        get_repository("nope")


def test_on_mongodb_a_regrade_page_reads_only_the_attempts_it_returns(
    db: None, settings: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page used to read every remaining matching attempt (a bulk regrade read the collection once per page)."""
    from ve_edu_vault.storage import mongodb

    with mongodb_backend(settings):
        repository = get_repository("mongodb")
        setup_ = {"assessment": make_assessment(), "user": make_user("learner")}
        setup_["versions"] = [
            questions.get_question(qid).current_version for qid in setup_["assessment"].config.selection.question_ids
        ]
        for number in range(1, 21):
            graded(repository, repository.create_attempt(new_attempt(setup_, number=number)).id)
        read: list[int] = []
        real = mongodb.stream_pages

        def counting(find: Any, size: int) -> Any:
            for page in real(find, size):
                read.extend(doc["_id"] for doc in page)
                yield page

        monkeypatch.setattr(mongodb, "stream_pages", counting)
        rows = repository.regrade_rows([setup_["versions"][0].id], after_id=0, limit=3)
        assert len(rows) == 3
        assert sorted(read) == sorted(row.attempt_id for row in rows)  # 3 attempts read, not the 20 that match


def test_on_mongodb_a_regrade_batch_is_written_in_one_round_trip(
    db: None, settings: Any, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """
    ``write_regrades`` and ``write_attempt_totals`` sent one ``update_one`` per response and per attempt (a bulk
    regrade of 100,000 responses: 100,000 round trips); each is now one ``bulk_write`` on the asyncio client.
    """
    from ve_edu_vault.storage import mongodb

    with mongodb_backend(settings):
        repository = get_repository("mongodb")
        setup_ = {"assessment": make_assessment(), "user": make_user("learner")}
        setup_["versions"] = [
            questions.get_question(qid).current_version for qid in setup_["assessment"].config.selection.question_ids
        ]
        attempts = []
        for number in range(1, 11):
            attempts.append(repository.create_attempt(new_attempt(setup_, number=number)))
            graded(repository, attempts[-1].id)
        calls: list[str] = []
        monkeypatch.setattr(mongodb, "database", counting(mongodb.database, calls, "sync"))
        monkeypatch.setattr(mongodb, "async_database", counting(mongodb.async_database, calls, "async"))
        grades = [
            NewGrade(response_id=item.id, raw_score=1.0, score=1.0, correct=True, feedback={})
            for attempt in attempts
            for item in attempt.responses
        ]
        assert repository.write_regrades(grades) == 30
        assert calls == ["async bulk_write"]
        calls.clear()
        totals = [
            AttemptTotalsUpdate(attempt_id=a.id, earned=4.0, possible=4.0, score=1.0, passed=True, report=True)
            for a in attempts
        ]
        assert repository.write_attempt_totals(totals) == 10
        assert calls == ["async bulk_write"]


def counting(make: Any, calls: list[str], kind: str) -> Any:
    """A database factory whose collections record each method called on them (one call, one round trip)."""

    class Collection:
        def __init__(self, target: Any) -> None:
            self._target = target

        def __getattr__(self, name: str) -> Any:
            value = getattr(self._target, name)
            if not callable(value):
                return value

            def call(*args: Any, **kwargs: Any) -> Any:
                # The stand-in's asyncio adapter runs each operation on the synchronous stand-in: not a round trip.
                if not sys._getframe(1).f_code.co_filename.endswith("async_adapter.py"):
                    calls.append(f"{kind} {name}")
                return value(*args, **kwargs)

            return call

    class Database:
        def __init__(self, target: Any) -> None:
            self._target = target

        def __getitem__(self, name: str) -> Collection:
            return Collection(self._target[name])

    return lambda: Database(make())


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_item_analysis_sums_are_computed_by_the_database(
    backend: str,
    db: None,
    settings: Any,
    make_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Any,
) -> None:
    """
    However many attempts there are, the aggregate reads are a fixed number of queries on the ORM (one grouped query
    per read; three for the attempt sums) and of aggregation pipelines on MongoDB (one, plus one choosing the
    learners' attempts for "first", "last" or "best"): no read of the attempts' documents or rows themselves.
    """
    from contextlib import ExitStack

    from ve_edu_vault.storage import mongodb

    with ExitStack() as stack:
        if backend == "mongodb":
            stack.enter_context(mongodb_backend(settings))
        repository = get_repository(backend)
        setup_ = {"assessment": make_assessment(), "user": make_user("learner")}
        setup_["versions"] = [
            questions.get_question(qid).current_version for qid in setup_["assessment"].config.selection.question_ids
        ]
        for number in range(1, 4):
            scored(repository, setup_, number, [1.0, 0.5, 0.0], "a")
        aid, v0 = setup_["assessment"].id, setup_["versions"][0].id
        reads = [
            (lambda: repository.version_sums(aid, "all"), 1, ["async aggregate"]),
            (lambda: repository.attempt_sums(aid, "all"), 3, ["async aggregate"]),
            (lambda: repository.answer_tallies(aid, "all", [v0]), 1, ["async aggregate"]),
            (lambda: repository.version_sums(aid, "best"), 1, ["async aggregate", "async aggregate"]),
        ]
        calls: list[str] = []
        if backend == "mongodb":
            monkeypatch.setattr(mongodb, "database", counting(mongodb.database, calls, "sync"))
            monkeypatch.setattr(mongodb, "async_database", counting(mongodb.async_database, calls, "async"))
        for read, queries, pipelines in reads:
            calls.clear()
            if backend == "mongodb":
                assert read()
                assert calls == pipelines
            else:
                with django_assert_num_queries(queries):
                    assert read()


def test_on_the_orm_the_grading_is_one_statement_where_the_database_allows_it(
    db: None, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """
    ``grade_attempt`` on MariaDB/MySQL is one multi-table UPDATE, on PostgreSQL one UPDATE with a data-modifying WITH;
    SQLite updates one table per statement (the responses', then the attempt's). Over the batch limit (here 2
    responses) every backend writes the responses in batches, then the attempt: still right, more statements.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ve_edu_vault.assessments.repositories import django_orm_grading

    repository = get_repository("django")
    one = connection.vendor in ("mysql", "postgresql")
    for limit, statements in ((3, 1 if one else 2), (2, 3)):  # 3 responses: 2 + 1 batches and the attempt
        monkeypatch.setattr(django_orm_grading, "GRADE_BATCH", limit)
        attempt = repository.create_attempt(new_attempt(setup, number=limit))
        now = timezone.now()
        with CaptureQueriesContext(connection) as captured:
            graded = repository.grade_attempt(attempt, grades(attempt, now), **closing(now, report=True))
        assert len(captured.captured_queries) == statements, [q["sql"] for q in captured.captured_queries]
        assert graded == repository.get_attempt(attempt.id)
        assert [r.score for r in graded.responses] == [1.0, 0.5, 0.0] and graded.report_due_at is not None


def test_on_mongodb_the_grading_is_one_update(
    db: None, settings: Any, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attempt's fields and its embedded responses' in one ``update_one`` (no read of the attempt first)."""
    from ve_edu_vault.storage import mongodb

    with mongodb_backend(settings):
        repository = get_repository("mongodb")
        attempt = repository.create_attempt(new_attempt(setup))
        now = timezone.now()
        calls: list[str] = []
        monkeypatch.setattr(mongodb, "database", counting(mongodb.database, calls, "sync"))
        graded = repository.grade_attempt(attempt, grades(attempt, now), **closing(now))
        assert calls == ["sync update_one"]
        monkeypatch.undo()
        assert graded == repository.get_attempt(attempt.id)


def test_on_mongodb_responses_stored_out_of_position_order_are_graded_too(
    db: None, settings: Any, setup: dict[str, Any]
) -> None:
    """A copied document may keep its responses in another order: the update finds each response where it is."""
    from ve_edu_vault.storage import mongodb

    with mongodb_backend(settings):
        repository = get_repository("mongodb")
        attempt = repository.create_attempt(new_attempt(setup))
        collection = mongodb.database()["attempts"]
        doc = collection.find_one({"_id": attempt.id})
        collection.update_one({"_id": attempt.id}, {"$set": {"responses": list(reversed(doc["responses"]))}})
        now = timezone.now()
        graded = repository.grade_attempt(attempt, grades(attempt, now), **closing(now))
        assert graded == repository.get_attempt(attempt.id)
        assert [r.score for r in graded.responses] == [1.0, 0.5, 0.0]
