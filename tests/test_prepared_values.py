"""
The prepared writes' field adapters (``ve_edu_vault/prepared_values.py``) return exactly what ``get_db_prep_save``
returns.

Run on every database of ``make test``: the backends adapt integers (psycopg 3 wraps them), datetimes (MySQL and
SQLite serialise them in the connection's zone) and JSON (a ``Jsonb`` wrapper on PostgreSQL) differently. Every
concrete field of every model of the app is checked with values of every kind, including the ones that must take
the full path (a ``bool`` for an integer column, a lazy translation string, a naive datetime, an expression): the
same result of the same type, the same exception, the same warnings.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Field, Value
from django.utils.translation import gettext_lazy
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.prepared_values import Memo, adapter

pytestmark = pytest.mark.django_db

COURSE = CourseKey.from_string("course-v1:VE+Adapt+2026")
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


class Count(int):
    """An ``int`` subclass: integer fields must convert it (``int(value)``), never pass it through."""


def _values() -> list[Any]:
    return [
        None,
        0,
        7,
        -3,
        2**40,
        True,
        False,
        Count(5),
        1.5,
        0.0,
        -2.25,
        "",
        "text",
        "42",
        "course-v1:VE+Adapt+2026",
        gettext_lazy("Correct"),
        NOW,
        NOW,  # the same object again: a memoised datetime must still be exact
        datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC),  # equal to NOW, another object
        datetime(2026, 5, 6, 9, 0, tzinfo=timezone(timedelta(hours=2))),
        # One wall time, two instants (the autumn change in Paris): equal as Python compares them, not adapted alike.
        datetime(2026, 10, 25, 2, 30, tzinfo=PARIS),
        datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1),
        datetime(2026, 1, 2, 3, 4, 5),  # naive: made aware with a warning
        date(2026, 1, 2),
        Decimal("1.25"),
        {"a": [1, 2], "b": {"c": None}},
        [1, "two", 3.0],
        {},
        COURSE,
        COURSE,
        CourseKey.from_string("course-v1:VE+adapt+2026"),
        UsageKey.from_string("block-v1:VE+Adapt+2026+type@vertical+block@unit"),
        Value(3),
    ]


def _models() -> list[Any]:
    return list(apps.get_app_config("ve_edu_vault").get_models())


def _fields() -> list[Field]:
    return [field for model in _models() for field in model._meta.concrete_fields]


def _outcome(function: Any, value: Any) -> tuple[str, Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result: Any = ("value", function(value))
        except Exception as exc:  # the exception itself is what is compared
            result = ("error", (type(exc), str(exc)))
    return result[0], result[1], [f"{item.category.__name__}: {item.message}" for item in caught]


def _same(left: Any, right: Any) -> bool:
    if type(left) is not type(right):
        return False
    if hasattr(left, "obj") and hasattr(left, "dumps"):  # psycopg's Jsonb: no __eq__; the wrapped object and dumper
        return left.obj is right.obj and left.dumps is right.dumps
    return bool(left == right)


def test_every_field_adapts_every_value_exactly_as_get_db_prep_save() -> None:
    fields = _fields()
    assert len(fields) > 100  # every model of the app, not a few
    checked = 0
    for field in fields:
        adapt = adapter(field, connection)
        memo: Memo = {}  # one memo for the whole list, as one statement's values share it
        for value in _values():
            expected = _outcome(partial(field.get_db_prep_save, connection=connection), value)
            got = _outcome(partial(adapt, memo=memo), value)
            where = f"{field.model.__name__}.{field.name} ({type(field).__name__}) <- {value!r}"
            assert got[0] == expected[0], where
            assert got[2] == expected[2], where  # the same warnings
            if expected[0] == "error":
                assert got[1] == expected[1], where
            else:
                assert _same(got[1], expected[1]), f"{where}: {got[1]!r} != {expected[1]!r}"
            checked += 1
    assert checked == len(fields) * len(_values())


def _field(model: str, name: str) -> Field:
    return apps.get_model("ve_edu_vault", model)._meta.get_field(name)


def _full_path_calls(monkeypatch: pytest.MonkeyPatch, field: Field) -> list[Any]:
    calls: list[Any] = []
    real = field.get_db_prep_save

    def counting(value: Any, db: Any) -> Any:
        calls.append(value)
        return real(value, db)

    monkeypatch.setattr(field, "get_db_prep_save", counting)
    return calls


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        ("Response", "position", 3),
        ("Response", "score", 0.5),
        ("Response", "correct", True),
        ("Response", "graded_at", None),
        ("Attempt", "state", "graded"),
        ("Attempt", "report_error", ""),
        ("Response", "attempt", 12),
        ("MasteryEvent", "user", 5),
    ],
)
def test_plain_values_skip_get_db_prep_save(monkeypatch: pytest.MonkeyPatch, model: str, name: str, value: Any) -> None:
    """The point of the adapters: these never reach the field's methods (a failing test if a rule is lost)."""
    field = _field(model, name)
    calls = _full_path_calls(monkeypatch, field)
    adapted = adapter(field, connection)(value, {})
    assert calls == []
    if connection.vendor != "postgresql" or isinstance(value, (bool, float, str, type(None))) or field.is_relation:
        assert adapted is value
    else:  # psycopg 3: an integer column's value is wrapped in its sized type
        assert adapted == value and type(adapted) is not int


def test_one_datetime_object_is_adapted_once_per_memo_and_each_other_object_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    field = _field("Response", "modified")
    calls = _full_path_calls(monkeypatch, field)
    adapt = adapter(field, connection)
    memo: Memo = {}
    twin = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    results = [adapt(NOW, memo), adapt(NOW, memo), adapt(twin, memo), adapt(NOW, {})]
    assert all(_same(result, results[0]) for result in results)
    # PostgreSQL takes an aware datetime as it is; MySQL and SQLite serialise it once per object and memo.
    assert calls == ([] if connection.vendor == "postgresql" else [NOW, twin, NOW])


def test_a_bool_or_an_int_subclass_for_an_integer_column_takes_the_full_path(monkeypatch: pytest.MonkeyPatch) -> None:
    field = _field("Response", "tries_used")
    calls = _full_path_calls(monkeypatch, field)
    adapt = adapter(field, connection)
    assert adapt(True, {}) == 1 and type(adapt(True, {})) is not bool
    assert adapt(Count(4), {}) == 4 and type(adapt(Count(4), {})) is not Count
    assert len(calls) == 4


def test_the_converters_a_prepared_read_skips_for_none_return_none_for_none() -> None:
    """``PreparedQuery.rows`` leaves a ``None`` as it is where every converter of the column is on its list."""
    from django.db.models.expressions import Col

    from ve_edu_vault.prepared_queries import _keep_none

    skipped = 0
    for field in _fields():
        expression = Col(field.model._meta.db_table, field)
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions and _keep_none(functions):
            for function in functions:
                assert function(None, expression, connection) is None, f"{field.model.__name__}.{field.name}"
            skipped += 1
    # JSON columns everywhere, and booleans and datetimes on MySQL and SQLite: the list still names Django's code.
    assert skipped >= (20 if connection.vendor in {"mysql", "sqlite"} else 5)
