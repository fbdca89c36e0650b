"""
The MongoDB backend of ``AttemptRepository``: one document per attempt, its responses embedded.

TLDR: collection ``attempts``; ``_id`` is the attempt id and every response has an ``id``, both integers from the
``counters`` collection (the API speaks integer ids on every backend). What the ORM does with row locks and
unique constraints, this backend does with single-document atomic updates and unique indexes
(``storage/mongodb_indexes.py``, created by ``vault_mongodb_indexes`` and checked at start-up):

- one attempt in progress per learner and assessment: ``in_progress_key`` ("<assessment>:<user>") is set only
  while the attempt is in progress, under a unique sparse index; a racing second insert fails with
  ``DuplicateKeyError``, turned into ``AttemptInProgressConflict``;
- ``get_attempt(lock=True)``: a lease on the document (``lock``: a token and an expiry), taken with one
  ``find_one_and_update`` and released when the caller's Django transaction commits (at once outside one). A
  second locker waits (backoff) until it is released or expires (``LOCK_SECONDS``), so two submissions grade once:
  the second sees the first's result. A rolled-back transaction leaves the lease to expire;
- the grade-publication outbox: ``due_reports`` claims each due attempt with a lease (``report_claim``), so two
  drains never publish the same attempt; ``clear_reports``/``defer_reports`` release it.

Writes of several documents (a regrade batch: one unordered ``bulk_write`` on the asyncio client) are not one
transaction on this backend: each document's update is atomic and a batch recomputes the same values when it is run
again, so a batch interrupted half-way is finished by the next run. Django's ``transaction.atomic`` does not roll
these documents back.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey
from pymongo import ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError

from ve_edu_vault.errors import ConflictError, NotFoundError
from ve_edu_vault.questions import api as questions
from ve_edu_vault.storage import mongodb
from ve_edu_vault.storage.mongodb import with_retries

from ..data_records import AccessRecord, DueReport, GradedResponse, ReportStatus
from ..data_stats import EVERY_FINISHED, AnswerTally, AttemptSums, ExportFilter, VersionSums
from . import mongodb_stats as stats
from .assessment_base import AssessmentRepository
from .base import (
    ATTEMPT_FIELDS,
    RESPONSE_FIELDS,
    AttemptInProgressConflict,
    AttemptRecord,
    AttemptRepository,
    AttemptTotalsUpdate,
    NewAttempt,
    NewGrade,
    RegradeRow,
    ResponseRecord,
    ResponseScore,
    apply_grades,
    check_fields,
)

__all__ = ["ATTEMPTS", "COUNTERS", "MongoAttemptRepository"]

ATTEMPTS = "attempts"
COUNTERS = mongodb.COUNTERS
IN_PROGRESS = "in_progress"
GRADED = "graded"
#: How long a lock (``get_attempt(lock=True)``) or an outbox claim lives when nobody releases it.
LOCK_SECONDS = 30
#: How long a locker waits for a lock before giving up with a 409.
LOCK_WAIT_SECONDS = 30

_held = threading.local()
_RESPONSE_KEYS = (
    "id",
    "position",
    "question_id",
    "question_version_id",
    "points",
    "answer",
    "raw_score",
    "score",
    "correct",
    "tries_used",
    "hints_shown",
    "checked",
    "feedback",
    "graded_at",
)


def stored_time(value: datetime | None) -> datetime | None:
    """A date as the server keeps it: UTC, to the millisecond (so what is written is what is read back)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _stored(value: Any) -> Any:
    return stored_time(value) if isinstance(value, datetime) else value


def _response(attempt_id: int, item: Mapping[str, Any]) -> ResponseRecord:
    values: dict[str, Any] = {name: item.get(name) for name in _RESPONSE_KEYS}
    return ResponseRecord(attempt_id=attempt_id, **values)


