"""
The storage contract of ``QuestionRepository``, written once for every backend.

TLDR: ``RepositoryContract`` holds the tests; the ``repository`` fixture is parametrised by backend
name: the ORM (on the run's database: MariaDB, PostgreSQL or SQLite) and MongoDB (the in-process stand-in, or
the server named by ``VAULT_TEST_MONGODB_URL``; ``tests/storage_backends.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from storage_backends import BACKENDS, mongodb_backend

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import NewSource, NewVersion, QuestionFilters, source_key
from ve_edu_vault.questions.repositories import NewQuestion, QuestionRepository, get_repository
from ve_edu_vault.storage import mongodb, mongodb_indexes

COURSE = CourseKey.from_string("course-v1:Vault+Repo+2026")
OTHER = CourseKey.from_string("course-v1:Vault+Other+2026")
SYNCED = CourseKey.from_string("course-v1:TestX+Course+1")  # the course of the test OLX export


def version(title: str = "Capital", *, correct: str = "a", tags: tuple[str, ...] = ("geo",), type_: str = "mc"):
    part_type = {"mc": "multiple_choice", "ms": "multi_select"}[type_]
    answer_key = {"correct": correct} if type_ == "mc" else {"correct": [correct]}
    content = QuestionContent.from_dict(
        {
            "title": title,
            "prompt": "<p>Which <b>city</b>?</p>",
            "tags": list(tags),
            "parts": [
                {
                    "id": "p0",
                    "type": part_type,
                    "config": {"choices": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Lyon"}]},
                    "answer_key": answer_key,
                }
            ],
        }
    )
    return NewVersion.from_content(content)


@pytest.fixture(params=BACKENDS)
def repository(request: pytest.FixtureRequest, db: None, settings: Any) -> Iterator[QuestionRepository]:
    if request.param == "mongodb":
        with mongodb_backend(settings):
            yield get_repository("mongodb")
        return
    yield get_repository(request.param)


@pytest.fixture
def objective_ids(db: None, test_course_dir: Any) -> list[int]:
    """Ids of the objectives of the test course's mirror (nodes live in the SQL database on every backend)."""
    course_sync.sync_course(SYNCED, source="olx", path=str(test_course_dir))
    found: list[int] = []

    def walk(nodes: Any) -> None:
        for node in nodes:
            if node.kind == "objective":
                found.append(node.id)
            walk(node.children)

    walk(course_sync.get_outline_tree(SYNCED))
    return found


