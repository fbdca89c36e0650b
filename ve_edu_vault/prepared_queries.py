"""
ORM queries compiled once per database connection and re-run with new ids; plain single-row UPDATEs.

TLDR: the hot request paths (submitting an attempt, finding an attempt's owner) run the same few
queries with different ids on every request. Building a query through the ORM costs ~0.3 ms of
Python each time (``bench/bench_submit.py``; a compiled query re-run costs ~0.1 ms, near the round
trip), most of a submission's own work. :class:`PreparedQuery` keeps the ORM as the author of the
SQL (quoting, joins, ``FOR UPDATE``, every database's dialect and every field's converters) and
only skips rebuilding it:

- the query is written as a function of its ids returning a ``values_list`` queryset;
- on first use on a connection it is built with stand-in ids, compiled, and the compiled SQL and
  Django's value converters are kept on that connection (a connection belongs to one thread);
- later calls execute the kept SQL with the real ids in the stand-ins' places and convert rows
  exactly as the ORM would (JSON, dates in the current time zone, booleans on MySQL); opaque keys
  (course and usage keys, immutable values) are parsed once per stored string and reused.

Arguments are ids (``int``) or non-empty lists of ids (a list's length is part of the compiled
shape). A one-to-many join read from its "one" side (an attempt with its responses) can declare
``shared_prefix=N``: its first N columns are the same on every row, so they are converted once and
every row gets the first row's converted values. An empty list, or a query whose parameters do
not all map back to the arguments, runs through the ORM unchanged, so a prepared query never
answers differently from the ORM one.

:func:`update_row` writes one row's fields with one ``UPDATE ... WHERE pk = %s``,
:func:`update_rows` several rows' fields with one ``UPDATE ... SET f = CASE pk WHEN ...`` and
:func:`insert_rows` inserts new rows with one multi-row ``INSERT``; values are adapted by each model
field (``get_db_prep_save``, as ``QuerySet.update()`` and ``bulk_create`` adapt them; the updates
set ``auto_now`` dates only when given, as ``update()`` does), without building a queryset. The
adaptation goes through each field's adapter (``prepared_values``, ADR 0037): the same result, without
the walk through the field's methods for the plain values that walk hands back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet
from django.utils import timezone
from opaque_keys.edx.django.models import OpaqueKeyField

from ve_edu_vault.prepared_values import Adapter, Memo, adapter

__all__ = ["PreparedQuery", "insert_rows", "update_row", "update_rows"]

# Stand-in ids: far outside any real id range, distinct per argument and position.
_STAND_IN_BASE = -(2**52)
_CACHE_ATTRIBUTE = "_ve_edu_vault_prepared"
_query_numbers = count()


# Per converted column: (position, its converter (one function, or its functions chained), expression, whether a
# ``None`` is left as it is).
_Plan = tuple[tuple[int, Any, Any, bool], ...]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # Per SQL parameter: ("arg", name, position in a list or -1) or ("const", value).
    slots: tuple[tuple[Any, ...], ...]
    # The converters of each converted column, in column order (``SQLCompiler.get_converters``).
    plan: _Plan


def _stand_ins(arguments: Mapping[str, int | Sequence[int]]) -> tuple[dict[str, Any], dict[int, tuple[str, int]]]:
    """Stand-in values per argument and the reverse map ``{stand-in: (argument, list position or -1)}``."""
    values: dict[str, Any] = {}
    reverse: dict[int, tuple[str, int]] = {}
    for index, (name, value) in enumerate(sorted(arguments.items())):
        base = _STAND_IN_BASE - index * 100_000
        if isinstance(value, int):
            values[name] = base
            reverse[base] = (name, -1)
        else:
            items = [base - position for position in range(len(value))]
            values[name] = items
            reverse.update({item: (name, position) for position, item in enumerate(items)})
    return values, reverse


def _shape(arguments: Mapping[str, int | Sequence[int]]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((name, -1 if isinstance(value, int) else len(value)) for name, value in arguments.items()))


class PreparedQuery:
    """
    A ``values_list`` query compiled once per connection and argument shape (see the module docstring).

    ``build`` takes the arguments by name and returns the queryset; ``rows(**ids)`` returns its rows
    as tuples, converted as the ORM converts them. ``shared_prefix``: how many leading columns every
    row has in common (see the module docstring).
    """

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], *, shared_prefix: int = 0) -> None:
        self._build = build
        self._number = next(_query_numbers)
        self._shared = shared_prefix

    def _compile(self, db: BaseDatabaseWrapper, arguments: Mapping[str, int | Sequence[int]]) -> _Compiled | None:
        stand_ins, reverse = _stand_ins(arguments)
        queryset = self._build(**stand_ins)
        compiler = queryset.query.get_compiler(connection=db)
        sql, params = compiler.as_sql()
        slots: list[tuple[Any, ...]] = []
        seen: set[int] = set()
        for param in params:
            if type(param) is int and param in reverse:
                name, position = reverse[param]
                slots.append(("arg", name, position))
                seen.add(param)
            else:
                slots.append(("const", param))
        if seen != set(reverse):  # an argument was folded away or doubled into another form: not preparable
            return None
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        plan = tuple(
            (position, _chained(_memoised_keys(functions, expression)), expression, _keep_none(functions))
            for position, (functions, expression) in sorted(compiler.get_converters(fields).items())
        )
        return _Compiled(sql=sql, slots=tuple(slots), plan=plan)

    def rows(self, **arguments: int | Sequence[int]) -> list[tuple[Any, ...]]:
        """Every row of the query for these ids."""
        if any(not isinstance(value, int) and not value for value in arguments.values()):
            return [tuple(row) for row in self._build(**arguments)]
        db = _database()
        cache: dict[tuple[Any, ...], _Compiled | None] = db.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        key = (self._number, _shape(arguments))
        if key not in cache:
            cache[key] = self._compile(db, arguments)
        compiled = cache[key]
        if compiled is None:
            return [tuple(row) for row in self._build(**arguments)]
        params = [slot[1] if slot[0] == "const" else _argument(arguments[slot[1]], slot[2]) for slot in compiled.slots]
        with db.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched: Sequence[Any] = cursor.fetchall()
        plan = compiled.plan
        if not plan:
            return [tuple(row) for row in fetched]
        if self._shared and len(fetched) > 1:
            return self._convert_sharing_prefix(db, plan, fetched)
        return [_converted(row, plan, db) for row in fetched]

    def _convert_sharing_prefix(
        self, db: BaseDatabaseWrapper, plan: _Plan, fetched: Sequence[Any]
    ) -> list[tuple[Any, ...]]:
        """The first row converted whole; the others only past the shared columns, which they take from it."""
        shared = self._shared
        first = _converted(fetched[0], plan, db)
        head = first[:shared]
        rest = tuple(item for item in plan if item[0] >= shared)
        return [first, *(head + _converted(row, rest, db)[shared:] for row in fetched[1:])]

    def first(self, **arguments: int | Sequence[int]) -> tuple[Any, ...] | None:
        """The first row, or ``None`` (the query itself should select at most one row)."""
        found = self.rows(**arguments)
        return found[0] if found else None


def _converted(row: Sequence[Any], plan: _Plan, db: BaseDatabaseWrapper) -> tuple[Any, ...]:
    """
    One row converted as ``SQLCompiler.apply_converters`` converts it (django/db/models/sql/compiler.py): each
    column's converters in turn, given the column's expression and the connection; a ``None`` is left as it is
    where every converter of the column is known to return ``None`` for it (:func:`_keep_none`).
    """
    values = list(row)
    for position, convert, expression, keep_none in plan:
        value = values[position]
        if value is None and keep_none:
            continue
        values[position] = convert(value, expression, db)
    return tuple(values)


def _chained(functions: Sequence[Any]) -> Any:
    """A column's converters as one function: the only one, or each in turn (as ``apply_converters`` runs them)."""
    if len(functions) == 1:
        return functions[0]
    chain = tuple(functions)

    def convert(value: Any, expression: Any, connection: Any) -> Any:
        for function in chain:
            value = function(value, expression, connection)
        return value

    return convert


