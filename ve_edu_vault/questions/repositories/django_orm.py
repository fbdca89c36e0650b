"""
The Django ORM backend of ``QuestionRepository`` (the default, ``VE_EDU_VAULT_STORAGE_BACKEND="django"``).

TLDR: the only module that touches ``questions.models``. ``create_many`` uses ``bulk_create`` so a
10k-problem import is a handful of queries; text search uses the engine's full-text index
(PostgreSQL ``to_tsvector @@ plainto_tsquery``, MariaDB ``MATCH ... AGAINST``; SQLite ``icontains``).
Note: InnoDB FULLTEXT only sees committed rows, so on MariaDB text search ignores rows written in
the current, still open transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.course_sync.data_api import CourseNodeData
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.prepared_queries import PreparedQuery, insert_rows
from ve_edu_vault.projection import Projection

from ..data_api import (
    ImportJobData,
    NewQuestionSource,
    NewSource,
    NewVersion,
    QuestionData,
    QuestionFilters,
    QuestionPage,
    QuestionVersionData,
    search_text,
)
from ..models import Question, QuestionImportJob, QuestionSource, QuestionTag, QuestionVersion
from .base import NewQuestion, QuestionRecord, QuestionRepository

__all__ = ["DjangoQuestionRepository"]

_VERSION_TABLE = QuestionVersion._meta.db_table
_STOPWORDS = frozenset(
    "about and are com for from how that the this was what when where who will with www".split()  # noqa: SIM905
)


def _version_data(row: QuestionVersion) -> QuestionVersionData:
    return QuestionVersionData(
        id=row.pk,
        question_id=row.question_id,
        number=row.number,
        content=row.content,
        type=row.type,
        title=row.title,
        tags=tuple(row.tags),
        points=row.points,
        content_hash=row.content_hash,
        author_id=row.author_id,
        created=row.created,
    )


_VERSION_COLUMNS = (
    "id",
    "question_id",
    "number",
    "content",
    "type",
    "title",
    "tags",
    "points",
    "content_hash",
    "author_id",
    "created",
)
# Read on every submission and attempt view: compiled once per connection (ve_edu_vault/prepared_queries.py).
_VERSIONS = PreparedQuery(
    lambda version_ids: QuestionVersion.objects.filter(pk__in=version_ids).values_list(*_VERSION_COLUMNS)
)
_NODE_OF_QUESTION = course_sync.NODE.through("question__node")
_QUESTION_NODES = PreparedQuery(
    lambda question_ids: Question.objects.filter(pk__in=question_ids, node__isnull=False).values_list(
        "pk", *course_sync.NODE.through("node").lookups
    )
)
_NODE_IDS = PreparedQuery(
    lambda question_ids: Question.objects.filter(pk__in=question_ids, node__isnull=False).values_list("pk", "node_id")
)


def _version_from_values(row: Sequence[Any]) -> QuestionVersionData:
    values = dict(zip(_VERSION_COLUMNS, row, strict=True))
    return QuestionVersionData(**{**values, "tags": tuple(values["tags"])})


def _version_with_node(row: Sequence[Any]) -> tuple[QuestionVersionData, CourseNodeData | None]:
    split = len(_VERSION_COLUMNS)
    return _version_from_values(row[:split]), _NODE_OF_QUESTION.take(row, split)


#: A version and the node its question is attached to now (None when on none), as ``QuestionVersion``
#: columns: another applet's joined read selects them through its relation
#: (``VERSION_WITH_NODE.through("question_version")``, see ``ve_edu_vault/projection.py``).
VERSION_WITH_NODE: Projection[tuple[QuestionVersionData, CourseNodeData | None]] = Projection(
    (*_VERSION_COLUMNS, *_NODE_OF_QUESTION.lookups), _version_with_node
)
_VERSIONS_WITH_NODES = PreparedQuery(
    lambda version_ids: QuestionVersion.objects.filter(pk__in=version_ids).values_list(*VERSION_WITH_NODE.lookups)
)


def _question_data(row: Question) -> QuestionData:
    return QuestionData(
        id=row.pk,
        course_key=cast(CourseKey, row.course_key),
        node_id=row.node_id,
        node_usage_key=row.node.usage_key if row.node is not None else None,
        source_usage_key=UsageKey.from_string(row.source_usage_key) if row.source_usage_key else None,
        archived=row.archived,
        archived_at=row.archived_at,
        created=row.created,
        modified=row.modified,
        current_version=_version_data(row.current_version) if row.current_version is not None else None,
    )


def _version_row(question_id: int, number: int, version: NewVersion) -> QuestionVersion:
    return QuestionVersion(
        question_id=question_id,
        number=number,
        content=version.content,
        type=version.type,
        title=version.title,
        search_text=version.search_text,
        tags=list(version.tags),
        points=version.points,
        content_hash=version.content_hash,
        author_id=version.author_id,
    )


def _source(usage_key: UsageKey | None) -> str | None:
    return str(usage_key) if usage_key is not None else None


def _text_filter(text: str) -> RawSQL | QuerySet[QuestionVersion]:
    """Ids of versions whose search text matches ``text``, with the engine's full-text search."""
    vendor = connection.vendor
    if vendor == "postgresql":
        return RawSQL(  # noqa: S611 - constant SQL, bound parameters
            f"SELECT id FROM {_VERSION_TABLE} "  # noqa: S608 - constant SQL, the text is a bound parameter
            "WHERE to_tsvector('simple', search_text) @@ plainto_tsquery('simple', %s)",
            [text],
        )
    if vendor == "mysql":
        # Boolean mode with a trailing * per word: every word must start a word of the text.
        # InnoDB ignores words shorter than innodb_ft_min_token_size (3) and stopwords: leave them out.
        words = [word.strip('+-><()~*"@') for word in text.split()]
        query = " ".join(f"+{word}*" for word in words if len(word) >= 3 and word.lower() not in _STOPWORDS)
        if query:
            return RawSQL(  # noqa: S611 - constant SQL, bound parameters
                f"SELECT id FROM {_VERSION_TABLE} "  # noqa: S608 - constant SQL, the query is a bound parameter
                "WHERE MATCH (search_text) AGAINST (%s IN BOOLEAN MODE)",
                [query],
            )
    return cast(Any, QuestionVersion.objects.filter(search_text__icontains=text).values("id"))


