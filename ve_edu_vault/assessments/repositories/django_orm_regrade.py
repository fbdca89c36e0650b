"""
The Django ORM backend's bulk regrade: set-based reads and writes of responses and attempt totals.

TLDR: part of the ORM repository (``DjangoAttemptRepository`` delegates here). Plain SQL with
``IN (%s, ...)``, not ``QuerySet.update``: Django compiles an ``id__in`` of thousands of ids lookup
by lookup, which was a fifth of a million-response regrade (``bench/bench_regrade.py``). One UPDATE
per group of identical new values, not one save per row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ..models import Attempt, Response
from .base import AttemptTotalsUpdate, NewGrade, RegradeRow, ResponseScore

__all__ = [
    "attempt_owners",
    "regrade_count",
    "regrade_rows",
    "response_scores",
    "write_attempt_totals",
    "write_regrades",
]

_ROW_FIELDS = (
    "id",
    "attempt_id",
    "attempt__user_id",
    "attempt__assessment_id",
    "question_version_id",
    "tries_used",
    "hints_shown",
    "raw_score",
    "score",
    "correct",
    "answer_text",
)
#: Ids per statement of the chunked reads (a regrade may touch millions of attempts).
CHUNK = 10000


def _affected(version_ids: Sequence[int]) -> QuerySet[Response]:
    return Response.objects.filter(question_version_id__in=list(version_ids), attempt__state=Attempt.GRADED)


def regrade_count(version_ids: Sequence[int], *, after_id: int = 0) -> int:
    return int(_affected(version_ids).filter(id__gt=after_id).count())


def _decoded(text: str | None, cache: dict[str | None, Any]) -> Any:
    if text not in cache:
        cache[text] = None if text is None else json.loads(text)
    return cache[text]


def regrade_rows(
    version_ids: Sequence[int], *, after_id: int, limit: int, decoded: dict[str | None, Any] | None = None
) -> list[RegradeRow]:
    """
    Answers are read as text and decoded once per distinct text: a million learners give a handful of distinct
    answers, and JSON decoding per row was a third of the run's time. The stored feedback is not read.
    """
    decoded = {} if decoded is None else decoded
    values = (
        _affected(version_ids)
        .filter(id__gt=after_id)
        .annotate(answer_text=Cast("answer", TextField()))
        .order_by("id")
        .values_list(*_ROW_FIELDS)[:limit]
    )
    return [
        RegradeRow(
            id=row[0],
            attempt_id=row[1],
            user_id=row[2],
            assessment_id=row[3],
            question_version_id=row[4],
            tries_used=row[5],
            hints_shown=row[6],
            raw_score=row[7],
            score=row[8],
            correct=row[9],
            answer=_decoded(row[10], decoded),
            answer_key=row[10] or "null",
        )
        for row in values
    ]


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def write_regrades(grades: Iterable[NewGrade]) -> int:
    groups: dict[tuple[float, float, bool, str], list[int]] = {}
    for grade in grades:
        groups.setdefault((grade.raw_score, grade.score, grade.correct, _json(grade.feedback)), []).append(
            grade.response_id
        )
    now = timezone.now()
    table = Response._meta.db_table
    as_json = "::jsonb" if connection.vendor == "postgresql" else ""
    written = 0
    with connection.cursor() as cursor:
        for (raw, score, correct, feedback), ids in groups.items():
            cursor.execute(
                f"UPDATE {table} SET raw_score = %s, score = %s, correct = %s, feedback = %s{as_json}, "  # noqa: S608
                f"modified = %s WHERE id IN ({_marks(len(ids))})",
                [raw, score, correct, feedback, now, *ids],
            )
            written += cursor.rowcount
    return written


def response_scores(attempt_ids: Iterable[int]) -> list[ResponseScore]:
    ids = sorted(set(attempt_ids))
    result: list[ResponseScore] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor.execute(
                f"SELECT id, attempt_id, score, points FROM {Response._meta.db_table} "  # noqa: S608
                f"WHERE attempt_id IN ({_marks(len(chunk))})",
                chunk,
            )
            result.extend(
                ResponseScore(id=response_id, attempt_id=attempt_id, score=score, points=points)
                for response_id, attempt_id, score, points in cursor.fetchall()
            )
    return result


def attempt_owners(attempt_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    ids = sorted(set(attempt_ids))
    owners: dict[int, tuple[int, int]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = Attempt.objects.filter(id__in=ids[start : start + CHUNK]).values_list("id", "assessment_id", "user_id")
        owners.update({attempt_id: (assessment_id, user_id) for attempt_id, assessment_id, user_id in rows})
    return owners


def write_attempt_totals(totals: Iterable[AttemptTotalsUpdate]) -> int:
    groups: dict[tuple[float, float, float, bool, bool], list[int]] = {}
    for item in totals:
        groups.setdefault((item.earned, item.possible, item.score, item.passed, item.report), []).append(
            item.attempt_id
        )
    now = timezone.now()
    written = 0
    with connection.cursor() as cursor:
        for (earned, possible, score, passed, report), ids in groups.items():
            queue = ", report_due_at = %s" if report else ""
            cursor.execute(
                f"UPDATE {Attempt._meta.db_table} SET earned = %s, possible = %s, score = %s, passed = %s, "  # noqa: S608
                f"modified = %s{queue} WHERE id IN ({_marks(len(ids))})",
                [earned, possible, score, passed, now, *([now] if report else []), *ids],
            )
            written += cursor.rowcount
    return written
