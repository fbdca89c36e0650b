"""
Copy a course's questions, attempts and responses from one storage backend to the other, verified by counts and
checksums.

TLDR: what ``vault_copy_storage`` runs. Questions (each with every version and its interchange sources) are copied
first, the same way as attempts: in id order, in batches, with their ids, resumed after the highest question id of
the course in the target; their digest counts questions and versions and covers the sources. The configured
question bank moves with the backend (ADR 0027); ``questions_only`` copies the bank alone (the upgrade of a
deployment whose attempts were on MongoDB with the bank in
SQL). Attempts are read in id order from the source repository in batches and
stored in the target with their ids (``put_attempts`` replaces an attempt already there), so a copy interrupted
at any point is resumed by running it again: it continues after the highest attempt id of the course in the
target (``--restart`` copies from the start). Then both sides are read again and compared: the number of attempts
and responses and a SHA-256 over every attempt with its responses in a canonical form (dates in UTC to the
millisecond, the precision MongoDB keeps). Assessments are not copied: they are in the SQL database with either
backend (ADR 0016). A question edited after it was copied is copied again only with ``--restart`` (the digest
shows the difference). A queued grade report keeps its due time; its try count and last error
are not copied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.questions import api as questions

from .repositories import AttemptRecord, AttemptRepository, get_assessment_repository, get_repository

__all__ = ["CopyReport", "Digest", "QuestionDigest", "copy_course", "copy_questions", "digest", "question_digest"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Digest:
    attempts: int
    responses: int
    sha256: str


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionDigest:
    questions: int
    versions: int
    sha256: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CopyReport:
    course_key: str
    source: str
    target: str
    resumed_after: int
    copied: int
    source_digest: Digest
    target_digest: Digest
    questions_resumed_after: int
    questions_copied: int
    source_questions: QuestionDigest
    target_questions: QuestionDigest
    #: Only the question bank was copied (the attempts stay where they are): the attempts' digests are not compared.
    questions_only: bool = False

    @property
    def verified(self) -> bool:
        attempts_match = self.questions_only or self.source_digest == self.target_digest
        return attempts_match and self.source_questions == self.target_questions

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verified": self.verified}


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return value.replace(microsecond=value.microsecond // 1000 * 1000).isoformat()
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return getattr(value, "value", value)


def _attempts(
    repository: AttemptRepository, assessment_ids: list[int], batch: int, after: int = 0
) -> Iterator[AttemptRecord]:
    while True:
        rows = repository.course_attempts(assessment_ids, after_id=after, limit=batch)
        if not rows:
            return
        yield from rows
        after = rows[-1].id


def digest(repository: AttemptRepository, assessment_ids: list[int], *, batch: int = 500) -> Digest:
    """Counts and a SHA-256 of the attempts (with responses) of these assessments, in id order."""
    total = hashlib.sha256()
    attempts = responses = 0
    for record in _attempts(repository, assessment_ids, batch):
        attempts += 1
        responses += len(record.responses)
        total.update(json.dumps(_canonical(asdict(record)), sort_keys=True, separators=(",", ":")).encode())
    return Digest(attempts=attempts, responses=responses, sha256=total.hexdigest())


def question_digest(repository: Any, course_key: CourseKey, *, batch: int = 500) -> QuestionDigest:
    """Counts and a SHA-256 of the course's questions (with every version), in id order."""
    total = hashlib.sha256()
    count = versions = after = 0
    while rows := repository.course_questions(course_key, after_id=after, limit=batch):
        for record in rows:
            count += 1
            versions += len(record.versions)
            canonical = _canonical(asdict(record))
            total.update(json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str).encode())
        after = rows[-1].question.id
    return QuestionDigest(questions=count, versions=versions, sha256=total.hexdigest())


def copy_questions(
    course_key: CourseKey,
    *,
    source: str,
    target: str,
    batch: int = 200,
    restart: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[int, int]:
    """Copy the course's questions; returns (resumed after id, questions copied)."""
    source_repository, target_repository = questions.question_repository(source), questions.question_repository(target)
    after = 0 if restart else target_repository.max_question_id(course_key)
    resumed_after, copied = after, 0
    while rows := source_repository.course_questions(course_key, after_id=after, limit=batch):
        copied += target_repository.put_questions(rows)
        after = rows[-1].question.id
        if progress is not None:
            progress("question", copied, after)
    return resumed_after, copied


def copy_course(
    course_key: CourseKey,
    *,
    source: str,
    target: str,
    batch: int = 200,
    restart: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    questions_only: bool = False,
) -> CopyReport:
    """
    Copy, then verify; ``progress("question" or "attempt", copied so far, last id)`` after each batch.

    ``questions_only`` copies the bank alone: a deployment whose attempts were already on MongoDB while its bank stayed
    in SQL (before ADR 0027) moves its bank with it.
    """
    if source == target:
        raise ValueError("The source and the target backend are the same.")
    questions_resumed_after, questions_copied = copy_questions(
        course_key, source=source, target=target, batch=batch, restart=restart, progress=progress
    )
    assessment_ids = get_assessment_repository().assessment_ids(course_key)
    source_repository, target_repository = get_repository(source), get_repository(target)
    after = 0 if restart else target_repository.max_attempt_id(assessment_ids)
    resumed_after, copied = after, 0
    while not questions_only:
        rows = source_repository.course_attempts(assessment_ids, after_id=after, limit=batch)
        if not rows:
            break
        copied += target_repository.put_attempts(rows)
        after = rows[-1].id
        if progress is not None:
            progress("attempt", copied, after)
    return CopyReport(
        course_key=str(course_key),
        source=source,
        target=target,
        resumed_after=resumed_after,
        copied=copied,
        source_digest=digest(source_repository, assessment_ids),
        target_digest=digest(target_repository, assessment_ids),
        questions_resumed_after=questions_resumed_after,
        questions_copied=questions_copied,
        source_questions=question_digest(questions.question_repository(source), course_key),
        target_questions=question_digest(questions.question_repository(target), course_key),
        questions_only=questions_only,
    )
