"""
The storage contract of ``QuestionRepository``, written once for every backend.

TLDR: ``RepositoryContract`` holds the tests; the ``repository`` fixture is parametrised by backend
name. A MongoDB backend adds its name to ``BACKENDS`` (and whatever fixture it needs) and must pass.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.questions.data import QuestionContent
from ve_edu_vault.questions.data_api import NewVersion, QuestionFilters
from ve_edu_vault.questions.repositories import NewQuestion, QuestionRepository, get_repository

COURSE = CourseKey.from_string("course-v1:Vault+Repo+2026")
OTHER = CourseKey.from_string("course-v1:Vault+Other+2026")
BACKENDS = ["django"]


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
def repository(request: pytest.FixtureRequest, db: None) -> QuestionRepository:
    return get_repository(request.param)


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


class TestDjangoRepository(RepositoryContract):
    """Runs the contract against every name in ``BACKENDS`` (the fixture is parametrised)."""


@pytest.mark.both_hosts
def test_with_the_mongodb_backend_the_bank_stays_on_the_orm(settings: object) -> None:
    """ADR 0016: attempts and responses move to MongoDB; questions and versions stay in the SQL database."""
    from ve_edu_vault.questions.repositories.django_orm import DjangoQuestionRepository

    assert isinstance(get_repository("mongodb"), DjangoQuestionRepository)
    with pytest.raises(ImproperlyConfigured, match="Unknown"):
        get_repository("cassandra")
