"""
The question repository's interchange methods (source identifiers, import jobs, questions created with their
sources), for every backend (the ORM and MongoDB); and ``create_many`` of questions without a source key when the
database returns no ids from a bulk INSERT (MySQL, as Tutor runs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from opaque_keys.edx.keys import CourseKey
from storage_backends import BACKENDS, mongodb_backend

from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import NewQuestionSource, NewSource, NewVersion, source_key
from ve_edu_vault.questions.repositories import NewQuestion, QuestionRepository, get_repository

pytestmark = [pytest.mark.both_hosts]
COURSE = CourseKey.from_string("course-v1:Vault+Repo+2026")
OTHER = CourseKey.from_string("course-v1:Vault+Other+2026")


def version(title: str) -> NewVersion:
    return NewVersion.from_content(QuestionContent.from_dict({"title": title, "parts": [
        {"id": "p0", "type": "numeric", "config": {}, "answer_key": {"value": 1}}]}))  # fmt: skip


@pytest.fixture(params=BACKENDS)
def repository(request: pytest.FixtureRequest, db: None, settings: Any) -> Iterator[QuestionRepository]:
    if request.param == "mongodb":
        with mongodb_backend(settings):
            yield get_repository("mongodb")
        return
    yield get_repository(request.param)


def source(question_id: int, sid: str) -> NewSource:
    return NewSource(question_id=question_id, source_key=source_key(sid), source_id=sid, format="moodle-xml")


def test_sources_are_recorded_once_per_course_and_found_by_key(repository: QuestionRepository):
    a, b = repository.create_many([NewQuestion(course_key=COURSE, version=version("A")),
                                   NewQuestion(course_key=COURSE, version=version("B"))])  # fmt: skip
    other = repository.create(course_key=OTHER, version=version("C"))
    repository.add_sources(COURSE, [source(a, "moodle:x#id:1"), source(b, "moodle:x#id:2"), source(a, "qti:item-1")])
    repository.add_sources(COURSE, [source(b, "moodle:x#id:1")])  # already recorded for a: left as it is
    repository.add_sources(OTHER, [source(other.id, "moodle:x#id:1")])
    found = repository.find_by_source_keys(COURSE, [source_key("moodle:x#id:1"), source_key("moodle:x#id:2"), "nope"])
    assert {key: q.id for key, q in found.items()} == {source_key("moodle:x#id:1"): a, source_key("moodle:x#id:2"): b}
    assert (
        repository.find_by_source_keys(OTHER, [source_key("moodle:x#id:1")])[source_key("moodle:x#id:1")].id == other.id
    )
    assert repository.sources_of([a, b, 999_999]) == {a: ("moodle:x#id:1", "qti:item-1"), b: ("moodle:x#id:2",)}


def test_import_jobs(repository: QuestionRepository, make_user: Any):
    user = make_user("job_author")
    job = repository.create_import_job(course_key=COURSE, file_name="bank.xml", storage_name="x/bank.xml", size=10,
                                       format="auto", created_by_id=user.pk)  # fmt: skip
    assert job.status == "uploaded" and job.course_key == COURSE and job.created_by_id == user.pk
    updated = repository.update_import_job(job.id, status="previewed", preview={"counts": {}}, done=3, total=5)
    assert (
        updated.status == "previewed" and updated.preview == {"counts": {}} and (updated.done, updated.total) == (3, 5)
    )
    assert repository.get_import_job(job.id) == updated
    assert job.to_dict()["node_usage_key"] is None
    with pytest.raises(NotFoundError):
        repository.get_import_job(999_999)
    with pytest.raises(NotFoundError):
        repository.update_import_job(999_999, status="failed")


def test_create_many_without_sources_when_inserts_return_no_ids(repository: QuestionRepository, monkeypatch):
    features = type(connection.features)
    monkeypatch.setattr(features, "can_return_rows_from_bulk_insert", property(lambda self: False))
    ids = repository.create_many([NewQuestion(course_key=COURSE, version=version(f"Q{i}")) for i in range(3)])
    assert len(set(ids)) == 3 and all(ids)
    assert [repository.get(i).current_version.title for i in ids] == ["Q0", "Q1", "Q2"]


def imported(sid: str) -> NewQuestionSource:
    return NewQuestionSource(source_key=source_key(sid), source_id=sid, format="gift")


def test_questions_are_created_with_their_sources(repository: QuestionRepository):
    """One write per question and its sources (issue 13); a key already recorded in the course is left as it is."""
    (first,) = repository.create_many([NewQuestion(course_key=COURSE, version=version("A"), sources=[imported("a")])])
    b, c, other, plain = repository.create_many(
        [
            NewQuestion(course_key=COURSE, version=version("B"), sources=[imported("b"), imported("a"), imported("b")]),
            NewQuestion(course_key=COURSE, version=version("C"), sources=[imported("c"), imported("b")]),
            NewQuestion(course_key=OTHER, version=version("A elsewhere"), sources=[imported("a")]),
            NewQuestion(course_key=COURSE, version=version("D")),
        ]
    )
    assert repository.sources_of([first, b, c, other, plain]) == {
        first: ("a",),
        b: ("b",),
        c: ("c",),
        other: ("a",),
    }
    found = repository.find_by_source_keys(COURSE, [source_key("a"), source_key("b"), source_key("c")])
    assert {key: q.id for key, q in found.items()} == {source_key("a"): first, source_key("b"): b, source_key("c"): c}
    assert repository.find_by_source_keys(OTHER, [source_key("a")])[source_key("a")].id == other
    assert repository.get(plain).current_version.title == "D"
    repository.add_sources(COURSE, [source(plain, "c"), source(plain, "d")])  # c is c's: only d is recorded
    assert repository.sources_of([plain, c]) == {plain: ("d",), c: ("c",)}
