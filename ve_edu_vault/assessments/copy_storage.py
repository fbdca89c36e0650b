"""
Copy a course's attempts and responses from one storage backend to the other, verified by counts and checksums.

TLDR: what ``vault_copy_storage`` runs. Attempts are read in id order from the source repository in batches and
stored in the target with their ids (``put_attempts`` replaces an attempt already there), so a copy interrupted
at any point is resumed by running it again: it continues after the highest attempt id of the course in the
target (``--restart`` copies from the start). Then both sides are read again and compared: the number of attempts
and responses and a SHA-256 over every attempt with its responses in a canonical form (dates in UTC to the
millisecond, the precision MongoDB keeps). Question banks and assessments are not copied: they are in the SQL
database with either backend (ADR 0016). A queued grade report keeps its due time; its try count and last error
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

from .repositories import AttemptRecord, AttemptRepository, get_assessment_repository, get_repository

__all__ = ["CopyReport", "Digest", "copy_course", "digest"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Digest:
    attempts: int
    responses: int
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

    @property
    def verified(self) -> bool:
        return self.source_digest == self.target_digest

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


def copy_course(
    course_key: CourseKey,
    *,
    source: str,
    target: str,
    batch: int = 200,
    restart: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> CopyReport:
    """Copy, then verify; ``progress(copied so far, last attempt id)`` after each batch."""
    if source == target:
        raise ValueError("The source and the target backend are the same.")
    assessment_ids = get_assessment_repository().assessment_ids(course_key)
    source_repository, target_repository = get_repository(source), get_repository(target)
    after = 0 if restart else target_repository.max_attempt_id(assessment_ids)
    resumed_after, copied = after, 0
    while True:
        rows = source_repository.course_attempts(assessment_ids, after_id=after, limit=batch)
        if not rows:
            break
        copied += target_repository.put_attempts(rows)
        after = rows[-1].id
        if progress is not None:
            progress(copied, after)
    return CopyReport(
        course_key=str(course_key),
        source=source,
        target=target,
        resumed_after=resumed_after,
        copied=copied,
        source_digest=digest(source_repository, assessment_ids),
        target_digest=digest(target_repository, assessment_ids),
    )