# Converters that return ``None`` for ``None`` (Django 5.2): each begins with ``if value is None: return value``,
# ``if value is not None:`` around all its work, or (the booleans) converts only ``0`` and ``1``.
_NONE_KEEPING = frozenset(
    [
        ("django.db.models.fields.json", "JSONField.from_db_value"),
        *(
            (f"django.db.backends.{backend}.operations", f"DatabaseOperations.{name}")
            for backend, names in (
                ("mysql", ("convert_booleanfield_value", "convert_datetimefield_value", "convert_uuidfield_value")),
                (
                    "sqlite3",
                    (
                        "convert_booleanfield_value",
                        "convert_datetimefield_value",
                        "convert_datefield_value",
                        "convert_timefield_value",
                        "convert_uuidfield_value",
                    ),
                ),
            )
            for name in names
        ),
    ]
)


def _keep_none(functions: Sequence[Any]) -> bool:
    """Whether every one of a column's converters returns ``None`` for ``None`` (Django's own, listed above)."""
    for function in functions:
        code = getattr(function, "__func__", function)
        if (getattr(code, "__module__", None), getattr(code, "__qualname__", None)) not in _NONE_KEEPING:
            return False
    return True


_KEY_MEMO_SIZE = 4096


def _memoised_keys(functions: list[Any], expression: Any) -> list[Any]:
    """
    An opaque-key column's converters, memoised by the stored string.

    Parsing a course or usage key costs ~0.1 ms (opaque-keys objects validate and freeze every
    attribute) and the hot queries read the same few keys over and over. Keys are immutable values,
    so one parsed instance can be handed out for every row that stores the same string.
    """
    field = getattr(expression, "output_field", None)
    if not isinstance(field, OpaqueKeyField):
        return functions
    memo: dict[Any, Any] = {}

    def convert(value: Any, expression: Any, connection: Any) -> Any:
        if value in memo:
            return memo[value]
        converted = value
        for function in functions:
            converted = function(converted, expression, connection)
        if len(memo) >= _KEY_MEMO_SIZE:
            memo.clear()
        memo[value] = converted
        return converted

    return [convert]


