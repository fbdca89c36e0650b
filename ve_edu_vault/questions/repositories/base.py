"""
The storage port of the question bank: what any backend (Django ORM, MongoDB later) must do.

TLDR: ``questions.api`` talks only to this interface and gets frozen ``data_api`` values back.
Transactions are the caller's (``api`` wraps calls in ``transaction.atomic`` for the ORM backend).
The contract is pinned by ``tests/questions/test_repository_contract.py``; a new backend passes it.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import NotFoundError

from ..data_api import (
    ImportJobData,
    NewQuestionSource,
    NewSource,
    NewVersion,
    QuestionData,
    QuestionFilters,
    QuestionPage,
    QuestionVersionData,
)

__all__ = ["NewQuestion", "QuestionRecord", "QuestionRepository"]


class NewQuestion:
    """
    One question to create in bulk (``create_many``): identity fields plus its first version, and the interchange
    source identifiers to record for it in the same write (a key already recorded in the course is left as it is,
    as ``add_sources`` does).
    """

    __slots__ = ("course_key", "node_id", "source_usage_key", "sources", "version")

    def __init__(
        self,
        *,
        course_key: CourseKey,
        version: NewVersion,
        node_id: int | None = None,
        source_usage_key: UsageKey | None = None,
        sources: Sequence[NewQuestionSource] = (),
    ) -> None:
        self.course_key = course_key
        self.version = version
        self.node_id = node_id
        self.source_usage_key = source_usage_key
        self.sources = tuple(sources)


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionRecord:
    """
    A question with every version and its interchange source identifiers, oldest first: what ``vault_copy_storage``
    reads from one backend and puts (a source key already recorded in the target course is left as it is).
    """

    question: QuestionData
    versions: tuple[QuestionVersionData, ...]
    sources: tuple[NewQuestionSource, ...] = ()


class QuestionRepository(abc.ABC):
    """Store and read questions and their immutable versions. Missing ids raise ``NotFoundError``."""

    @abc.abstractmethod
    def create(
        self,
        *,
        course_key: CourseKey,
        version: NewVersion,
        node_id: int | None = None,
        source_usage_key: UsageKey | None = None,
    ) -> QuestionData:
        """A new question whose version 1 is ``version``."""

    @abc.abstractmethod
    def create_many(self, questions: Sequence[NewQuestion]) -> list[int]:
        """Many new questions at once (imports); returns their ids in order."""

    @abc.abstractmethod
    def add_version(self, question_id: int, version: NewVersion) -> QuestionVersionData:
        """Append a version (number = last + 1) and make it current."""

    @abc.abstractmethod
    def set_node(self, question_id: int, node_id: int | None) -> None: ...

    @abc.abstractmethod
    def get(self, question_id: int) -> QuestionData: ...

    @abc.abstractmethod
    def get_version(self, version_id: int) -> QuestionVersionData: ...

    def get_many(self, question_ids: Iterable[int]) -> dict[int, QuestionData]:
        """The questions that exist among ``question_ids`` (one read where the backend can)."""
        found: dict[int, QuestionData] = {}
        for question_id in set(question_ids):
            try:
                found[question_id] = self.get(question_id)
            except NotFoundError:
                continue
        return found

    def versions_with_nodes(
        self, version_ids: Iterable[int]
    ) -> tuple[dict[int, QuestionVersionData], dict[int, CourseNodeData]]:
        """``get_versions`` and the ``question_nodes`` of their questions (one read where possible)."""
        versions = self.get_versions(version_ids)
        return versions, self.question_nodes({version.question_id for version in versions.values()})

    def question_nodes(self, question_ids: Iterable[int]) -> dict[int, CourseNodeData]:
        """``{question id: its node}`` for those attached to a node of the mirror (one read where possible)."""
        attached = self.node_ids(question_ids)
        nodes = course_sync.get_nodes_by_id(set(attached.values()))
        return {question_id: nodes[node_id] for question_id, node_id in attached.items() if node_id in nodes}

    def node_ids(self, question_ids: Iterable[int]) -> dict[int, int]:
        """``{question id: id of its node}`` for those attached to a node (one read where possible)."""
        return {
            question_id: question.node_id
            for question_id, question in self.get_many(question_ids).items()
            if question.node_id is not None
        }

    def get_versions(self, version_ids: Iterable[int]) -> dict[int, QuestionVersionData]:
        """The versions that exist among ``version_ids`` (one read where the backend can)."""
        found: dict[int, QuestionVersionData] = {}
        for version_id in set(version_ids):
            try:
                found[version_id] = self.get_version(version_id)
            except NotFoundError:
                continue
        return found

    @abc.abstractmethod
    def list_versions(self, question_id: int) -> list[QuestionVersionData]:
        """Every version, newest first."""

    @abc.abstractmethod
    def list(self, filters: QuestionFilters, *, offset: int = 0, limit: int | None = None) -> QuestionPage:
        """Questions matching ``filters``, newest first, with the total count."""

    @abc.abstractmethod
    def archive(self, question_id: int) -> QuestionData: ...

    @abc.abstractmethod
    def restore(self, question_id: int) -> QuestionData: ...

    @abc.abstractmethod
    def find_by_source(self, course_key: CourseKey, usage_key: UsageKey) -> QuestionData | None: ...

    @abc.abstractmethod
    def find_by_sources(self, course_key: CourseKey, usage_keys: Iterable[UsageKey]) -> dict[UsageKey, QuestionData]:
        """Bulk :meth:`find_by_source` (one query for an import)."""

    @abc.abstractmethod
    def node_ids_in_use(self, node_ids: Iterable[int]) -> set[int]:
        """The node ids that carry at least one (archived or not) question."""

    # --- interchange (ADR 0009) ------------------------------------------------------------------------

    @abc.abstractmethod
    def find_by_source_keys(self, course_key: CourseKey, source_keys: Iterable[str]) -> dict[str, QuestionData]:
        """``{source key: question}`` for the keys recorded in ``course_key`` (bounded number of reads)."""

    @abc.abstractmethod
    def add_sources(self, course_key: CourseKey, sources: Sequence[NewSource]) -> None:
        """Record source identifiers (a key already recorded in the course is left as it is)."""

    @abc.abstractmethod
    def sources_of(self, question_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        """``{question id: (source ids, oldest first)}``."""

    @abc.abstractmethod
    def create_import_job(self, **fields: object) -> ImportJobData: ...

    @abc.abstractmethod
    def get_import_job(self, job_id: int) -> ImportJobData: ...

    @abc.abstractmethod
    def update_import_job(self, job_id: int, **fields: object) -> ImportJobData: ...

    @abc.abstractmethod
    def stale_import_jobs(
        self, modified_before: datetime, limit: int, *, exclude: Collection[int] = ()
    ) -> Sequence[ImportJobData]:
        """Jobs not imported that still keep a stored file and have not changed since ``modified_before``."""

    # --- copying between backends (``vault_copy_storage``) ----------------------------------------------

    @abc.abstractmethod
    def course_questions(self, course_key: CourseKey, *, after_id: int, limit: int) -> Sequence[QuestionRecord]:
        """The course's questions with ids above ``after_id``, in id order, each with its versions."""

    @abc.abstractmethod
    def put_questions(self, records: Sequence[QuestionRecord]) -> int:
        """
        Store copies with their ids, dates and versions (a question already there is updated, versions it has are
        kept); new ids continue above the copied ones. Returns how many questions were stored.
        """

    @abc.abstractmethod
    def max_question_id(self, course_key: CourseKey) -> int:
        """The highest question id of the course (0 when it has none): where a resumed copy continues."""
