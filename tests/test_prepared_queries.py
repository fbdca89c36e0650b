"""
Prepared queries (compiled once per connection) answer exactly as the ORM query they stand for.

Run on every database of ``make test``: the converters (JSON, aware datetimes, MySQL booleans,
opaque keys) are the database's own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone as django_timezone
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault import prepared_queries
from ve_edu_vault.assessments.models import Assessment
from ve_edu_vault.prepared_queries import PreparedQuery, insert_rows, update_row, update_rows

pytestmark = pytest.mark.django_db

COURSE = CourseKey.from_string("course-v1:VE+Prepared+2026")
OTHER_COURSE = CourseKey.from_string("course-v1:VE+Other+2027")
# Differs from COURSE only by case: the column collation ignores case on SQLite and MySQL, Python does not.
COURSE_OTHER_CASE = CourseKey.from_string("course-v1:VE+prepared+2026")
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


def _statements(queries: CaptureQueriesContext, verb: str) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if query["sql"].lstrip().upper().startswith(verb)]


def test_prepared_query_reads_the_same_course_key_of_two_rows_as_equal_keys_and_a_third_key_as_itself() -> None:
    rows = _assessments(2)
    third = Assessment.objects.create(course_key=OTHER_COURSE, title="other", config={})
    fourth = Assessment.objects.create(course_key=COURSE_OTHER_CASE, title="case", config={})
    ids = [rows[0].pk, rows[1].pk, third.pk, fourth.pk]
    # One call: the same converters (and key memo) convert every row.
    got = BY_IDS.rows(assessment_ids=ids)
    assert [row[0] for row in got] == ids
    keys = [row[1] for row in got]
    assert all(type(key) is type(COURSE) for key in keys)
    assert keys[0] == COURSE and keys[1] == COURSE
    assert keys[2] == OTHER_COURSE and keys[2] != COURSE
    assert keys[3] == COURSE_OTHER_CASE and keys[3] != COURSE
    assert str(keys[3]) == "course-v1:VE+prepared+2026"
    # Separate calls on the same connection reuse the compiled query (and its memo): still the right keys.
    for pk, expected in ((third.pk, OTHER_COURSE), (rows[1].pk, COURSE), (fourth.pk, COURSE_OTHER_CASE)):
        one = BY_ID.first(assessment_id=pk)
        assert one is not None
        assert one[1] == expected and isinstance(one[1], CourseKey)
        assert str(one[1]) == str(expected)
    assert BY_IDS.rows(assessment_ids=ids) == _orm(pk__in=ids)


def test_update_rows_writes_several_rows_in_one_statement_adapted_like_save() -> None:
    rows = _assessments(4)
    untouched = _orm(pk=rows[3].pk)
    plus_two = timezone(timedelta(hours=2))
    updates = [
        (
            rows[0].pk,
            {
                "title": "first",
                "config": {"a": [1, 2]},
                "archived": True,
                "archived_at": datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
            },
        ),
        (rows[1].pk, {"title": "second", "config": {}, "archived": False, "archived_at": None}),
        (
            rows[2].pk,
            {
                "title": "third",
                "config": {"b": {"c": None}},
                "archived": True,
                "archived_at": datetime(2026, 5, 6, 9, 0, tzinfo=plus_two),
            },
        ),
    ]
    with CaptureQueriesContext(connection) as queries:
        matched = update_rows(Assessment, updates)
    assert matched == 3
    assert len(queries.captured_queries) == 1
    assert len(_statements(queries, "UPDATE")) == 1
    for row in rows:
        row.refresh_from_db()
    assert (rows[0].title, rows[0].config, rows[0].archived) == ("first", {"a": [1, 2]}, True)
    assert rows[0].archived_at == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert rows[0].archived_at.utcoffset() == timedelta(0)
    assert (rows[1].title, rows[1].config, rows[1].archived, rows[1].archived_at) == ("second", {}, False, None)
    assert (rows[2].title, rows[2].config, rows[2].archived) == ("third", {"b": {"c": None}}, True)
    assert rows[2].archived_at == datetime(2026, 5, 6, 7, 0, tzinfo=UTC)
    # Fields not named keep their values; the row not named is untouched.
    assert rows[0].course_key == COURSE and rows[2].course_key == COURSE
    assert _orm(pk=rows[3].pk) == untouched
    assert (rows[3].title, rows[3].config, rows[3].archived) == ("A3", {"n": 3, "nested": {"ok": True}}, True)


def test_update_rows_counts_only_the_rows_that_exist() -> None:
    rows = _assessments(3)
    updates = [(rows[0].pk, {"title": "x0"}), (987_654_321, {"title": "missing"}), (rows[2].pk, {"title": "x2"})]
    assert update_rows(Assessment, updates) == 2
    assert list(Assessment.objects.order_by("pk").values_list("title", flat=True)) == ["x0", "A1", "x2"]
    assert not Assessment.objects.filter(pk=987_654_321).exists()


def test_update_rows_counts_matched_rows_even_when_nothing_changes() -> None:
    rows = _assessments(2)
    assert update_rows(Assessment, [(row.pk, {"title": row.title}) for row in rows]) == 2


def test_update_rows_accepts_the_same_fields_in_another_order() -> None:
    rows = _assessments(2)
    updates = [(rows[0].pk, {"title": "t0", "archived": False}), (rows[1].pk, {"archived": False, "title": "t1"})]
    assert update_rows(Assessment, updates) == 2
    assert list(Assessment.objects.order_by("pk").values_list("title", "archived")) == [("t0", False), ("t1", False)]


def test_update_rows_of_one_row_delegates_to_update_row(monkeypatch: pytest.MonkeyPatch) -> None:
    row = _assessments(1)[0]
    calls: list[tuple[Any, ...]] = []
    real = prepared_queries.update_row

    def spy(model: Any, pk: int, values: Any) -> int:
        calls.append((model, pk, dict(values)))
        return real(model, pk, values)

    monkeypatch.setattr(prepared_queries, "update_row", spy)
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(Assessment, [(row.pk, {"title": "alone", "archived": False})]) == 1
    assert calls == [(Assessment, row.pk, {"title": "alone", "archived": False})]
    assert len(queries.captured_queries) == 1
    assert "CASE" not in queries.captured_queries[0]["sql"].upper()
    row.refresh_from_db()
    assert (row.title, row.archived) == ("alone", False)


def test_update_rows_naming_different_fields_raises_and_writes_nothing() -> None:
    rows = _assessments(2)
    before = _orm()
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValueError, match="same fields"):
        update_rows(Assessment, [(rows[0].pk, {"title": "x"}), (rows[1].pk, {"title": "y", "archived": False})])
    with pytest.raises(ValueError, match="same fields"):
        update_rows(Assessment, [(rows[0].pk, {"title": "x"}), (rows[1].pk, {"archived": False})])
    assert queries.captured_queries == []
    assert _orm() == before


def test_update_rows_of_nothing_returns_zero_without_a_query() -> None:
    _assessments(1)
    with CaptureQueriesContext(connection) as queries:
        assert update_rows(Assessment, []) == 0
    assert queries.captured_queries == []


def test_insert_rows_writes_several_rows_in_one_statement_with_defaults_and_dates(make_user: Any) -> None:
    user = make_user()
    rows = [
        {"course_key": COURSE, "title": "i0", "config": {"k": [1]}, "archived": True, "created_by_id": user.pk},
        {"course_key": OTHER_COURSE, "title": "i1", "created_by": user.pk},
        {"course_key": COURSE, "title": "i2", "archived_at": datetime(2026, 2, 3, 4, 5, tzinfo=UTC)},
        {"course_key": COURSE, "title": "i3"},
    ]
    before = django_timezone.now()
    with CaptureQueriesContext(connection) as queries:
        inserted = insert_rows(Assessment, rows)
    after = django_timezone.now()
    assert inserted == 4
    assert len(queries.captured_queries) == 1
    assert len(_statements(queries, "INSERT")) == 1
    got = {row.title: row for row in Assessment.objects.order_by("pk")}
    assert list(got) == ["i0", "i1", "i2", "i3"]
    assert [got[title].course_key for title in got] == [COURSE, OTHER_COURSE, COURSE, COURSE]
    assert all(isinstance(got[title].course_key, CourseKey) for title in got)
    assert [got[title].config for title in got] == [{"k": [1]}, {}, {}, {}]
    assert [got[title].archived for title in got] == [True, False, False, False]
    assert [got[title].archived_at for title in got] == [None, None, datetime(2026, 2, 3, 4, 5, tzinfo=UTC), None]
    assert [got[title].created_by_id for title in got] == [user.pk, user.pk, None, None]
    assert [got[title].node_id for title in got] == [None, None, None, None]
    for row in got.values():
        assert row.created is not None and row.modified is not None
        assert before <= row.created <= after
        assert row.modified == row.created
        assert row.created.utcoffset() == timedelta(0)


def test_insert_rows_takes_a_foreign_key_by_name_as_a_model_instance_like_bulk_create(make_user: Any) -> None:
    # ``bulk_create`` (whose filling ``insert_rows`` mirrors) takes ``created_by=<User>``; so must a row by field name.
    user = make_user()
    assert insert_rows(Assessment, [{"course_key": COURSE, "title": "by-instance", "created_by": user}]) == 1
    assert Assessment.objects.get(title="by-instance").created_by_id == user.pk


def test_insert_rows_writes_a_repeated_course_key_on_every_row() -> None:
    keys = [COURSE, OTHER_COURSE, COURSE, COURSE_OTHER_CASE, OTHER_COURSE, COURSE]
    assert insert_rows(Assessment, [{"course_key": key, "title": f"k{index}"} for index, key in enumerate(keys)]) == 6
    stored = list(Assessment.objects.order_by("pk").values_list("title", "course_key"))
    assert stored == [(f"k{index}", key) for index, key in enumerate(keys)]
    assert [str(key) for _title, key in stored] == [str(key) for key in keys]
    assert Assessment.objects.filter(course_key=OTHER_COURSE).count() == 2


def test_insert_rows_then_prepared_query_reads_them_like_the_orm() -> None:
    assert insert_rows(Assessment, [{"course_key": COURSE, "title": f"p{index}"} for index in range(3)]) == 3
    ids = list(Assessment.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 3
    assert BY_IDS.rows(assessment_ids=ids) == _orm(pk__in=ids)


def test_insert_rows_of_nothing_returns_zero_without_a_query() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Assessment, []) == 0
    assert queries.captured_queries == []
    assert not Assessment.objects.exists()


def test_insert_rows_refuses_a_name_the_model_does_not_have() -> None:
    from django.core.exceptions import FieldDoesNotExist

    with CaptureQueriesContext(connection) as queries, pytest.raises(FieldDoesNotExist, match="tittle"):
        insert_rows(Assessment, [{"course_key": COURSE, "tittle": "typo"}])
    assert queries.captured_queries == []


def test_many_rows_are_written_in_batches_the_database_accepts() -> None:
    """
    Rows beyond the database's batch size (Django's ``bulk_batch_size``: 999 parameters per statement on
    SQLite, whose builds differ in the real limit) are split into several statements: all written, counts summed.
    """
    count = 7000  # x 9 columns: 64 INSERTs on SQLite; one statement elsewhere
    inserted = insert_rows(Assessment, [{"course_key": COURSE, "title": f"bulk-{index}"} for index in range(count)])
    assert inserted == count
    rows = list(Assessment.objects.filter(title__startswith="bulk-").order_by("pk").values_list("pk", flat=True))
    assert len(rows) == count
    matched = update_rows(Assessment, [(pk, {"title": f"moved-{pk}", "archived": True}) for pk in rows])
    assert matched == count
    assert Assessment.objects.filter(title__startswith="moved-", archived=True).count() == count


def test_batches_follow_the_database_batch_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a batch size of 2 rows, 5 rows take 3 statements of each kind."""
    monkeypatch.setattr(type(connection.ops), "bulk_batch_size", lambda self, fields, objs: 2)
    with CaptureQueriesContext(connection) as inserts:
        assert insert_rows(Assessment, [{"course_key": COURSE, "title": f"b{index}"} for index in range(5)]) == 5
    assert len(inserts.captured_queries) == 3
    pks = list(Assessment.objects.filter(title__startswith="b").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as updates:
        assert update_rows(Assessment, [(pk, {"archived": True}) for pk in pks]) == 5
    assert len(updates.captured_queries) == 3
    assert Assessment.objects.filter(archived=True).count() == 5


# A one-to-many join read from the "one" side: the assessment's columns repeat on each accommodation's row.
WITH_ACCOMMODATIONS = PreparedQuery(
    lambda assessment_id: (
        Assessment.objects.filter(pk=assessment_id)
        .order_by("accommodations__extra_minutes")
        .values_list(*COLUMNS, "accommodations__extra_minutes", "accommodations__modified")
    ),
    shared_prefix=len(COLUMNS),
)


def _with_accommodations_orm(assessment_id: int) -> list[tuple[Any, ...]]:
    rows = Assessment.objects.filter(pk=assessment_id).order_by("accommodations__extra_minutes")
    return [
        tuple(row) for row in rows.values_list(*COLUMNS, "accommodations__extra_minutes", "accommodations__modified")
    ]


def test_a_shared_prefix_is_converted_once_and_every_row_equals_the_orm_row(make_user: Any) -> None:
    from ve_edu_vault.assessments.models import Accommodation

    assessment = _assessments(1)[0]
    for index in range(3):
        Accommodation.objects.create(assessment=assessment, user=make_user(f"learner{index}"), extra_minutes=index * 5)
    got = WITH_ACCOMMODATIONS.rows(assessment_id=assessment.pk)
    assert got == _with_accommodations_orm(assessment.pk)
    assert [row[len(COLUMNS)] for row in got] == [0, 5, 10]
    assert all(isinstance(row[-1], datetime) and row[-1].utcoffset() == timedelta(0) for row in got)  # tails converted
    # The shared columns were converted once: every row holds the first row's config and key objects.
    assert all(row[3] is got[0][3] and row[1] is got[0][1] for row in got)


def test_a_shared_prefix_with_one_row_or_an_empty_outer_join_equals_the_orm(make_user: Any) -> None:
    from ve_edu_vault.assessments.models import Accommodation

    alone, single = _assessments(2)
    assert WITH_ACCOMMODATIONS.rows(assessment_id=alone.pk) == _with_accommodations_orm(alone.pk)
    assert WITH_ACCOMMODATIONS.rows(assessment_id=alone.pk)[0][len(COLUMNS) :] == (None, None)
    Accommodation.objects.create(assessment=single, user=make_user("learner"), extra_minutes=7)
    assert WITH_ACCOMMODATIONS.rows(assessment_id=single.pk) == _with_accommodations_orm(single.pk)
    assert WITH_ACCOMMODATIONS.rows(assessment_id=987_654_321) == []
