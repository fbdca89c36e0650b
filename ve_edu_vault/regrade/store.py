"""
The regrade applet's storage: its runs and items (ORM by design), behind functions taking and returning frozen data.

TLDR: the only module of the applet that touches ``regrade.models`` or the database. The responses and attempts a
run regrades are the assessments applet's and are reached through its repository, never here. Items are written
with one multi-row INSERT per batch (``prepared_queries.insert_rows``) from the rows the batch already read: a
million model instances would cost more than the whole regrade.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.assessments.api import NewGrade, RegradeRow
from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.prepared_queries import insert_rows

from .data import RegradeRunData
from .models import RegradeItem, RegradeRun

__all__ = ["StoredRun", "attempt_ids", "create_run", "get_run", "list_runs", "record_items", "update_run", "username"]

#: The run fields ``update_run`` may change.
RUN_FIELDS = frozenset(
    {"status", "dry_run", "total", "done", "changed", "cursor", "report", "error", "started_at", "finished_at"}
)


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredRun:
    """A run with its cursor (the last response id regraded; responses go in id order)."""

    data: RegradeRunData
    cursor: int


def _stored(row: RegradeRun) -> StoredRun:
    data = RegradeRunData(
        id=row.pk,
        course_key=row.course_key,
        question_id=row.question_id,
        to_version_id=row.to_version_id,
        from_version_ids=tuple(row.from_version_ids),
        status=row.status,
        dry_run=row.dry_run,
        batch_size=row.batch_size,
        total=row.total,
        done=row.done,
        changed=row.changed,
        report=row.report,
        error=row.error,
        requested_by_id=row.requested_by_id,
        created=row.created,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
    return StoredRun(data=data, cursor=row.cursor)


def create_run(
    *,
    course_key: CourseKey,
    question_id: int,
    to_version_id: int,
    from_version_ids: Sequence[int],
    status: str,
    batch_size: int,
    requested_by_id: int | None,
) -> StoredRun:
    row = RegradeRun.objects.create(
        course_key=course_key,
        question_id=question_id,
        to_version_id=to_version_id,
        from_version_ids=list(from_version_ids),
        status=status,
        dry_run=True,
        batch_size=batch_size,
        requested_by_id=requested_by_id,
    )
    return _stored(row)


def get_run(run_id: int, course_key: CourseKey | None = None, *, lock: bool = False) -> StoredRun:
    """The run (``lock``: its row held until the transaction ends); a 404 if absent or of another course."""
    rows = RegradeRun.objects.select_for_update() if lock else RegradeRun.objects.all()
    row = rows.filter(pk=run_id).first()
    if row is None or (course_key is not None and row.course_key != course_key):
        raise NotFoundError(f"No regrade {run_id}.")
    return _stored(row)


def update_run(run_id: int, **fields: Any) -> None:
    unknown = set(fields) - RUN_FIELDS
    if unknown:
        raise ValueError(f"Cannot update {sorted(unknown)}.")
    RegradeRun.objects.filter(pk=run_id).update(**fields, modified=timezone.now())


def list_runs(course_key: CourseKey, *, question_id: int | None = None) -> list[RegradeRunData]:
    rows = RegradeRun.objects.filter(course_key=course_key).order_by("-created", "-pk")
    if question_id is not None:
        rows = rows.filter(question_id=question_id)
    return [_stored(row).data for row in rows]


def record_items(run_id: int, rows: Sequence[RegradeRow], grades: Sequence[NewGrade]) -> int:
    """One ``RegradeItem`` per response: its grade before (``rows``, read before the write) and after."""
    by_id = {row.id: row for row in rows}
    return insert_rows(
        RegradeItem,
        [
            {
                "run_id": run_id,
                "response_id": grade.response_id,
                "attempt_id": by_id[grade.response_id].attempt_id,
                "from_version_id": by_id[grade.response_id].question_version_id,
                "old_raw_score": by_id[grade.response_id].raw_score,
                "old_score": by_id[grade.response_id].score,
                "old_correct": by_id[grade.response_id].correct,
                "new_raw_score": grade.raw_score,
                "new_score": grade.score,
                "new_correct": grade.correct,
            }
            for grade in grades
        ],
    )


def attempt_ids(run_id: int) -> list[int]:
    """The attempts whose responses the run regraded."""
    return list(RegradeItem.objects.filter(run_id=run_id).values_list("attempt_id", flat=True).distinct())


def username(user_id: int) -> str:
    found = get_user_model().objects.filter(pk=user_id).values_list("username", flat=True).first()
    return str(found or "")
