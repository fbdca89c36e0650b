"""``api.attempt_access``: the permission read of an attempt, whose assessment a submission reuses."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from api_builders import COURSE, OBJECTIVE_A, OBJECTIVE_B, learner, make_assessment, right_answers
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ve_edu_vault.assessments import api
from ve_edu_vault.assessments.data_api import AttemptAccess
from ve_edu_vault.assessments.data_records import AccessRecord
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.mastery import api as mastery

pytestmark = [pytest.mark.django_db]

ASSESSMENT_TABLE = "ve_edu_vault_assessment"
VERSION_TABLE = "ve_edu_vault_questionversion"


def _reads_of(queries: CaptureQueriesContext, table: str) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
        and f"FROM {connection.ops.quote_name(table)}" in query["sql"]
    )


def _reads_of_the_assessment(queries: CaptureQueriesContext) -> int:
    return _reads_of(queries, ASSESSMENT_TABLE)


def _reads_of_versions(queries: CaptureQueriesContext) -> int:
    """Reads that name the versions table anywhere (a read of them, or of anything joined to them)."""
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("SELECT")
        and connection.ops.quote_name(VERSION_TABLE) in query["sql"]
    )


def test_access_names_the_course_learner_and_deadline(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment(time_limit_minutes=30)
    view = api.start_attempt(assessment.id, student)
    access = api.attempt_access(view.id)
    assert (access.attempt_id, access.assessment_id, access.user_id) == (view.id, assessment.id, student.pk)
    assert access.course_key == COURSE and access.deadline == view.deadline
    with pytest.raises(NotFoundError):
        api.attempt_access(987_654_321)


def test_a_submission_given_its_access_does_not_read_the_assessment_again(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    access = api.attempt_access(view.id)
    with CaptureQueriesContext(connection) as queries:
        result = api.submit_attempt(view.id, user=student, access=access)
    assert result.score == pytest.approx(1.0)
    assert _reads_of_the_assessment(queries) == 0


def test_an_access_of_another_attempt_is_not_used(make_user: Any) -> None:
    first, second = learner(make_user, "first"), learner(make_user, "second")
    assessment = make_assessment()
    other = make_assessment(title="Other", pass_threshold=1.0)
    view = api.start_attempt(assessment.id, first)
    api.save_answers(view.id, user=first, answers=right_answers(view))
    foreign = api.attempt_access(api.start_attempt(other.id, second).id)
    with CaptureQueriesContext(connection) as queries:
        result = api.submit_attempt(view.id, user=first, access=foreign)
    assert result.assessment_id == assessment.id and result.score == pytest.approx(1.0)
    assert _reads_of_the_assessment(queries) == 1  # its own assessment, read as without an access


def test_attempt_requests_given_their_access_read_neither_the_assessment_nor_a_version(make_user: Any) -> None:
    """Autosave, attempt, submission and result use what the access read loaded; mastery still gets its objectives."""
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    access = api.attempt_access(view.id)
    with CaptureQueriesContext(connection) as queries:
        api.save_answers(view.id, user=student, answers=right_answers(view), access=access)
        api.get_attempt(view.id, user=student, access=access)
        submitted = api.submit_attempt(view.id, user=student, access=access)
        result = api.get_attempt_result(view.id, user=student, access=access)
    assert submitted.score == pytest.approx(1.0) and result.score == pytest.approx(1.0)
    assert _reads_of_the_assessment(queries) == 0 and _reads_of_versions(queries) == 0
    assert _evidence(student) == {str(OBJECTIVE_A): 2, str(OBJECTIVE_B): 1}


def test_the_access_read_loads_the_pinned_versions_and_their_objectives(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    with CaptureQueriesContext(connection) as queries:
        access = api.attempt_access(view.id)
    assert len(queries.captured_queries) == 1  # the attempt, its assessment and its versions in one read
    assert sorted(v.id for v in access.versions) == sorted({item.question_version_id for item in _responses(view.id)})
    assert access.assessment.id == assessment.id and access.course_key == assessment.course_key
    # Two questions on objective A and one on B (api_builders.make_questions), by question id.
    assert sorted(node.usage_key for node in access.nodes.values()) == [OBJECTIVE_A, OBJECTIVE_A, OBJECTIVE_B]


def test_without_an_access_the_versions_are_read(make_user: Any) -> None:
    student = learner(make_user)
    assessment = make_assessment()
    view = api.start_attempt(assessment.id, student)
    api.save_answers(view.id, user=student, answers=right_answers(view))
    with CaptureQueriesContext(connection) as queries:
        result = api.submit_attempt(view.id, user=student)
    assert result.score == pytest.approx(1.0) and _reads_of_versions(queries) == 1
    assert _evidence(student) == {str(OBJECTIVE_A): 2, str(OBJECTIVE_B): 1}


def _evidence(student: Any) -> dict[str, int]:
    return {row.objective_key: row.evidence_count for row in mastery.get_learner_mastery(COURSE, student)}


def _responses(attempt_id: int) -> Any:
    from ve_edu_vault.assessments.repositories import get_repository

    return get_repository().get_attempt(attempt_id).responses


def _names_any(hint: Any) -> bool:
    return hint is Any or any(_names_any(arg) for arg in typing.get_args(hint))


@pytest.mark.parametrize("record", [AttemptAccess, AccessRecord])
def test_the_access_read_carries_no_untyped_field(record: type) -> None:
    """Every field of the access (public) and of the repository's access record is typed: no ``Any`` at any depth."""
    hints = typing.get_type_hints(record)
    assert hints and not [name for name, hint in hints.items() if _names_any(hint)]