@pytest.mark.both_hosts
class RepositoryContract:
    """Behaviour every backend must have; subclass or reuse with another ``repository`` fixture."""

    def test_create_and_get(self, repository: QuestionRepository) -> None:
        created = repository.create(course_key=COURSE, version=version())
        got = repository.get(created.id)
        assert got == created
        assert got.course_key == COURSE and not got.archived and got.node_id is None
        assert got.current_version is not None and got.current_version.number == 1
        assert got.current_version.tags == ("geo",) and got.current_version.type == "multiple_choice"
        assert repository.get_version(got.current_version.id) == got.current_version

    def test_missing_ids_raise_not_found(self, repository: QuestionRepository) -> None:
        with pytest.raises(NotFoundError):
            repository.get(999_999)
        with pytest.raises(NotFoundError):
            repository.get_version(999_999)

    def test_many_at_once_leaves_missing_ids_out(self, repository: QuestionRepository) -> None:
        a = repository.create(course_key=COURSE, version=version("Alpha"))
        b = repository.create(course_key=COURSE, version=version("Beta"))
        second = repository.add_version(b.id, version("Beta", correct="b"))
        assert repository.get_many([a.id, b.id, 999_999]) == {a.id: repository.get(a.id), b.id: repository.get(b.id)}
        assert repository.get_versions([second.id, 999_999]) == {second.id: second}
        assert repository.node_ids([a.id, b.id, 999_999]) == {}  # neither is attached to a node
        assert repository.question_nodes([a.id, b.id]) == {}
        assert repository.versions_with_nodes([second.id, 999_999]) == ({second.id: second}, {})

    def test_versions_append_and_become_current(self, repository: QuestionRepository) -> None:
        created = repository.create(course_key=COURSE, version=version())
        second = repository.add_version(created.id, version(correct="b"))
        assert second.number == 2
        assert repository.get(created.id).current_version == second
        assert [item.number for item in repository.list_versions(created.id)] == [2, 1]
        first = repository.list_versions(created.id)[1]
        assert first.content["parts"][0]["answer_key"] == {"correct": "a"}  # immutable history

    def test_list_filters_on_current_version(self, repository: QuestionRepository) -> None:
        a = repository.create(course_key=COURSE, version=version("Alpha", tags=("geo", "easy")))
        b = repository.create(course_key=COURSE, version=version("Beta", tags=("hist",), type_="ms"))
        repository.create(course_key=OTHER, version=version("Gamma"))
        ids = lambda **kw: {q.id for q in repository.list(QuestionFilters(course_key=COURSE, **kw)).items}  # noqa: E731
        assert ids() == {a.id, b.id}
        assert ids(type="multi_select") == {b.id}
        assert ids(tag="easy") == {a.id}
        repository.add_version(a.id, version("Alpha", tags=("geo",)))
        assert ids(tag="easy") == set()  # old versions never match
        page = repository.list(QuestionFilters(course_key=COURSE), offset=0, limit=1)
        assert page.total == 2 and len(page.items) == 1

    def test_archive_and_restore(self, repository: QuestionRepository) -> None:
        created = repository.create(course_key=COURSE, version=version())
        archived = repository.archive(created.id)
        assert archived.archived and archived.archived_at is not None
        assert repository.list(QuestionFilters(course_key=COURSE)).total == 0
        assert repository.list(QuestionFilters(course_key=COURSE, include_archived=True)).total == 1
        restored = repository.restore(created.id)
        assert not restored.archived and restored.archived_at is None

    def test_find_by_source_and_create_many(self, repository: QuestionRepository) -> None:
        keys = [COURSE.make_usage_key("problem", f"p{i}") for i in range(3)]
        ids = repository.create_many(
            [
                NewQuestion(course_key=COURSE, version=version(f"Q{i}"), source_usage_key=key)
                for i, key in enumerate(keys)
            ]
        )
        assert len(ids) == 3
        found = repository.find_by_source(COURSE, keys[1])
        assert found is not None and found.id == ids[1] and found.current_version.title == "Q1"
        assert repository.find_by_source(OTHER, keys[1]) is None
        assert set(repository.find_by_sources(COURSE, keys)) == set(keys)
        assert repository.create_many([]) == []

    def test_nodes(self, repository: QuestionRepository, objective_ids: list[int]) -> None:
        first, second = objective_ids[:2]
        a = repository.create(course_key=SYNCED, version=version("Alpha"), node_id=first)
        b = repository.create(course_key=SYNCED, version=version("Beta"))
        assert a.node_id == first and a.node_usage_key is not None
        repository.set_node(b.id, second)
        assert repository.node_ids([a.id, b.id]) == {a.id: first, b.id: second}
        assert {qid: node.id for qid, node in repository.question_nodes([a.id, b.id]).items()} == {
            a.id: first,
            b.id: second,
        }
        assert {q.id for q in repository.list(QuestionFilters(course_key=SYNCED, node_id=second)).items} == {b.id}
        versions, nodes = repository.versions_with_nodes([a.current_version.id])
        assert set(versions) == {a.current_version.id} and nodes[a.id].id == first
        assert repository.node_ids_in_use([first, second, objective_ids[-1] + 1000]) == {first, second}
        repository.set_node(b.id, None)
        assert repository.get(b.id).node_id is None and repository.get(b.id).node_usage_key is None
        with pytest.raises(NotFoundError):
            repository.set_node(999_999, None)

    def test_list_is_newest_first_and_pages(self, repository: QuestionRepository) -> None:
        ids = repository.create_many([NewQuestion(course_key=COURSE, version=version(f"Q{i}")) for i in range(5)])
        page = repository.list(QuestionFilters(course_key=COURSE), offset=1, limit=2)
        assert page.total == 5 and [q.id for q in page.items] == list(reversed(ids))[1:3]

    def test_sources_are_recorded_once_per_course(self, repository: QuestionRepository) -> None:
        a = repository.create(course_key=COURSE, version=version("Alpha"))
        b = repository.create(course_key=COURSE, version=version("Beta"))
        one, two = source_key("qti:one"), source_key("qti:two")
        repository.add_sources(
            COURSE,
            [
                NewSource(question_id=a.id, source_key=one, source_id="qti:one", format="qti"),
                NewSource(question_id=a.id, source_key=two, source_id="qti:two", format="qti"),
                NewSource(question_id=b.id, source_key=one, source_id="qti:one", format="qti"),  # already recorded
            ],
        )
        repository.add_sources(COURSE, [NewSource(question_id=b.id, source_key=one, source_id="qti:one", format="qti")])
        repository.add_sources(COURSE, [])
        assert repository.sources_of([a.id, b.id]) == {a.id: ("qti:one", "qti:two")}
        found = repository.find_by_source_keys(COURSE, [one, two, source_key("qti:none")])
        assert {key: q.id for key, q in found.items()} == {one: a.id, two: a.id}
        assert repository.find_by_source_keys(OTHER, [one]) == {}

    def test_import_jobs(self, repository: QuestionRepository) -> None:
        job = repository.create_import_job(
            course_key=COURSE, file_name="bank.zip", storage_name="imports/bank.zip", size=10, format="qti"
        )
        assert job.status == "uploaded" and job.course_key == COURSE and job.done == 0 and job.preview is None
        assert repository.get_import_job(job.id) == job
        updated = repository.update_import_job(job.id, status="previewed", preview={"counts": {"created": 1}})
        assert updated.status == "previewed" and updated.preview == {"counts": {"created": 1}}
        assert updated.modified >= job.modified
        later = timezone.now() + timedelta(minutes=1)
        assert [item.id for item in repository.stale_import_jobs(later, 10)] == [job.id]
        assert repository.stale_import_jobs(later, 10, exclude=[job.id]) == []
        assert repository.stale_import_jobs(job.created - timedelta(minutes=1), 10) == []
        repository.update_import_job(job.id, status="imported")
        assert repository.stale_import_jobs(later, 10) == []
        with pytest.raises(NotFoundError):
            repository.get_import_job(999_999)
        with pytest.raises(NotFoundError):
            repository.update_import_job(999_999, status="failed")


class TestDjangoRepository(RepositoryContract):
    """Runs the contract against every name in ``BACKENDS`` (the fixture is parametrised)."""


@pytest.mark.both_hosts
def test_the_configured_backend_serves_the_bank(settings: Any) -> None:
    """ADR 0027: with the mongodb storage backend the configured bank is the MongoDB one (indexes required)."""
    from ve_edu_vault.questions.repositories.django_orm import DjangoQuestionRepository
    from ve_edu_vault.questions.repositories.mongodb import MongoQuestionRepository

    assert isinstance(get_repository(), DjangoQuestionRepository)
    with mongodb_backend(settings, select=True):
        assert isinstance(get_repository(), MongoQuestionRepository)
        assert isinstance(get_repository("django"), DjangoQuestionRepository)
        mongodb_indexes.forget_checks()
        mongodb.database()["questions"].drop_index("version_id")
        with pytest.raises(ImproperlyConfigured, match=r"questions\.version_id"):
            get_repository()
    with pytest.raises(ImproperlyConfigured, match="Unknown"):
        get_repository("cassandra")
