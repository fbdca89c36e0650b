"""
The MongoDB backend of ``QuestionRepository``: one document per question, its versions embedded.

TLDR: collection ``questions``; ``_id`` is the question id and every embedded version has an ``id``, both
integers from the ``counters`` collection (the API speaks integer ids on every backend). Why embedded: a
question's versions are immutable, few (an edit makes one) and read with it (its history page, a regrade's
comparison), and appending a version and making it current must be one atomic step, which on MongoDB is one
document's update. A version is found by id through the unique index on ``versions.id``. The current version's
filterable fields (type, tags, search text) are copied to ``current`` so a list filters on the current version
only, as the ORM's join on ``current_version`` does. The source identifiers of interchange imports are embedded too
(``interchange_sources``: ``key`` is ``<course>|<source key>``, absent when a question has none), so a question an
import creates is written with its sources in one document write: an import that dies midway leaves no question
without its source (and a re-import creates no duplicate) on a standalone server, which has no multi-document
transaction (issue 13, ADR 0027). Upload jobs (``question_import_jobs``) are a collection of their own.

The rules the ORM keeps with constraints and row locks are unique indexes (``storage/mongodb_indexes.py``: a
version id once across questions, an OLX source once per course, an interchange source key once per course; a key
already recorded is read first, as the ORM does, the index being the backstop against a concurrent import) and
single-document updates: ``add_version`` appends with a compare-and-set on ``last_number``, retried when another
writer appended first, so two editors never make the same version number. Text search matches the words as a
case-insensitive substring of the search text (what the ORM does on SQLite); MariaDB's and PostgreSQL's full-text
search is word-based. Nodes live in the SQL mirror (course sync): ``node_usage_key`` is read from it with one query
per call.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey
from pymongo.errors import BulkWriteError, DuplicateKeyError

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.storage import mongodb
from ve_edu_vault.storage.mongodb import with_retries

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
from .base import NewQuestion, QuestionRecord, QuestionRepository

__all__ = ["COUNTERS", "IMPORT_JOBS", "QUESTIONS", "SOURCES", "MongoQuestionRepository"]

QUESTIONS = "questions"
#: The field of a question document that holds its interchange source identifiers.
SOURCES = "interchange_sources"
IMPORT_JOBS = "question_import_jobs"
COUNTERS = mongodb.COUNTERS
#: How many times ``add_version`` tries its compare-and-set before giving up (each loser re-reads the number).
APPEND_TRIES = 20

_JOB_DEFAULTS: dict[str, Any] = {
    "storage_name": "",
    "size": 0,
    "format": "auto",
    "node_usage_key": "",
    "partial": False,
    "status": "uploaded",
    "done": 0,
    "total": 0,
    "preview": None,
    "report": None,
    "error": "",
    "created_by_id": None,
}


def _now() -> datetime:
    """Now, as the server keeps it: UTC to the millisecond (so what is written is what is read back)."""
    value = timezone.now().astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _version_doc(version_id: int, number: int, version: NewVersion, created: datetime) -> dict[str, Any]:
    return {
        "id": version_id,
        "number": number,
        "content": version.content,
        "type": version.type,
        "title": version.title,
        "search_text": version.search_text,
        "tags": list(version.tags),
        "points": version.points,
        "content_hash": version.content_hash,
        "author_id": version.author_id,
        "created": created,
    }


def _current(version: NewVersion, version_id: int) -> dict[str, Any]:
    """The current version's id and the fields a list filters on."""
    return {"id": version_id, "type": version.type, "tags": list(version.tags), "search_text": version.search_text}


def _version_data(question_id: int, doc: Mapping[str, Any]) -> QuestionVersionData:
    return QuestionVersionData(
        id=doc["id"],
        question_id=question_id,
        number=doc["number"],
        content=doc["content"],
        type=doc["type"],
        title=doc["title"],
        tags=tuple(doc["tags"]),
        points=doc["points"],
        content_hash=doc["content_hash"],
        author_id=doc.get("author_id"),
        created=doc["created"],
    )


