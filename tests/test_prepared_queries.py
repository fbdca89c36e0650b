"""
Prepared queries (compiled once per connection) answer exactly as the ORM query they stand for.

Run on every database of ``make test``: the converters (JSON, aware datetimes, MySQL booleans,
opaque keys) are the database's own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.assessments.models import Assessment
from ve_edu_vault.prepared_queries import PreparedQuery, update_row

pytestmark = pytest.mark.django_db

COURSE = CourseKey.from_string("course-v1:VE+Prepared+2026")
COLUMNS = ("id", "course_key", "title", "config", "archived", "archived_at", "created")


def _assessments(count: int) -> list[Assessment]:
    return [
        Assessment.objects.create(
            course_key=COURSE,
            title=f"A{index}",
            config={"n": index, "nested": {"ok": True}},
            archived=bool(index % 2),
            archived_at=datetime(2026, 1, 1, 10, index, tzinfo=UTC) if index % 2 else None,
        )
        for index in range(count)
    ]


BY_ID = PreparedQuery(lambda assessment_id: Assessment.objects.filter(pk=assessment_id).values_list(*COLUMNS))
BY_IDS = PreparedQuery(
    lambda assessment_ids: Assessment.objects.filter(pk__in=assessment_ids).order_by("pk").values_list(*COLUMNS)
)


def _orm(**filters: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in Assessment.objects.filter(**filters).order_by("pk").values_list(*COLUMNS)]


def test_rows_equal_the_orm_rows_with_converted_values() -> None:
    rows = _assessments(3)
    for row in rows:
        got = BY_ID.first(assessment_id=row.pk)
        assert got == _orm(pk=row.pk)[0]
    got = BY_ID.first(assessment_id=rows[1].pk)
    assert got is not None
    # Converted as the ORM converts: opaque key, JSON, real booleans, aware datetimes.
    assert got[1] == COURSE and isinstance(got[1], CourseKey)
    assert got[3] == {"n": 1, "nested": {"ok": True}}
    assert got[4] is True
    assert got[5] == datetime(2026, 1, 1, 10, 1, tzinfo=UTC) and got[5].utcoffset() == timedelta(0)


def test_a_missing_id_gives_no_row() -> None:
    _assessments(1)
    assert BY_ID.first(assessment_id=987_654_321) is None
    assert BY_ID.rows(assessment_id=987_654_321) == []


def test_compiled_once_per_connection_then_one_statement_per_call() -> None:
    rows = _assessments(2)
    BY_ID.first(assessment_id=rows[0].pk)
    cache = connections[DEFAULT_DB_ALIAS].__dict__["_ve_edu_vault_prepared"]
    entries = len(cache)
    expected = _orm(pk=rows[1].pk)[0]
    with CaptureQueriesContext(connection) as queries:
        assert BY_ID.first(assessment_id=rows[1].pk) == expected
    assert len(queries.captured_queries) == 1
    assert len(cache) == entries  # nothing compiled again
    # The real id is sent, never a stand-in.
    assert str(rows[1].pk) in queries.captured_queries[0]["sql"]
    assert "-4503599627" not in queries.captured_queries[0]["sql"]


def test_list_arguments_compile_per_length_and_match_the_orm() -> None:
    rows = _assessments(5)
    ids = [row.pk for row in rows]
    for chosen in (ids[:1], ids[1:3], ids[2:5], [ids[4], ids[0]], ids):
        assert BY_IDS.rows(assessment_ids=chosen) == _orm(pk__in=chosen)


def test_an_empty_list_runs_through_the_orm() -> None:
    _assessments(1)
    with CaptureQueriesContext(connection) as queries:
        assert BY_IDS.rows(assessment_ids=[]) == []
    assert queries.captured_queries == []  # the ORM knows `IN ()` matches nothing


def test_a_query_that_does_not_use_its_argument_as_a_parameter_falls_back_to_the_orm() -> None:
    rows = _assessments(2)
    ignoring = PreparedQuery(lambda assessment_id: Assessment.objects.order_by("pk").values_list("id"))
    assert ignoring.rows(assessment_id=rows[0].pk) == [(row.pk,) for row in rows]
    assert ignoring.rows(assessment_id=rows[1].pk) == [(row.pk,) for row in rows]


def test_constant_parameters_stay_in_place() -> None:
    rows = _assessments(4)
    archived = PreparedQuery(
        lambda assessment_ids: (
            Assessment.objects.filter(pk__in=assessment_ids, archived=True, title__startswith="A")
            .order_by("pk")
            .values_list("id")
        )
    )
    ids = [row.pk for row in rows]
    assert archived.rows(assessment_ids=ids) == [(row.pk,) for row in rows if row.archived]


def test_select_for_update_compiles_inside_a_transaction() -> None:
    rows = _assessments(1)
    locked = PreparedQuery(
        lambda assessment_id: Assessment.objects.filter(pk=assessment_id).select_for_update().values_list("id")
    )
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert locked.first(assessment_id=rows[0].pk) == (rows[0].pk,)
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in queries.captured_queries[-1]["sql"].upper()


def test_update_row_adapts_values_like_save() -> None:
    row = _assessments(1)[0]
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    matched = update_row(Assessment, row.pk, {"config": {"a": [1, 2]}, "archived": True, "archived_at": when})
    assert matched == 1
    row.refresh_from_db()
    assert row.config == {"a": [1, 2]} and row.archived is True and row.archived_at == when


def test_update_row_of_a_missing_row_matches_nothing() -> None:
    _assessments(1)
    assert update_row(Assessment, 987_654_321, {"title": "x"}) == 0


def test_update_row_counts_a_matched_row_even_when_nothing_changes() -> None:
    row = _assessments(1)[0]
    assert update_row(Assessment, row.pk, {"title": row.title}) == 1