def _database() -> BaseDatabaseWrapper:
    """This thread's own connection (``django.db.connection`` is a proxy shared by all threads)."""
    return connections[DEFAULT_DB_ALIAS]


def _argument(value: int | Sequence[int], position: int) -> int:
    return cast(int, value) if position < 0 else cast(Sequence[int], value)[position]


def _statement(db: BaseDatabaseWrapper, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """A write statement's SQL (and its fields) for one shape, built once per connection like a prepared query."""
    cache: dict[tuple[Any, ...], Any] = db.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def update_row(model: type[Model], pk: int, values: Mapping[str, Any]) -> int:
    """
    ``UPDATE <table> SET <field> = %s, ... WHERE <pk> = %s``; returns the number of rows matched.

    Values are adapted by the model's fields (``get_db_prep_save``), as ``save()`` and ``update()``
    adapt them; names are concrete fields of ``model`` (a ``FieldDoesNotExist`` otherwise). The SQL
    of each (model, field names) shape is built once per connection.
    """
    db = _database()
    names = tuple(values)

    def build() -> tuple[str, tuple[Adapter, ...]]:
        ops, meta = db.ops, model._meta
        fields = tuple(cast(Field, meta.get_field(name)) for name in names)
        sets = ", ".join(f"{ops.quote_name(str(field.column))} = %s" for field in fields)
        pk_column = ops.quote_name(str(cast(Field, meta.pk).column))
        sql = f"UPDATE {ops.quote_name(meta.db_table)} SET {sets} WHERE {pk_column} = %s"  # noqa: S608
        return sql, tuple(adapter(field, db) for field in fields)

    sql, adapters = _statement(db, ("update_row", model, names), build)
    memo: Memo = {}
    params = [adapt(value, memo) for adapt, value in zip(adapters, values.values(), strict=True)]
    with db.cursor() as cursor:
        cursor.execute(sql, [*params, pk])
        return int(cursor.rowcount)


def update_rows(model: type[Model], updates: Sequence[tuple[int, Mapping[str, Any]]]) -> int:
    """
    Several rows' fields in one statement: ``UPDATE <table> SET <field> = CASE <pk> WHEN %s THEN %s ...
    ELSE <field> END, ... WHERE <pk> IN (...)``. Returns the number of rows matched.

    Every update must name the same fields (one row alone is :func:`update_row`). Django's
    ``bulk_update`` writes the same statement but builds an expression object per row and field
    (~1 ms of Python per row on the submission path). On PostgreSQL each ``THEN`` parameter is cast
    to its column's type, which a ``CASE`` does not infer from a parameter. The SQL of each (model,
    field names, number of rows) shape is built once per connection.
    """
    if not updates:
        return 0
    names = tuple(updates[0][1])
    if any(tuple(values) != names and set(values) != set(names) for _pk, values in updates):
        raise ValueError("update_rows: every row must set the same fields")
    if len(updates) == 1:
        pk, values = updates[0]
        return update_row(model, pk, values)
    db = _database()
    batch = max(1, db.ops.bulk_batch_size([None] * (2 * len(names) + 1), updates))  # SQLite's parameter limit
    if len(updates) > batch:
        return sum(update_rows(model, updates[start : start + batch]) for start in range(0, len(updates), batch))
    count = len(updates)

    def build() -> tuple[str, tuple[Adapter, ...]]:
        ops, meta = db.ops, model._meta
        pk_column = ops.quote_name(str(cast(Field, meta.pk).column))
        fields = tuple(cast(Field, meta.get_field(name)) for name in names)
        sets: list[str] = []
        for field in fields:
            placeholder = f"CAST(%s AS {field.cast_db_type(db)})" if db.vendor == "postgresql" else "%s"
            whens = " ".join([f"WHEN %s THEN {placeholder}"] * count)
            column = ops.quote_name(str(field.column))
            sets.append(f"{column} = CASE {pk_column} {whens} ELSE {column} END")
        sql = (
            f"UPDATE {ops.quote_name(meta.db_table)} SET {', '.join(sets)} "  # noqa: S608 - names are the model's
            f"WHERE {pk_column} IN ({', '.join(['%s'] * count)})"
        )
        return sql, tuple(adapter(field, db) for field in fields)

    sql, adapters = _statement(db, ("update_rows", model, names, count), build)
    memo: Memo = {}
    params: list[Any] = []
    for adapt, name in zip(adapters, names, strict=True):
        for pk, values in updates:
            params += (pk, adapt(values[name], memo))
    params += [pk for pk, _values in updates]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, Any]]) -> int:
    """
    ``INSERT INTO <table> (<columns>) VALUES (...), (...)`` of rows given as ``{field name: value}``.

    Every concrete field but an automatic primary key is written: a missing value is the field's
    default, or now for ``auto_now``/``auto_now_add`` dates (as ``bulk_create`` fills them). Values
    are adapted by their fields; an opaque key repeated across rows is adapted once (its
    serialisation is slow). Primary keys are not read back. Returns the number of rows inserted.
    """
    if not rows:
        return 0
    db = _database()

    def columns_of() -> tuple[tuple[Field, ...], frozenset[str], tuple[_InsertColumn, ...]]:
        fields = tuple(
            cast(Field, field) for field in model._meta.concrete_fields if not (field.primary_key and _is_auto(field))
        )
        known = frozenset(name for field in fields for name in (field.name, field.attname))
        plan = tuple(
            _InsertColumn(
                field=field,
                attname=field.attname,
                name=field.name,
                relation=bool(field.is_relation),
                now=bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)),
                adapt=adapter(field, db),
            )
            for field in fields
        )
        return fields, known, plan

    columns, known, plan = _statement(db, ("insert_columns", model), columns_of)
    unknown = {name for values in rows for name in values} - known
    if unknown:
        raise FieldDoesNotExist(f"{model.__name__} has no field named {', '.join(sorted(unknown))}")
    batch = max(1, db.ops.bulk_batch_size(list(columns), rows))  # SQLite's parameter limit
    if len(rows) > batch:
        return sum(insert_rows(model, rows[start : start + batch]) for start in range(0, len(rows), batch))
    count = len(rows)

    def build() -> str:
        ops = db.ops
        row = f"({', '.join(['%s'] * len(columns))})"
        names = ", ".join(ops.quote_name(str(field.column)) for field in columns)
        return f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES {', '.join([row] * count)}"  # noqa: S608

    sql = _statement(db, ("insert_rows", model, count), build)
    now = timezone.now()
    memo: Memo = {}
    params: list[Any] = []
    append = params.append
    for values in rows:
        for column in plan:
            # The row's value: given (by attribute or field name; a related object by its pk), now, or the default.
            if column.attname in values:
                value = values[column.attname]
            elif column.name in values:
                value = values[column.name]
                if column.relation and isinstance(value, Model):
                    value = value.pk
            elif column.now:
                value = now
            else:
                value = column.field.get_default()
            append(column.adapt(value, memo))
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


@dataclass(frozen=True, slots=True, kw_only=True)
class _InsertColumn:
    """One column of ``insert_rows``: where its value comes from, and its field's adapter."""

    field: Field
    attname: str
    name: str
    relation: bool
    now: bool  # auto_now or auto_now_add: filled with the statement's now when not given
    adapt: Adapter


def _is_auto(field: Field) -> bool:
    return field.get_internal_type() in {"AutoField", "BigAutoField", "SmallAutoField"}
