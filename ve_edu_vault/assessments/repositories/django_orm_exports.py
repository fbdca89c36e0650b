"""
The ORM backend's export pages: keyset pagination on the primary key over a plain cursor (the export's fast path).

TLDR: one bounded query per page, on every database, no server-side state; rows come from a raw cursor as tuples and
leave as named tuples (``data_stats.AttemptRow``/``ResponseRow``: a tuple subclass, so the export pays almost nothing
per row). Moved here from ``analytics/store.py`` (ADR 0028) with the same queries; the export benchmark
(``bench/bench_export.py``) measures it against a raw cursor (ADR 0018).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from ..data_stats import EVERY_FINISHED, AttemptRow, ExportFilter, ResponseRow
from ..models import Attempt, Response
from .django_orm_stats import selected_attempts

__all__ = ["EXPORT_BATCH", "attempt_pages", "count_export", "response_pages"]

#: Rows read per query by the export iterators (keyset pagination on the primary key).
EXPORT_BATCH = 1000  # under MariaDB's in_predicate_conversion_threshold (1000)

_ATTEMPT_FIELDS = AttemptRow._fields
_MARK = -7_340_211  # a pk bound no other parameter can equal, found in the compiled query's parameters
_RESPONSE_SQL = (
    "SELECT id, attempt_id, question_id, question_version_id, position, score, points, correct, tries_used, "
    "hints_shown, graded_at FROM {table} WHERE attempt_id IN ({marks}) ORDER BY attempt_id, position"
)
_new = tuple.__new__


def _export_attempts(assessment_id: int, where: ExportFilter) -> QuerySet[Attempt]:
    """Finished attempts of one assessment submitted in [since, until); one per learner if asked."""
    if where.choice == "all":
        attempts = Attempt.objects.filter(assessment_id=assessment_id).exclude(state=Attempt.IN_PROGRESS)
    else:
        attempts = selected_attempts(assessment_id, where.choice)
    if where.since is not None:
        attempts = attempts.filter(submitted_at__gte=where.since)
    if where.until is not None:
        attempts = attempts.filter(submitted_at__lt=where.until)
    return attempts


def _raw(sql: str, params: Any) -> list[tuple[Any, ...]]:
    """Rows of one query through a plain cursor: the export's fast path (no per-value converters of the ORM)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _normalise(
    rows: list[tuple[Any, ...]], dates: tuple[int, ...] = (), bools: tuple[int, ...] = ()
) -> list[tuple[Any, ...]]:
    """
    Raw values as the ORM would give them, where the backends differ: SQLite gives date-times as text (parsed
    here), MariaDB/MySQL and SQLite booleans as 1/0 (made booleans). MariaDB's naive date-times (UTC, as Django
    stores them with ``USE_TZ``) and PostgreSQL's aware ones are left as they are (``exports`` writes naive ones as
    UTC).
    """
    vendor = connection.vendor
    columns = dates + bools if vendor == "sqlite" else bools if vendor == "mysql" else ()
    if not columns or not rows:
        return rows
    fixed = []
    for row in rows:
        values = list(row)
        for index in columns:
            value = values[index]
            if isinstance(value, int) and not isinstance(value, bool):
                values[index] = bool(value)
            elif isinstance(value, str):
                values[index] = datetime.fromisoformat(value)
        fixed.append(tuple(values))
    return fixed


def _attempt_page_queries(
    assessment_ids: Sequence[int], fields: tuple[str, ...], where: ExportFilter, batch: int
) -> Iterator[tuple[Any, ...]]:
    """Per assessment, the keyset page query (``id > last ORDER BY id LIMIT batch``) as (assessment, SQL, params)."""
    for assessment_id in assessment_ids:
        query = _export_attempts(assessment_id, where).filter(pk__gt=_MARK).order_by("pk")
        sql, params = query.values_list(*fields)[:batch].query.sql_with_params()
        yield assessment_id, sql, params


def _keyset_pages(
    sql: str, params: tuple[Any, ...], batch: int, dates: tuple[int, ...], bools: tuple[int, ...] = ()
) -> Iterator[list[tuple[Any, ...]]]:
    """Pages of a compiled ``pk > MARK ... LIMIT batch`` query, the mark replaced by the last id of the page before."""
    values = list(params)
    index = values.index(_MARK)
    values[index] = 0
    while True:
        page = _normalise(_raw(sql, values), dates, bools)
        if page:
            yield page
        if len(page) < batch:
            return
        values[index] = page[-1][0]


def attempt_pages(
    assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = EXPORT_BATCH
) -> Iterator[list[AttemptRow]]:
    """
    Pages of attempt rows, assessment by assessment in id order, constant memory whatever the size: each page is
    ``assessment_id = A AND id > last ORDER BY id LIMIT batch``, a range of the (assessment, user, number) index's
    prefix and the primary key, so no page sorts or skips the rows before it.
    """
    for _aid, sql, params in _attempt_page_queries(assessment_ids, _ATTEMPT_FIELDS, where, batch):
        for page in _keyset_pages(sql, params, batch, (5, 6, 7), (11,)):
            yield [_new(AttemptRow, row) for row in page]


def response_pages(
    assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED, *, batch: int = EXPORT_BATCH
) -> Iterator[list[ResponseRow]]:
    """
    Pages of response rows of the exported attempts, ordered by attempt and position: a page of attempts (as
    ``attempt_pages``, only the columns a response row needs), then their responses through the (attempt, position)
    unique index, from the response table alone. Joined to the few question versions, MariaDB drove the query from
    those and sorted every response of each version for each page; the caller maps version ids to numbers. Both
    queries are compiled once and run on a plain cursor (the ORM's per-value converters and per-page query building
    were most of the time).
    """
    fields = ("id", "assessment_id", "user_id", "submitted_at")
    table = connection.ops.quote_name(Response._meta.db_table)
    for _aid, sql, params in _attempt_page_queries(assessment_ids, fields, where, batch):
        for attempts in _keyset_pages(sql, params, batch, (3,)):
            by_id = {row[0]: row for row in attempts}
            marks = ", ".join(["%s"] * len(by_id))
            responses = _normalise(_raw(_RESPONSE_SQL.format(table=table, marks=marks), list(by_id)), (10,), (7,))
            page = []
            for rid, aid, qid, vid, position, score, points, correct, tries, hints, graded in responses:
                attempt = by_id[aid]
                page.append(
                    _new(ResponseRow, (rid, aid, attempt[1], attempt[2], qid, vid, position, score, points, correct,
                                       tries, hints, attempt[3], graded))
                )  # fmt: skip
            if page:
                yield page


def count_export(assessment_ids: Sequence[int], where: ExportFilter = EVERY_FINISHED) -> tuple[int, int]:
    """How many attempts and responses the pages above yield (a progress bar's total)."""
    attempts = responses = 0
    for aid in assessment_ids:
        chosen = _export_attempts(aid, where)
        attempts += chosen.count()
        responses += Response.objects.filter(attempt__in=chosen).count()
    return attempts, responses