def _current_version(doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
    current = (doc.get("current") or {}).get("id")
    return next((item for item in doc.get("versions") or () if item["id"] == current), None)


def _source(course_key: CourseKey | str, usage_key: UsageKey | str) -> str:
    """The unique form of an OLX source in a course (a sparse index on one field: hand-made questions have none)."""
    return f"{course_key}|{usage_key}"


def _source_entry(course_key: CourseKey | str, source: NewQuestionSource | NewSource) -> dict[str, Any]:
    """An interchange source as embedded in its question (``key``: unique per course, by a multikey index)."""
    return {
        "key": f"{course_key}|{source.source_key}",
        "source_key": source.source_key,
        "source_id": source.source_id,
        "format": source.format,
    }


class MongoQuestionRepository(QuestionRepository):
    @property
    def questions(self) -> Any:
        return mongodb.database()[QUESTIONS]

    def _data(self, docs: Sequence[Mapping[str, Any]]) -> list[QuestionData]:
        node_ids = {doc["node_id"] for doc in docs if doc.get("node_id") is not None}
        nodes = course_sync.get_nodes_by_id(node_ids) if node_ids else {}
        found: list[QuestionData] = []
        for doc in docs:
            current = _current_version(doc)
            node = nodes.get(doc["node_id"]) if doc.get("node_id") is not None else None
            found.append(
                QuestionData(
                    id=doc["_id"],
                    course_key=CourseKey.from_string(doc["course_key"]),
                    node_id=doc.get("node_id"),
                    node_usage_key=node.usage_key if node is not None else None,
                    source_usage_key=UsageKey.from_string(doc["source_usage_key"])
                    if doc.get("source_usage_key")
                    else None,
                    archived=bool(doc.get("archived")),
                    archived_at=doc.get("archived_at"),
                    created=doc["created"],
                    modified=doc["modified"],
                    current_version=_version_data(doc["_id"], current) if current is not None else None,
                )
            )
        return found

    def _doc(self, question_id: int) -> Mapping[str, Any]:
        doc = self.questions.find_one({"_id": question_id})
        if doc is None:
            raise NotFoundError(f"No question {question_id}.")
        return doc

    def _new_doc(self, question_id: int, version_id: int, item: NewQuestion, now: datetime) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "_id": question_id,
            "course_key": str(item.course_key),
            "node_id": item.node_id,
            "archived": False,
            "archived_at": None,
            "created": now,
            "modified": now,
            "last_number": 1,
            "current": _current(item.version, version_id),
            "versions": [_version_doc(version_id, 1, item.version, now)],
        }
        if item.source_usage_key is not None:  # absent, not None: the unique index on ``source`` is sparse
            doc["source_usage_key"] = str(item.source_usage_key)
            doc["source"] = _source(item.course_key, item.source_usage_key)
        entries = list(
            {entry["key"]: entry for entry in (_source_entry(item.course_key, s) for s in item.sources)}.values()
        )
        if entries:  # absent, not empty: the unique index on ``interchange_sources.key`` is sparse
            doc[SOURCES] = entries
        return doc

    def _recorded(self, keys: Iterable[str]) -> set[str]:
        """The embedded source keys (``<course>|<source key>``) among ``keys`` that some question records."""
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            for doc in self.questions.find({f"{SOURCES}.key": {"$in": batch}}, {f"{SOURCES}.key": 1}):
                found.update(entry["key"] for entry in doc[SOURCES])
        return found & set(wanted)

    def _insert(self, docs: list[dict[str, Any]]) -> None:
        """
        Insert new question documents, each with its sources in the same write. A source key recorded meanwhile
        (read first, the unique index catching a concurrent import) is left as it is, the question is still created,
        as ``add_sources`` does; a document already written by an interrupted try is not written twice.
        """
        recorded = self._recorded(entry["key"] for doc in docs for entry in doc.get(SOURCES, ()))
        for doc in docs:
            self._drop_recorded(doc, recorded)
            recorded.update(entry["key"] for entry in doc.get(SOURCES, ()))
        collection = self.questions
        for start in range(0, len(docs), 1000):
            batch = docs[start : start + 1000]
            try:
                with_retries(partial(collection.insert_many, batch, ordered=True))
            except (BulkWriteError, DuplicateKeyError):
                for doc in batch:
                    self._insert_one(doc)

    def _drop_recorded(self, doc: dict[str, Any], recorded: Collection[str]) -> None:
        entries = [entry for entry in doc.get(SOURCES, ()) if entry["key"] not in recorded]
        if entries:
            doc[SOURCES] = entries
        else:
            doc.pop(SOURCES, None)

    def _insert_one(self, doc: dict[str, Any]) -> None:
        if self.questions.find_one({"_id": doc["_id"]}, {"_id": 1}) is not None:
            return
        try:
            with_retries(partial(self.questions.insert_one, doc))
        except DuplicateKeyError:
            self._drop_recorded(doc, self._recorded(entry["key"] for entry in doc.get(SOURCES, ())))
            with_retries(partial(self.questions.insert_one, doc))

    def create(
        self,
        *,
        course_key: CourseKey,
        version: NewVersion,
        node_id: int | None = None,
        source_usage_key: UsageKey | None = None,
    ) -> QuestionData:
        item = NewQuestion(course_key=course_key, version=version, node_id=node_id, source_usage_key=source_usage_key)
        (question_id,) = self.create_many([item])
        return self.get(question_id)

    def create_many(self, questions: Sequence[NewQuestion]) -> list[int]:
        if not questions:
            return []
        first_question = mongodb.next_ids(QUESTIONS, len(questions))
        first_version = mongodb.next_ids("question_versions", len(questions))
        now = _now()
        docs = [
            self._new_doc(first_question + index, first_version + index, item, now)
            for index, item in enumerate(questions)
        ]
        self._insert(docs)
        return [doc["_id"] for doc in docs]

    def add_version(self, question_id: int, version: NewVersion) -> QuestionVersionData:
        version_id = mongodb.next_ids("question_versions")
        for _ in range(APPEND_TRIES):
            last = int(self._doc(question_id).get("last_number") or 0)
            now = _now()
            doc = _version_doc(version_id, last + 1, version, now)
            result = self.questions.update_one(
                {"_id": question_id, "last_number": last},
                {
                    "$push": {"versions": doc},
                    "$set": {"last_number": last + 1, "current": _current(version, version_id), "modified": now},
                },
            )
            if result.modified_count:
                return _version_data(question_id, doc)
        raise RuntimeError(f"Question {question_id}: {APPEND_TRIES} concurrent edits in a row; try again.")

    def set_node(self, question_id: int, node_id: int | None) -> None:
        result = self.questions.update_one({"_id": question_id}, {"$set": {"node_id": node_id, "modified": _now()}})
        if not result.matched_count:
            raise NotFoundError(f"No question {question_id}.")

    def get(self, question_id: int) -> QuestionData:
        return self._data([self._doc(question_id)])[0]

    def get_many(self, question_ids: Iterable[int]) -> dict[int, QuestionData]:
        docs = list(self.questions.find({"_id": {"$in": sorted(set(question_ids))}}))
        return {data.id: data for data in self._data(docs)}

    def node_ids(self, question_ids: Iterable[int]) -> dict[int, int]:
        docs = self.questions.find(
            {"_id": {"$in": sorted(set(question_ids))}, "node_id": {"$ne": None}}, {"node_id": 1}
        )
        return {doc["_id"]: doc["node_id"] for doc in docs}

    def get_versions(self, version_ids: Iterable[int]) -> dict[int, QuestionVersionData]:
        wanted = set(version_ids)
        found: dict[int, QuestionVersionData] = {}
        for doc in self.questions.find({"versions.id": {"$in": sorted(wanted)}}, {"versions": 1}):
            for item in doc["versions"]:
                if item["id"] in wanted:
                    found[item["id"]] = _version_data(doc["_id"], item)
        return found

    def get_version(self, version_id: int) -> QuestionVersionData:
        found = self.get_versions([version_id])
        if version_id not in found:
            raise NotFoundError(f"No question version {version_id}.")
        return found[version_id]

    def list_versions(self, question_id: int) -> list[QuestionVersionData]:
        doc = self._doc(question_id)
        items = sorted(doc.get("versions") or (), key=lambda item: item["number"], reverse=True)
        return [_version_data(question_id, item) for item in items]

    def list(self, filters: QuestionFilters, *, offset: int = 0, limit: int | None = None) -> QuestionPage:
        query: dict[str, Any] = {"course_key": str(filters.course_key), "current": {"$ne": None}}
        if not filters.include_archived:
            query["archived"] = False
        if filters.node_id is not None:
            query["node_id"] = filters.node_id
        if filters.type:
            query["current.type"] = filters.type
        if filters.tag:
            query["current.tags"] = filters.tag
        text = (filters.text or "").strip()
        if text:
            query["$and"] = [
                {"current.search_text": {"$regex": re.escape(word), "$options": "i"}} for word in text.split()
            ]
        total = int(self.questions.count_documents(query))
        cursor = self.questions.find(query).sort([("created", -1), ("_id", -1)]).skip(offset)
        if limit is not None:
            cursor = cursor.limit(limit)
        return QuestionPage(items=tuple(self._data(list(cursor))), total=total)

    def _set_archived(self, question_id: int, archived: bool) -> QuestionData:
        now = _now()
        self.questions.update_one(
            {"_id": question_id, "archived": not archived},
            {"$set": {"archived": archived, "archived_at": now if archived else None, "modified": now}},
        )
        return self.get(question_id)

    def archive(self, question_id: int) -> QuestionData:
        return self._set_archived(question_id, True)

    def restore(self, question_id: int) -> QuestionData:
        return self._set_archived(question_id, False)

    def find_by_source(self, course_key: CourseKey, usage_key: UsageKey) -> QuestionData | None:
        return self.find_by_sources(course_key, [usage_key]).get(usage_key)

    def find_by_sources(self, course_key: CourseKey, usage_keys: Iterable[UsageKey]) -> dict[UsageKey, QuestionData]:
        keys = [str(key) for key in usage_keys]
        found: dict[UsageKey, QuestionData] = {}
        for start in range(0, len(keys), 500):
            wanted = [_source(course_key, key) for key in keys[start : start + 500]]
            docs = list(self.questions.find({"source": {"$in": wanted}}))
            for data in self._data(docs):
                found[data.source_usage_key] = data  # type: ignore[index]
        return found

    def node_ids_in_use(self, node_ids: Iterable[int]) -> set[int]:
        ids = list(node_ids)
        return set(self.questions.distinct("node_id", {"node_id": {"$in": ids}})) if ids else set()

    # --- interchange (ADR 0009) ------------------------------------------------------------------------

    def find_by_source_keys(self, course_key: CourseKey, source_keys: Iterable[str]) -> dict[str, QuestionData]:
        prefix = f"{course_key}|"
        keys = [prefix + key for key in dict.fromkeys(source_keys)]
        question_of: dict[str, int] = {}
        docs: dict[int, Mapping[str, Any]] = {}
        for start in range(0, len(keys), 500):
            wanted = set(keys[start : start + 500])
            for doc in self.questions.find({f"{SOURCES}.key": {"$in": list(wanted)}}):
                docs[doc["_id"]] = doc
                for entry in doc[SOURCES]:
                    if entry["key"] in wanted:
                        question_of.setdefault(entry["key"].removeprefix(prefix), doc["_id"])
        questions = {data.id: data for data in self._data(list(docs.values()))}
        return {key: questions[qid] for key, qid in question_of.items()}

    def add_sources(self, course_key: CourseKey, sources: Sequence[NewSource]) -> None:
        recorded = set(self._recorded(_source_entry(course_key, source)["key"] for source in sources))
        for source in sources:
            entry = _source_entry(course_key, source)
            if entry["key"] in recorded:
                continue
            recorded.add(entry["key"])
            try:  # one document's update; the unique index keeps a key another import recorded meanwhile as it is
                self.questions.update_one(
                    {"_id": source.question_id, f"{SOURCES}.key": {"$ne": entry["key"]}}, {"$push": {SOURCES: entry}}
                )
            except DuplicateKeyError:
                continue

    def sources_of(self, question_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
        docs = self.questions.find(
            {"_id": {"$in": sorted(set(question_ids))}, SOURCES: {"$exists": True}}, {f"{SOURCES}.source_id": 1}
        )
        return {doc["_id"]: tuple(entry["source_id"] for entry in doc[SOURCES]) for doc in docs if doc[SOURCES]}

    @property
    def jobs(self) -> Any:
        return mongodb.database()[IMPORT_JOBS]

    def create_import_job(self, **fields: object) -> ImportJobData:
        now = _now()
        doc = {**_JOB_DEFAULTS, **fields, "course_key": str(fields["course_key"]), "created": now, "modified": now}
        doc["_id"] = mongodb.next_ids(IMPORT_JOBS)
        self.jobs.insert_one(doc)
        return _job_data(doc)

    def get_import_job(self, job_id: int) -> ImportJobData:
        doc = self.jobs.find_one({"_id": job_id})
        if doc is None:
            raise NotFoundError(f"No question import {job_id}.")
        return _job_data(doc)

    def update_import_job(self, job_id: int, **fields: object) -> ImportJobData:
        values = {name: str(value) if name == "course_key" else value for name, value in fields.items()}
        if not self.jobs.update_one({"_id": job_id}, {"$set": {**values, "modified": _now()}}).matched_count:
            raise NotFoundError(f"No question import {job_id}.")
        return self.get_import_job(job_id)

    def stale_import_jobs(
        self, modified_before: datetime, limit: int, *, exclude: Collection[int] = ()
    ) -> Sequence[ImportJobData]:
        query = {
            "modified": {"$lt": modified_before},
            "status": {"$ne": "imported"},
            "storage_name": {"$ne": ""},
            "_id": {"$nin": list(exclude)},
        }
        docs = self.jobs.find(query).sort([("modified", 1), ("_id", 1)]).limit(limit)
        return [_job_data(doc) for doc in docs]

    # --- copying between backends: the bulk path, on PyMongo's asyncio client (``storage.mongodb.async_database``)

    def course_questions(self, course_key: CourseKey, *, after_id: int, limit: int) -> Sequence[QuestionRecord]:
        async def read() -> list[Mapping[str, Any]]:
            cursor = (
                mongodb.async_database()[QUESTIONS]
                .find({"course_key": str(course_key), "_id": {"$gt": after_id}})
                .sort("_id", 1)
                .limit(limit)
            )
            return [doc async for doc in cursor]

        docs = asyncio.run(read())
        return [
            QuestionRecord(
                question=data,
                versions=tuple(
                    _version_data(doc["_id"], item) for item in sorted(doc["versions"], key=lambda item: item["number"])
                ),
                sources=tuple(
                    NewQuestionSource(source_key=item["source_key"], source_id=item["source_id"], format=item["format"])
                    for item in doc.get(SOURCES, ())
                ),
            )
            for data, doc in zip(self._data(docs), docs, strict=True)
        ]

    def put_questions(self, records: Sequence[QuestionRecord]) -> int:
        docs = [_document(record) for record in records]
        entries = [[_source_entry(r.question.course_key, s) for s in r.sources] for r in records]
        recorded = self._recorded(entry["key"] for items in entries for entry in items)
        updates = []
        for doc, items in zip(docs, entries, strict=True):
            query, update = _upsert(doc)
            new = [entry for entry in {entry["key"]: entry for entry in items}.values() if entry["key"] not in recorded]
            if new:  # with the question's fields, in the same document write
                update["$push"] = {SOURCES: {"$each": new}}
                recorded.update(entry["key"] for entry in new)
            updates.append((query, update))

        async def write() -> None:
            collection = mongodb.async_database()[QUESTIONS]
            for start in range(0, len(updates), 50):  # up to 50 documents in flight at once
                await asyncio.gather(
                    *(collection.update_one(*update, upsert=True) for update in updates[start : start + 50])
                )

        asyncio.run(write())
        mongodb.ids_past(QUESTIONS, (doc["_id"] for doc in docs))
        mongodb.ids_past("question_versions", (item["id"] for doc in docs for item in doc["versions"]))
        return len(docs)

    def max_question_id(self, course_key: CourseKey) -> int:
        last = self.questions.find_one({"course_key": str(course_key)}, {"_id": 1}, sort=[("_id", -1)])
        return int(last["_id"]) if last is not None else 0


def _stored(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _document(record: QuestionRecord) -> dict[str, Any]:
    """A copied question as this backend stores it (the current version's filter fields derived again)."""
    question = record.question
    versions = [
        {
            **_version_doc(
                item.id,
                item.number,
                NewVersion(
                    content=item.content,
                    type=item.type,
                    title=item.title,
                    search_text=search_text(item.content),
                    tags=item.tags,
                    points=item.points,
                    content_hash=item.content_hash,
                    author_id=item.author_id,
                ),
                _stored(item.created),  # type: ignore[arg-type]
            )
        }
        for item in record.versions
    ]
    current = next(
        (item for item in versions if question.current_version and item["id"] == question.current_version.id), None
    )
    doc: dict[str, Any] = {
        "_id": question.id,
        "course_key": str(question.course_key),
        "node_id": question.node_id,
        "archived": question.archived,
        "archived_at": _stored(question.archived_at),
        "created": _stored(question.created),
        "modified": _stored(question.modified),
        "last_number": max((item["number"] for item in versions), default=0),
        "current": {key: current[key] for key in ("id", "type", "tags", "search_text")} if current else None,
        "versions": versions,
    }
    if question.source_usage_key is not None:
        doc["source_usage_key"] = str(question.source_usage_key)
        doc["source"] = _source(question.course_key, question.source_usage_key)
    return doc


def _upsert(doc: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """
    The filter and update that store a copied question: its fields replaced, the interchange sources it already
    has kept (``put_questions`` adds the copied ones not recorded yet).
    """
    update: dict[str, Any] = {"$set": {name: value for name, value in doc.items() if name != "_id"}}
    absent = {name: "" for name in ("source", "source_usage_key") if name not in doc}
    if absent:
        update["$unset"] = absent
    return {"_id": doc["_id"]}, update


def _job_data(doc: Mapping[str, Any]) -> ImportJobData:
    return ImportJobData(
        id=doc["_id"],
        course_key=CourseKey.from_string(doc["course_key"]),
        **{name: doc.get(name, default) for name, default in _JOB_DEFAULTS.items()},
        file_name=doc["file_name"],
        created=doc["created"],
        modified=doc["modified"],
    )