def _attempt(doc: Mapping[str, Any], *, with_responses: bool = True) -> AttemptRecord:
    responses = sorted(doc.get("responses") or (), key=lambda item: item["position"]) if with_responses else ()
    return AttemptRecord(
        id=doc["_id"],
        assessment_id=doc["assessment_id"],
        user_id=doc["user_id"],
        number=doc["number"],
        state=doc["state"],
        seed=doc["seed"],
        started_at=doc["started_at"],
        deadline=doc.get("deadline"),
        submitted_at=doc.get("submitted_at"),
        graded_at=doc.get("graded_at"),
        earned=doc.get("earned"),
        possible=doc.get("possible"),
        score=doc.get("score"),
        passed=doc.get("passed"),
        submit_reason=doc.get("submit_reason", ""),
        report_due_at=doc.get("report_due_at"),
        responses=tuple(_response(doc["_id"], item) for item in responses),
    )


def _state_fields(fields: Mapping[str, Any], doc_key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``$set`` and ``$unset`` of an attempt update: a state other than in progress frees the in-progress slot."""
    values = {name: _stored(value) for name, value in fields.items()}
    unset: dict[str, Any] = {}
    if "state" in fields:
        values["state"] = str(getattr(fields["state"], "value", fields["state"]))
        if values["state"] == IN_PROGRESS:
            values["in_progress_key"] = doc_key
        else:
            unset["in_progress_key"] = ""
    return values, unset


def _document(record: AttemptRecord) -> dict[str, Any]:
    """An attempt record as this backend stores it (a copy from another backend keeps its ids)."""
    now = stored_time(timezone.now())
    state = str(getattr(record.state, "value", record.state))
    doc: dict[str, Any] = {
        "_id": record.id,
        "assessment_id": record.assessment_id,
        "user_id": record.user_id,
        "number": record.number,
        "state": state,
        "seed": record.seed,
        "started_at": stored_time(record.started_at),
        "deadline": stored_time(record.deadline),
        "submitted_at": stored_time(record.submitted_at),
        "graded_at": stored_time(record.graded_at),
        "earned": record.earned,
        "possible": record.possible,
        "score": record.score,
        "passed": record.passed,
        "submit_reason": record.submit_reason,
        "report_due_at": stored_time(record.report_due_at),
        "report_tries": 0,
        "report_error": "",
        "created": now,
        "modified": now,
        "responses": [{name: _stored(getattr(item, name)) for name in _RESPONSE_KEYS} for item in record.responses],
    }
    if state == IN_PROGRESS:
        doc["in_progress_key"] = f"{record.assessment_id}:{record.user_id}"
    return doc


def _run(work: Any) -> Any:
    """Run a coroutine of the asyncio client from synchronous code (a command, a Celery task)."""
    return mongodb.run_async(lambda: work)


def _find_attempts(query: Mapping[str, Any], fields: Mapping[str, Any] | None = None, *, batch: int = 1000) -> Any:
    """An asyncio cursor over the attempts matching ``query`` in id order (on the running loop's client)."""
    return mongodb.async_database()[ATTEMPTS].find(query, fields).sort("_id", 1).batch_size(batch)


class MongoAttemptRepository(AttemptRepository):
    def __init__(self, assessments: AssessmentRepository | None = None) -> None:
        self._assessments = assessments

    @property
    def attempts(self) -> Any:
        return mongodb.database()[ATTEMPTS]

    def _assessment_repository(self) -> AssessmentRepository:
        if self._assessments is None:
            from . import get_assessment_repository

            self._assessments = get_assessment_repository()
        return self._assessments

    def _doc(self, attempt_id: int) -> Mapping[str, Any]:
        doc = self.attempts.find_one({"_id": attempt_id})
        if doc is None:
            raise NotFoundError(f"No attempt {attempt_id}.")
        return doc  # type: ignore[no-any-return]

    def create_attempt(self, attempt: NewAttempt) -> AttemptRecord:
        attempt_id = mongodb.next_ids(ATTEMPTS)
        first = mongodb.next_ids("responses", len(attempt.responses)) if attempt.responses else 0
        now = stored_time(timezone.now())
        doc = {
            "_id": attempt_id,
            "assessment_id": attempt.assessment_id,
            "user_id": attempt.user_id,
            "number": attempt.number,
            "state": IN_PROGRESS,
            "in_progress_key": f"{attempt.assessment_id}:{attempt.user_id}",
            "seed": attempt.seed,
            "started_at": stored_time(attempt.started_at),
            "deadline": stored_time(attempt.deadline),
            "submitted_at": None,
            "graded_at": None,
            "earned": None,
            "possible": None,
            "score": None,
            "passed": None,
            "submit_reason": "",
            "report_due_at": None,
            "report_tries": 0,
            "report_error": "",
            "created": now,
            "modified": now,
            "responses": [
                {
                    "id": first + index,
                    "position": item.position,
                    "question_id": item.question_id,
                    "question_version_id": item.question_version_id,
                    "points": float(item.points),
                    "answer": None,
                    "raw_score": None,
                    "score": None,
                    "correct": None,
                    "tries_used": 0,
                    "hints_shown": 0,
                    "checked": False,
                    "feedback": None,
                    "graded_at": None,
                }
                for index, item in enumerate(attempt.responses)
            ],
        }
        try:
            with_retries(lambda: self.attempts.insert_one(doc))
        except DuplicateKeyError as exc:
            raise AttemptInProgressConflict("An attempt of this assessment is already in progress.") from exc
        return _attempt(doc)

    def _release_later(self, key: tuple[str, int], token: str) -> None:
        def release() -> None:
            self.attempts.update_one({"_id": key[1], "lock.token": token}, {"$unset": {"lock": ""}})
            held: dict[tuple[str, int], str] = getattr(_held, "tokens", {})
            if held.get(key) == token:
                del held[key]

        transaction.on_commit(release)

    def _lock(self, attempt_id: int) -> Mapping[str, Any]:
        held: dict[tuple[str, int], str] = _held.__dict__.setdefault("tokens", {})
        key = (mongodb.database_name(), attempt_id)
        token = held.get(key) or uuid.uuid4().hex
        give_up = time.monotonic() + LOCK_WAIT_SECONDS
        delay = 0.005
        while True:
            now = timezone.now()
            doc = self.attempts.find_one_and_update(
                {
                    "_id": attempt_id,
                    "$or": [{"lock": None}, {"lock.until": {"$lt": now}}, {"lock.token": token}],
                },
                {"$set": {"lock": {"token": token, "until": now + timedelta(seconds=LOCK_SECONDS)}}},
                return_document=ReturnDocument.AFTER,
            )
            if doc is not None:
                # Every taking registers its release: a token kept from a rolled-back transaction is reused (the
                # lease is ours) and released by this one's commit.
                held[key] = token
                self._release_later(key, token)
                return doc  # type: ignore[no-any-return]
            self._doc(attempt_id)  # NotFoundError when there is no such attempt
            if time.monotonic() > give_up:
                raise ConflictError("The attempt is busy; try again.")
            time.sleep(delay)
            delay = min(0.1, delay * 2)

    def get_attempt(self, attempt_id: int, *, lock: bool = False) -> AttemptRecord:
        return _attempt(self._lock(attempt_id) if lock else self._doc(attempt_id))

    def get_in_progress(self, assessment_id: int, user_id: int) -> AttemptRecord | None:
        doc = self.attempts.find_one({"in_progress_key": f"{assessment_id}:{user_id}"})
        return _attempt(doc) if doc is not None else None

    def list_attempts(self, assessment_id: int, user_id: int, *, with_responses: bool = False) -> list[AttemptRecord]:
        projection = None if with_responses else {"responses": 0}
        docs = self.attempts.find({"assessment_id": assessment_id, "user_id": user_id}, projection).sort("number", 1)
        return [_attempt(doc, with_responses=with_responses) for doc in docs]

    def count_attempts(self, assessment_id: int, user_id: int) -> int:
        return int(self.attempts.count_documents({"assessment_id": assessment_id, "user_id": user_id}))

    def next_number(self, assessment_id: int, user_id: int) -> int:
        last = self.attempts.find_one(
            {"assessment_id": assessment_id, "user_id": user_id}, {"number": 1}, sort=[("number", -1)]
        )
        return int(last["number"]) + 1 if last is not None else 1

    def _set_responses(self, updates: Sequence[tuple[int, Mapping[str, Any]]]) -> int:
        """
        One single-document update per response (the positional ``responses.$``) on the synchronous client: a
        learner's few answers on the request path. A regrade's many go in one ``bulk_write`` (``_bulk_write``).
        """
        now = stored_time(timezone.now())
        matched = 0
        for response_id, fields in updates:
            change = {"$set": {**{f"responses.$.{k}": _stored(v) for k, v in fields.items()}, "modified": now}}
            result = with_retries(partial(self.attempts.update_one, {"responses.id": response_id}, change))
            matched += int(result.matched_count)
        return matched

    def update_response(self, response_id: int, **fields: Any) -> ResponseRecord:
        check_fields(fields, RESPONSE_FIELDS)
        if not self._set_responses([(response_id, fields)]):
            raise NotFoundError(f"No response {response_id}.")
        doc = self._doc_of_response(response_id)
        item = next(item for item in doc["responses"] if item["id"] == response_id)
        return _response(doc["_id"], item)

    def _doc_of_response(self, response_id: int) -> Mapping[str, Any]:
        doc = self.attempts.find_one({"responses.id": response_id})
        if doc is None:
            raise NotFoundError(f"No response {response_id}.")
        return doc  # type: ignore[no-any-return]

    def update_responses(self, updates: Sequence[tuple[int, dict[str, Any]]]) -> None:
        names = {name for _id, fields in updates for name in fields}
        check_fields(dict.fromkeys(names), RESPONSE_FIELDS)
        if self._set_responses(updates) != len({response_id for response_id, _fields in updates}):
            raise NotFoundError("A response to update does not exist.")

    def _update(self, attempt_id: int, fields: Mapping[str, Any]) -> Mapping[str, Any]:
        check_fields(fields, ATTEMPT_FIELDS)
        current = self.attempts.find_one({"_id": attempt_id}, {"assessment_id": 1, "user_id": 1})
        if current is None:
            raise NotFoundError(f"No attempt {attempt_id}.")
        values, unset = _state_fields(fields, f"{current['assessment_id']}:{current['user_id']}")
        change: dict[str, Any] = {"$set": {**values, "modified": stored_time(timezone.now())}}
        if unset:
            change["$unset"] = unset
        try:
            doc = with_retries(
                lambda: self.attempts.find_one_and_update(
                    {"_id": attempt_id}, change, return_document=ReturnDocument.AFTER
                )
            )
        except DuplicateKeyError as exc:
            raise AttemptInProgressConflict("An attempt of this assessment is already in progress.") from exc
        return doc  # type: ignore[no-any-return]

    def update_attempt(self, attempt_id: int, **fields: Any) -> AttemptRecord:
        return _attempt(self._update(attempt_id, fields))

    def close_attempt(
        self, attempt: AttemptRecord, responses: Sequence[ResponseRecord], **fields: Any
    ) -> AttemptRecord:
        doc = self._update(attempt.id, fields)
        return replace(_attempt(doc, with_responses=False), responses=tuple(responses))

    def grade_attempt(
        self, attempt: AttemptRecord, responses: Sequence[tuple[int, Mapping[str, Any]]], **fields: Any
    ) -> AttemptRecord:
        """
        The attempt's fields and its embedded responses' in one ``update_one`` (ADR 0036), each response addressed by
        its index in the array (``responses.<i>.<field>``), the filter checking that each index holds that response.

        A document keeps its responses in position order (``create_attempt``, ``put_attempts``), the record's order;
        when the filter matches nothing, the document is read once for where its responses are, and updated again.
        """
        check_fields(fields, ATTEMPT_FIELDS)
        apply_grades(attempt, responses)  # checked before anything is written
        values, unset = _state_fields(fields, f"{attempt.assessment_id}:{attempt.user_id}")
        values["modified"] = stored_time(timezone.now())
        change: dict[str, Any] = {"$unset": unset} if unset else {}
        index = {item.id: position for position, item in enumerate(attempt.responses)}
        matched = 0
        for _try in range(2):
            where = {"_id": attempt.id, **{f"responses.{index[rid]}.id": rid for rid, _grade in responses}}
            sets = {f"responses.{index[rid]}.{k}": _stored(v) for rid, grade in responses for k, v in grade.items()}
            update = {**change, "$set": {**values, **sets}}
            try:
                matched = with_retries(partial(self.attempts.update_one, where, update)).matched_count
            except DuplicateKeyError as exc:
                raise AttemptInProgressConflict("An attempt of this assessment is already in progress.") from exc
            if matched or not responses:
                break
            doc = self.attempts.find_one({"_id": attempt.id}, {"responses.id": 1})
            found = {item["id"]: position for position, item in enumerate((doc or {}).get("responses") or ())}
            if found == index or any(rid not in found for rid, _grade in responses):
                break  # no such attempt, or a response that is not its own
            index = found
        if not matched:
            raise NotFoundError(f"Attempt {attempt.id} or one of its responses does not exist.")
        # What ``get_attempt`` would read back: dates in UTC to the millisecond.
        stored = [(rid, {k: _stored(v) for k, v in grade.items()}) for rid, grade in responses]
        record = {name: value for name, value in values.items() if name in fields}
        return replace(attempt, **record, responses=apply_grades(attempt, stored))

    def expired_attempt_ids(self, now: datetime, *, limit: int = 500) -> list[int]:
        docs = (
            self.attempts.find({"state": IN_PROGRESS, "deadline": {"$ne": None, "$lt": now}}, {"_id": 1})
            .sort([("deadline", 1), ("_id", 1)])
            .limit(limit)
        )
        return [doc["_id"] for doc in docs]

    def seen_questions(self, user_id: int, assessment_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(assessment_ids)
        if not ids:
            return {}
        seen: dict[int, datetime] = {}
        docs = self.attempts.find(
            {"user_id": user_id, "assessment_id": {"$in": ids}}, {"started_at": 1, "responses.question_id": 1}
        )
        for doc in docs:
            for item in doc.get("responses") or ():
                question_id = item["question_id"]
                if question_id not in seen or doc["started_at"] > seen[question_id]:
                    seen[question_id] = doc["started_at"]
        return seen

    def retire_learner(self, user_id: int) -> tuple[int, int]:
        kept = self.attempts.count_documents({"user_id": user_id})
        dropped = self.attempts.update_many(
            {"user_id": user_id, "report_due_at": {"$ne": None}},
            {"$set": {"report_due_at": None, "report_tries": 0, "report_error": ""}, "$unset": {"report_claim": ""}},
        )
        return int(kept), int(dropped.modified_count)

    def attempt_access(self, attempt_id: int) -> AccessRecord | None:
        doc = self.attempts.find_one(
            {"_id": attempt_id}, {"assessment_id": 1, "user_id": 1, "deadline": 1, "responses.question_version_id": 1}
        )
        if doc is None:
            return None
        assessment = self._assessment_repository().get_assessment(doc["assessment_id"])
        if assessment is None:
            return None
        version_ids = {item["question_version_id"] for item in doc.get("responses") or ()}
        versions, nodes = questions.versions_with_nodes(version_ids) if version_ids else ({}, {})
        return AccessRecord(
            attempt_id=attempt_id,
            assessment_id=doc["assessment_id"],
            user_id=doc["user_id"],
            deadline=doc.get("deadline"),
            assessment=assessment,
            versions=tuple(versions[version_id] for version_id in sorted(versions)),
            nodes=nodes,
        )

    def graded_responses(self, course_key: CourseKey, user_ids: Sequence[int] | None = None) -> list[GradedResponse]:
        assessment_ids = self._assessment_repository().assessment_ids(course_key)
        query: dict[str, Any] = {"assessment_id": {"$in": assessment_ids}, "state": GRADED}
        if user_ids is not None:
            query["user_id"] = {"$in": list(user_ids)}
        docs = self.attempts.find(query, {"user_id": 1, "graded_at": 1, "responses": 1}).sort(
            [("graded_at", 1), ("_id", 1)]
        )
        result = []
        for doc in docs:
            for item in sorted(doc.get("responses") or (), key=lambda entry: entry["position"]):
                if item.get("score") is None or float(item.get("points") or 0) <= 0:
                    continue  # unscored, or worth no points (an ungraded essay): no mastery evidence
                result.append(
                    GradedResponse(
                        id=item["id"],
                        user_id=doc["user_id"],
                        question_id=item["question_id"],
                        correct=item.get("correct"),
                        score=item.get("score"),
                        graded_at=doc.get("graded_at"),
                    )
                )
        return result

    # The outbox.

    def queue_reports(self, assessment_id: int, now: datetime) -> int:
        result = self.attempts.update_many(
            {"assessment_id": assessment_id, "state": GRADED, "report_due_at": None},
            {"$set": {"report_due_at": stored_time(now)}},
        )
        return int(result.modified_count)

    def due_reports(
        self, now: datetime, *, assessment_id: int | None = None, user_id: int | None = None, limit: int
    ) -> list[DueReport]:
        query: dict[str, Any] = {"report_due_at": {"$ne": None, "$lte": now}}
        if assessment_id is not None and user_id is not None:
            query.update(assessment_id=assessment_id, user_id=user_id)
        candidates = self.attempts.find(query, {"_id": 1}).sort([("report_due_at", 1), ("_id", 1)]).limit(limit)
        token = uuid.uuid4().hex
        until = now + timedelta(seconds=LOCK_SECONDS)
        groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for candidate in list(candidates):
            claimed = self.attempts.find_one_and_update(
                {
                    "_id": candidate["_id"],
                    **query,
                    "$or": [{"report_claim": None}, {"report_claim.until": {"$lt": now}}],
                },
                {"$set": {"report_claim": {"token": token, "until": until}}},
                {"assessment_id": 1, "user_id": 1, "report_tries": 1},
                return_document=ReturnDocument.AFTER,
            )
            if claimed is None:  # another drain holds it (SKIP LOCKED)
                continue
            key = (claimed["assessment_id"], claimed["user_id"])
            groups.setdefault(key, []).append((claimed["_id"], int(claimed.get("report_tries") or 0)))
        return [
            DueReport(
                assessment_id=assessment,
                user_id=user,
                attempt_ids=tuple(pk for pk, _tries in items),
                tries=max(tries for _pk, tries in items),
            )
            for (assessment, user), items in groups.items()
        ]

    def clear_reports(self, attempt_ids: Sequence[int]) -> None:
        self.attempts.update_many(
            {"_id": {"$in": list(attempt_ids)}},
            {"$set": {"report_due_at": None, "report_tries": 0, "report_error": ""}, "$unset": {"report_claim": ""}},
        )

    def defer_reports(self, attempt_ids: Sequence[int], *, tries: int, due_at: datetime, error: str) -> None:
        self.attempts.update_many(
            {"_id": {"$in": list(attempt_ids)}},
            {
                "$set": {
                    "report_tries": tries,
                    "report_due_at": stored_time(due_at),
                    "report_error": error[:2000],
                    "modified": stored_time(timezone.now()),
                },
                "$unset": {"report_claim": ""},
            },
        )

    def report_status(self, assessment_id: int) -> ReportStatus:
        queued_query = {"assessment_id": assessment_id, "report_due_at": {"$ne": None}}
        failing_query = {**queued_query, "report_tries": {"$gt": 0}}
        last = self.attempts.find_one(failing_query, {"report_error": 1}, sort=[("modified", -1)])
        first = self.attempts.find_one(queued_query, {"report_due_at": 1}, sort=[("report_due_at", 1)])
        return ReportStatus(
            queued=int(self.attempts.count_documents(queued_query)),
            failing=int(self.attempts.count_documents(failing_query)),
            last_error=(last or {}).get("report_error", "") or "",
            next_try_at=(first or {}).get("report_due_at"),
        )

    # Exports: the streaming path, on PyMongo's asyncio client (``storage.mongodb.stream_pages``).

    exports_through_repository = True

    def _export_queries(
        self, assessment_ids: Sequence[int], where: ExportFilter, batch: int
    ) -> Iterator[dict[str, Any]]:
        """Per assessment, the query of the exported attempts (one per batch of chosen ids when one per learner)."""
        submitted: dict[str, Any] = {}
        if where.since is not None:
            submitted["$gte"] = stored_time(where.since)
        if where.until is not None:
            submitted["$lt"] = stored_time(where.until)
        for assessment_id in assessment_ids:
            query: dict[str, Any] = {"assessment_id": assessment_id}
            if submitted:
                query["submitted_at"] = submitted
            if where.choice == "all":
                yield {**query, "state": {"$ne": IN_PROGRESS}}
                continue
            chosen = stats.chosen_attempt_ids(assessment_id, where.choice)
            for start in range(0, len(chosen), batch):
                yield {**query, "_id": {"$in": chosen[start : start + batch]}}

    def export_attempts(
        self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = 1000
    ) -> Iterator[list[AttemptRecord]]:
        for query in self._export_queries(assessment_ids, where, batch):
            for page in mongodb.stream_pages(partial(_find_attempts, query, batch=batch), batch):
                yield [_attempt(doc) for doc in page]

    def count_export(self, assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED) -> tuple[int, int]:
        attempts = responses = 0
        for query in self._export_queries(assessment_ids, where, 1000):
            for page in mongodb.stream_pages(partial(_find_attempts, query, {"responses.id": 1}), 5000):
                attempts += len(page)
                responses += sum(len(doc.get("responses") or ()) for doc in page)
        return attempts, responses

    # Item analysis: aggregation pipelines on the asyncio client (``mongodb_stats.py``, ADR 0028).

    def version_sums(self, assessment_id: int, choice: str) -> list[VersionSums]:
        return stats.version_sums(assessment_id, choice)

    def attempt_sums(self, assessment_id: int, choice: str) -> AttemptSums:
        return stats.attempt_sums(assessment_id, choice)

    def answer_tallies(self, assessment_id: int, choice: str, version_ids: Sequence[int]) -> list[AnswerTally]:
        return stats.answer_tallies(assessment_id, choice, version_ids)

    def graded_attempt_users(self, assessment_id: int) -> dict[int, int]:
        return stats.graded_attempt_users(assessment_id)

    def with_graded_attempts(self, assessment_ids: Sequence[int]) -> list[int]:
        return stats.with_graded_attempts(assessment_ids)

    def assessments_with_question(self, question_id: int) -> list[int]:
        return stats.assessments_with_question(question_id)

    def users_with_attempts(self, assessment_ids: Sequence[int], user_ids: Sequence[int]) -> dict[int, set[int]]:
        return stats.users_with_attempts(assessment_ids, user_ids)

    # Copying between backends: the streaming path, on PyMongo's asyncio client (``storage.mongodb.async_database``).

    def course_attempts(self, assessment_ids: Sequence[int], *, after_id: int, limit: int) -> list[AttemptRecord]:
        async def read() -> list[Mapping[str, Any]]:
            cursor = (
                mongodb.async_database()[ATTEMPTS]
                .find({"assessment_id": {"$in": list(assessment_ids)}, "_id": {"$gt": after_id}})
                .sort("_id", 1)
                .limit(limit)
            )
            return [doc async for doc in cursor]

        return [_attempt(doc) for doc in _run(read())]

    def put_attempts(self, attempts: Sequence[AttemptRecord]) -> int:
        docs = [_document(record) for record in attempts]

        async def write() -> None:
            collection = mongodb.async_database()[ATTEMPTS]
            for start in range(0, len(docs), 50):  # up to 50 documents in flight at once
                await asyncio.gather(
                    *(collection.replace_one({"_id": doc["_id"]}, doc, upsert=True) for doc in docs[start : start + 50])
                )

        _run(write())
        mongodb.ids_past(ATTEMPTS, (doc["_id"] for doc in docs))
        mongodb.ids_past("responses", (item["id"] for doc in docs for item in doc["responses"]))
        return len(docs)

    def max_attempt_id(self, assessment_ids: Sequence[int]) -> int:
        last = self.attempts.find_one({"assessment_id": {"$in": list(assessment_ids)}}, {"_id": 1}, sort=[("_id", -1)])
        return int(last["_id"]) if last is not None else 0

    # Bulk regrade: read in response id order across documents (the responses' ids grow with their attempts').

    def _regrade_query(self, version_ids: Sequence[int], after_id: int) -> dict[str, Any]:
        return {
            "state": GRADED,
            "responses": {"$elemMatch": {"question_version_id": {"$in": list(version_ids)}, "id": {"$gt": after_id}}},
        }

    def _regrade_items(
        self, version_ids: Sequence[int], after_id: int, *, limit: int | None = None
    ) -> Iterator[tuple[Mapping[str, Any], Any]]:
        """
        The matching responses with their attempts, streamed on the asyncio client in attempt id order. With ``limit``
        the read stops after the attempt that brings the count to ``limit``: a page reads only what it returns (the
        rest of that attempt's responses come again on the next page, which starts after the last id returned).
        """
        wanted = set(version_ids)
        fields = {"user_id": 1, "assessment_id": 1, "responses": 1}
        query = self._regrade_query(version_ids, after_id)
        found, size = 0, max(1, min(100, limit or 100))  # a page needs at most ``limit`` attempts
        with closing(mongodb.stream_pages(partial(_find_attempts, query, fields, batch=size), size)) as pages:
            for page in pages:
                for doc in page:
                    for item in doc.get("responses") or ():
                        if item["question_version_id"] in wanted and item["id"] > after_id:
                            found += 1
                            yield doc, item
                    if limit is not None and found >= limit:
                        return

    def regrade_count(self, version_ids: Sequence[int], *, after_id: int = 0) -> int:
        return sum(1 for _ in self._regrade_items(version_ids, after_id))

    def regrade_rows(
        self, version_ids: Sequence[int], *, after_id: int, limit: int, decoded: dict[str | None, Any] | None = None
    ) -> list[RegradeRow]:
        import json

        rows = [
            RegradeRow(
                id=item["id"],
                attempt_id=doc["_id"],
                user_id=doc["user_id"],
                assessment_id=doc["assessment_id"],
                question_version_id=item["question_version_id"],
                answer=item.get("answer"),
                tries_used=item.get("tries_used", 0),
                hints_shown=item.get("hints_shown", 0),
                raw_score=item.get("raw_score"),
                score=item.get("score"),
                correct=item.get("correct"),
                answer_key=json.dumps(item.get("answer"), sort_keys=True, default=str),
            )
            for doc, item in self._regrade_items(version_ids, after_id, limit=limit)
        ]
        rows.sort(key=lambda row: row.id)
        return rows[:limit]

    def _bulk_write(self, operations: list[UpdateOne]) -> int:
        """
        One unordered ``bulk_write`` of the operations on the asyncio client (PyMongo splits it into as few
        commands as the server's batch limits allow: one round trip per 100,000 operations); how many matched.
        Each operation is a ``$set`` of values computed before, so retrying the whole batch after a transient error
        writes the same values again.
        """
        if not operations:
            return 0

        async def write() -> int:
            result = await mongodb.async_database()[ATTEMPTS].bulk_write(operations, ordered=False)
            return int(result.matched_count)

        return with_retries(lambda: mongodb.run_async(write))

    def write_regrades(self, grades: Iterable[NewGrade]) -> int:
        now = stored_time(timezone.now())
        return self._bulk_write(
            [
                UpdateOne(
                    {"responses.id": grade.response_id},
                    {
                        "$set": {
                            "responses.$.raw_score": grade.raw_score,
                            "responses.$.score": grade.score,
                            "responses.$.correct": grade.correct,
                            "responses.$.feedback": grade.feedback,
                            "modified": now,
                        }
                    },
                )
                for grade in grades
            ]
        )

    def response_scores(self, attempt_ids: Iterable[int]) -> list[ResponseScore]:
        docs = self.attempts.find({"_id": {"$in": sorted(set(attempt_ids))}}, {"responses": 1})
        return [
            ResponseScore(id=item["id"], attempt_id=doc["_id"], score=item.get("score"), points=item["points"])
            for doc in docs
            for item in doc.get("responses") or ()
        ]

    def attempt_owners(self, attempt_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        docs = self.attempts.find({"_id": {"$in": sorted(set(attempt_ids))}}, {"assessment_id": 1, "user_id": 1})
        return {doc["_id"]: (doc["assessment_id"], doc["user_id"]) for doc in docs}

    def write_attempt_totals(self, totals: Iterable[AttemptTotalsUpdate]) -> int:
        now = stored_time(timezone.now())
        return self._bulk_write(
            [
                UpdateOne(
                    {"_id": item.attempt_id},
                    {
                        "$set": {
                            "earned": item.earned,
                            "possible": item.possible,
                            "score": item.score,
                            "passed": item.passed,
                            "modified": now,
                            **({"report_due_at": now} if item.report else {}),
                        }
                    },
                )
                for item in totals
            ]
        )