class DjangoQuestionRepository(QuestionRepository):
    def _row(self, question_id: int, *, lock: bool = False) -> Question:
        if lock:  # lock the question row alone (PostgreSQL refuses FOR UPDATE on the outer-joined side)
            list(Question.objects.select_for_update().filter(pk=question_id).values_list("pk", flat=True))
        row = Question.objects.select_related("current_version", "node").filter(pk=question_id).first()
        if row is None:
            raise NotFoundError(f"No question {question_id}.")
        return row

    def create(
        self,
        *,
        course_key: CourseKey,
        version: NewVersion,
        node_id: int | None = None,
        source_usage_key: UsageKey | None = None,
    ) -> QuestionData:
        question = Question.objects.create(
            course_key=course_key, node_id=node_id, source_usage_key=_source(source_usage_key)
        )
        row = _version_row(question.pk, 1, version)
        row.save()
        QuestionTag.objects.bulk_create(QuestionTag(version=row, tag=tag) for tag in version.tags)
        question.current_version = row
        question.save(update_fields=["current_version", "modified"])
        return self.get(question.pk)

    def create_many(self, questions: Sequence[NewQuestion]) -> list[int]:
        if not questions:
            return []
        with transaction.atomic():  # the questions and their sources, or nothing
            question_ids = self._insert_questions(questions)
            by_course: dict[CourseKey, list[NewSource]] = {}
            for question_id, item in zip(question_ids, questions, strict=True):
                by_course.setdefault(item.course_key, []).extend(
                    NewSource(question_id=question_id, source_key=s.source_key, source_id=s.source_id, format=s.format)
                    for s in item.sources
                )
            for course_key, sources in by_course.items():
                self.add_sources(course_key, sources)
        return question_ids

    def _insert_questions(self, questions: Sequence[NewQuestion]) -> list[int]:
        rows = [
            Question(course_key=item.course_key, node_id=item.node_id, source_usage_key=_source(item.source_usage_key))
            for item in questions
        ]
        if connection.features.can_return_rows_from_bulk_insert:
            Question.objects.bulk_create(rows, batch_size=1000)
        else:
            # MySQL returns no ids from a multi-row INSERT, and imported questions may have no source key
            # to read them back by (interchange imports): insert them one by one there.
            for row in rows:
                row.save(force_insert=True)
        versions = [_version_row(row.pk, 1, item.version) for row, item in zip(rows, questions, strict=True)]
        QuestionVersion.objects.bulk_create(versions, batch_size=1000)
        if any(version.pk is None for version in versions):
            ids = dict(
                QuestionVersion.objects.filter(question_id__in=[row.pk for row in rows], number=1).values_list(
                    "question_id", "pk"
                )
            )
            for version in versions:
                version.pk = ids[version.question_id]
        QuestionTag.objects.bulk_create(
            (QuestionTag(version_id=version.pk, tag=tag) for version in versions for tag in version.tags),
            batch_size=1000,
        )
        # Each new question's current version is its version 1: one UPDATE per thousand questions (a
        # correlated subquery), where bulk_update built a CASE of one branch per row.
        first = QuestionVersion.objects.filter(question_id=OuterRef("pk"), number=1).values("pk")[:1]
        question_ids: list[int] = [row.pk for row in rows]
        for start in range(0, len(question_ids), 1000):
            batch = question_ids[start : start + 1000]
            Question.objects.filter(pk__in=batch).update(current_version_id=Subquery(first))
        return question_ids

    def add_version(self, question_id: int, version: NewVersion) -> QuestionVersionData:
        question = self._row(question_id, lock=True)
        last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
        row = _version_row(question.pk, last + 1, version)
        row.save()
        QuestionTag.objects.bulk_create(QuestionTag(version=row, tag=tag) for tag in version.tags)
        question.current_version = row
        question.save(update_fields=["current_version", "modified"])
        return _version_data(row)

    def set_node(self, question_id: int, node_id: int | None) -> None:
        updated = Question.objects.filter(pk=question_id).update(node_id=node_id, modified=timezone.now())
        if not updated:
            raise NotFoundError(f"No question {question_id}.")

    def get(self, question_id: int) -> QuestionData:
        return _question_data(self._row(question_id))

    def get_many(self, question_ids: Iterable[int]) -> dict[int, QuestionData]:
        rows = Question.objects.select_related("current_version", "node").filter(pk__in=set(question_ids))
        return {row.pk: _question_data(row) for row in rows}

    def versions_with_nodes(
        self, version_ids: Iterable[int]
    ) -> tuple[dict[int, QuestionVersionData], dict[int, CourseNodeData]]:
        versions: dict[int, QuestionVersionData] = {}
        nodes: dict[int, CourseNodeData] = {}
        for row in _VERSIONS_WITH_NODES.rows(version_ids=sorted(set(version_ids))):
            version, node = VERSION_WITH_NODE.read(row)
            versions[version.id] = version
            if node is not None:
                nodes[version.question_id] = node
        return versions, nodes

    def question_nodes(self, question_ids: Iterable[int]) -> dict[int, CourseNodeData]:
        rows = _QUESTION_NODES.rows(question_ids=sorted(set(question_ids)))
        return {row[0]: node for row in rows if (node := course_sync.NODE.take(row, 1)) is not None}

    def node_ids(self, question_ids: Iterable[int]) -> dict[int, int]:
        return dict(_NODE_IDS.rows(question_ids=sorted(set(question_ids))))

    def get_versions(self, version_ids: Iterable[int]) -> dict[int, QuestionVersionData]:
        rows = _VERSIONS.rows(version_ids=sorted(set(version_ids)))
        return {row[0]: _version_from_values(row) for row in rows}

    def get_version(self, version_id: int) -> QuestionVersionData:
        row = QuestionVersion.objects.filter(pk=version_id).first()
        if row is None:
            raise NotFoundError(f"No question version {version_id}.")
        return _version_data(row)

    def list_versions(self, question_id: int) -> list[QuestionVersionData]:
        self._row(question_id)
        return [
            _version_data(row) for row in QuestionVersion.objects.filter(question_id=question_id).order_by("-number")
        ]

    def list(self, filters: QuestionFilters, *, offset: int = 0, limit: int | None = None) -> QuestionPage:
        rows = Question.objects.filter(course_key=filters.course_key, current_version__isnull=False)
        if not filters.include_archived:
            rows = rows.filter(archived=False)
        if filters.node_id is not None:
            rows = rows.filter(node_id=filters.node_id)
        if filters.type:
            rows = rows.filter(current_version__type=filters.type)
        if filters.tag:
            rows = rows.filter(current_version__in=QuestionTag.objects.filter(tag=filters.tag).values("version_id"))
        if filters.text and filters.text.strip():
            rows = rows.filter(current_version__in=_text_filter(filters.text.strip()))
        total = rows.count()
        rows = rows.select_related("current_version", "node").order_by("-created", "-pk")
        page = rows[offset : offset + limit] if limit is not None else rows[offset:]
        return QuestionPage(items=tuple(_question_data(row) for row in page), total=total)

    def archive(self, question_id: int) -> QuestionData:
        row = self._row(question_id, lock=True)
        if not row.archived:
            row.archived, row.archived_at = True, timezone.now()
            row.save(update_fields=["archived", "archived_at", "modified"])
        return _question_data(row)

    def restore(self, question_id: int) -> QuestionData:
        row = self._row(question_id, lock=True)
        if row.archived:
            row.archived, row.archived_at = False, None
            row.save(update_fields=["archived", "archived_at", "modified"])
        return _question_data(row)

    def find_by_source(self, course_key: CourseKey, usage_key: UsageKey) -> QuestionData | None:
        return self.find_by_sources(course_key, [usage_key]).get(usage_key)

    def find_by_sources(self, course_key: CourseKey, usage_keys: Iterable[UsageKey]) -> dict[UsageKey, QuestionData]:
        keys = [str(key) for key in usage_keys]
        found: dict[UsageKey, QuestionData] = {}
        for start in range(0, len(keys), 500):
            rows = Question.objects.filter(
                course_key=course_key, source_usage_key__in=keys[start : start + 500]
            ).select_related("current_version", "node")
            for row in rows:
                data = _question_data(row)
                found[data.source_usage_key] = data  # type: ignore[index]
        return found

    def node_ids_in_use(self, node_ids: Iterable[int]) -> set[int]:
        ids = list(node_ids)
        return (
            set(Question.objects.filter(node_id__in=ids).values_list("node_id", flat=True).distinct()) if ids else set()
        )

    # --- interchange (ADR 0009) ------------------------------------------------------------------------

    def find_by_source_keys(self, course_key: CourseKey, source_keys: Iterable[str]) -> dict[str, QuestionData]:
        keys = list(dict.fromkeys(source_keys))
        question_of: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            question_of.update(
                QuestionSource.objects.filter(
                    course_key=course_key, source_key__in=keys[start : start + 500]
                ).values_list("source_key", "question_id")
            )
        ids = sorted(set(question_of.values()))
        questions: dict[int, QuestionData] = {}
        for start in range(0, len(ids), 500):
            questions.update(self.get_many(ids[start : start + 500]))
        return {key: questions[qid] for key, qid in question_of.items() if qid in questions}

    def add_sources(self, course_key: CourseKey, sources: Sequence[NewSource]) -> None:
        if not sources:
            return
        keys = [source.source_key for source in sources]
        seen: set[str] = set()
        for begin in range(0, len(keys), 500):
            seen.update(
                QuestionSource.objects.filter(
                    course_key=course_key, source_key__in=keys[begin : begin + 500]
                ).values_list("source_key", flat=True)
            )
        rows: list[dict[str, Any]] = []
        for source in sources:
            if source.source_key in seen:
                continue
            seen.add(source.source_key)
            rows.append(
                {
                    "course_key": course_key,
                    "question_id": source.question_id,
                    "source_key": source.source_key,
                    "source_id": source.source_id,
                    "format": source.format,
                }
            )
        insert_rows(QuestionSource, rows)  # one multi-row INSERT per batch (bulk_create costs ~0.4 ms a row)

    def sources_of(self, question_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        found: dict[int, tuple[str, ...]] = {}
        ids = sorted(set(question_ids))
        for start in range(0, len(ids), 500):
            rows = QuestionSource.objects.filter(question_id__in=ids[start : start + 500]).order_by("pk")
            for question_id, source_id in rows.values_list("question_id", "source_id"):
                found[question_id] = (*found.get(question_id, ()), source_id)
        return found

    def create_import_job(self, **fields: object) -> ImportJobData:
        return _job_data(QuestionImportJob.objects.create(**fields))

    def get_import_job(self, job_id: int) -> ImportJobData:
        row = QuestionImportJob.objects.filter(pk=job_id).first()
        if row is None:
            raise NotFoundError(f"No question import {job_id}.")
        return _job_data(row)

    def update_import_job(self, job_id: int, **fields: object) -> ImportJobData:
        if not QuestionImportJob.objects.filter(pk=job_id).update(**fields, modified=timezone.now()):
            raise NotFoundError(f"No question import {job_id}.")
        return self.get_import_job(job_id)

    def stale_import_jobs(
        self, modified_before: datetime, limit: int, *, exclude: Collection[int] = ()
    ) -> Sequence[ImportJobData]:
        rows = (
            QuestionImportJob.objects.filter(modified__lt=modified_before)
            .exclude(status=QuestionImportJob.IMPORTED)
            .exclude(storage_name="")
            .exclude(pk__in=list(exclude))
            .order_by("modified", "pk")[:limit]
        )
        return [_job_data(row) for row in rows]

    # --- copying between backends (``vault_copy_storage``) ----------------------------------------------

    def course_questions(self, course_key: CourseKey, *, after_id: int, limit: int) -> Sequence[QuestionRecord]:
        rows = (
            Question.objects.filter(course_key=course_key, pk__gt=after_id)
            .select_related("current_version", "node")
            .prefetch_related(Prefetch("versions", queryset=QuestionVersion.objects.order_by("number")))
            .order_by("pk")[:limit]
        )
        sources: dict[int, list[NewQuestionSource]] = {}
        found = QuestionSource.objects.filter(question_id__in=[row.pk for row in rows]).order_by("pk")
        for question_id, key, source_id, fmt in found.values_list("question_id", "source_key", "source_id", "format"):
            sources.setdefault(question_id, []).append(
                NewQuestionSource(source_key=key, source_id=source_id, format=fmt)
            )
        return [
            QuestionRecord(
                question=_question_data(row),
                versions=tuple(_version_data(item) for item in row.versions.all()),
                sources=tuple(sources.get(row.pk, ())),
            )
            for row in rows
        ]

    def put_questions(self, records: Sequence[QuestionRecord]) -> int:
        if not records:
            return 0
        with transaction.atomic():
            by_course: dict[CourseKey, list[NewSource]] = {}
            for record in records:
                _put_question(record)
                by_course.setdefault(record.question.course_key, []).extend(
                    NewSource(
                        question_id=record.question.id, source_key=s.source_key, source_id=s.source_id, format=s.format
                    )
                    for s in record.sources
                )
            for course_key, sources in by_course.items():
                self.add_sources(course_key, sources)
            statements = connection.ops.sequence_reset_sql(no_style(), [Question, QuestionVersion])
            if statements:  # PostgreSQL: new ids continue above the copied ones
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
        return len(records)

    def max_question_id(self, course_key: CourseKey) -> int:
        return int(Question.objects.filter(course_key=course_key).aggregate(Max("pk"))["pk__max"] or 0)


def _put_question(record: QuestionRecord) -> None:
    """One copied question: its row, its missing versions (with tags), then the dates ``auto_now`` would overwrite."""
    question = record.question
    Question.objects.update_or_create(
        pk=question.id,
        defaults={
            "course_key": question.course_key,
            "node_id": question.node_id,
            "source_usage_key": _source(question.source_usage_key),
            "archived": question.archived,
            "archived_at": question.archived_at,
        },
    )
    have = set(QuestionVersion.objects.filter(question_id=question.id).values_list("pk", flat=True))
    for version in record.versions:
        if version.id in have:
            continue  # versions are immutable
        row = QuestionVersion(
            pk=version.id,
            question_id=question.id,
            number=version.number,
            content=version.content,
            type=version.type,
            title=version.title,
            search_text=search_text(version.content),
            tags=list(version.tags),
            points=version.points,
            content_hash=version.content_hash,
            author_id=version.author_id,
        )
        row.save(force_insert=True)
        QuestionTag.objects.bulk_create(QuestionTag(version=row, tag=tag) for tag in version.tags)
        QuestionVersion.objects.filter(pk=version.id).update(created=version.created)
    current = question.current_version.id if question.current_version is not None else None
    Question.objects.filter(pk=question.id).update(
        current_version_id=current, created=question.created, modified=question.modified
    )


def _job_data(row: QuestionImportJob) -> ImportJobData:
    return ImportJobData(
        id=row.pk,
        course_key=cast(CourseKey, row.course_key),
        file_name=row.file_name,
        storage_name=row.storage_name,
        size=row.size,
        format=row.format,
        node_usage_key=row.node_usage_key,
        partial=row.partial,
        status=row.status,
        done=row.done,
        total=row.total,
        preview=row.preview,
        report=row.report,
        error=row.error,
        created_by_id=row.created_by_id,
        created=row.created,
        modified=row.modified,
    )
