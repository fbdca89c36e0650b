"""
The grading's write on the ORM: every response's grade and the attempt's close in one statement (ADR 0036).

TLDR: a submission used to write its responses with one ``UPDATE ... SET f = CASE id WHEN ...`` and then its
attempt with one more UPDATE: two round trips under the attempt's row lock. Here they are one where the database
allows it:

- MariaDB/MySQL: a multi-table UPDATE, ``UPDATE response r STRAIGHT_JOIN attempt a ON a.id = r.attempt_id SET
  r.g = CASE r.id WHEN %s THEN %s ... END, ..., a.f = %s, ... WHERE r.id IN (...) AND a.id = %s``. The join gives the
  attempt's row once per response and the server updates each row once: the first table of the join as it reads it,
  the others from a temporary table keyed by row id (MariaDB ``sql/sql_update.cc``: ``multi_update::initialize_tables``,
  ``send_data``, ``do_updates``). So the count it returns with ``CLIENT_FOUND_ROWS`` (which Django's MySQL backend
  sets) is the responses matched + 1 (``multi_update::send_eof``). The responses come first (``STRAIGHT_JOIN``):
  their new values include a JSON column (LONGTEXT on MariaDB), which would send the temporary table to disk
  (``Created_tmp_disk_tables``; ADR 0036 has the figures). MariaDB gives no order to a multi-table
  UPDATE's assignments, and none here reads a column another one sets;
- PostgreSQL: ``WITH graded AS (UPDATE response ... RETURNING 1) UPDATE attempt ... RETURNING (SELECT count(*) FROM
  graded)``. A data-modifying statement in WITH runs exactly once, to completion, on the statement's snapshot, and its
  RETURNING rows are how the main statement learns what it did (PostgreSQL docs, "Data-Modifying Statements in
  WITH"): one row back when the attempt exists, carrying how many responses were written;
- SQLite, an attempt without responses, or more responses than ``GRADE_BATCH`` (or than the database's parameter
  limit allows in one statement): the responses' UPDATE (in batches), then the attempt's. SQLite's UPDATE writes one
  table (its ``UPDATE ... FROM`` only reads the others).

Every response UPDATE also requires the attempt (``attempt_id``, or the join): a response of another attempt is never
written, whatever the caller passed. A count short of what was asked raises ``NotFoundError``; the caller's
transaction rolls back the rest. A field whose new value is the same for every response (the grading time,
``modified``) is one ``= %s``, not a CASE. Values are adapted by each field's adapter (``prepared_values``, ADR
0037: exactly ``get_db_prep_save``), as ``prepared_queries.update_rows`` adapts them; the SQL of each shape and the
adapters are built once per connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, JSONField, Model
from django.utils import timezone

from ve_edu_vault.errors import NotFoundError
from ve_edu_vault.prepared_values import Adapter, Memo, adapter

from ..models import Attempt, Response

__all__ = ["GRADE_BATCH", "write_grading"]

#: Most responses written by one statement: a submission has a few; 500 with every field differing are ~6,000
#: parameters, far under PostgreSQL's 65,535. Past it the responses go in batches and the attempt in its own UPDATE.
GRADE_BATCH = 500
_CACHE_ATTRIBUTE = "_ve_edu_vault_grading"
_ONE_STATEMENT = frozenset({"mysql", "postgresql"})
_JSON_FIELDS = frozenset(field.name for field in Response._meta.concrete_fields if isinstance(field, JSONField))


@dataclass(frozen=True, slots=True)
class _Shape:
    """What one statement writes: the fields that differ per response (CASE), those that do not, the attempt's."""

    varying: tuple[str, ...]
    uniform: tuple[str, ...]
    attempt: tuple[str, ...]
    count: int


def write_grading(
    attempt_id: int, responses: Sequence[tuple[int, Mapping[str, Any]]], attempt_values: Mapping[str, Any]
) -> None:
    """
    Write ``responses`` (each ``(response id, {field: value})``, every one naming the same fields) and the attempt's
    ``attempt_values`` (model field names) with ``modified`` set on every row; ``NotFoundError`` when a row is missing.
    """
    db = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    attempt_values = {**attempt_values, "modified": now}
    memo: Memo = {}  # one datetime serialised once for every column and row it goes to (ADR 0037)
    batch = _batch_size(db, responses)
    if responses and len(responses) <= batch and db.vendor in _ONE_STATEMENT:
        matched = _grade_in_one(db, attempt_id, responses, attempt_values, now, memo)
        if matched != len(responses):
            raise NotFoundError(f"Attempt {attempt_id} or one of its responses does not exist.")
        return
    for start in range(0, len(responses), batch):
        part = responses[start : start + batch]
        if _update_responses(db, attempt_id, part, now, memo) != len(part):
            raise NotFoundError(f"Attempt {attempt_id} or one of its responses does not exist.")
    if _update_attempt(db, attempt_id, attempt_values, memo) != 1:
        raise NotFoundError(f"No attempt {attempt_id}.")


def _batch_size(db: BaseDatabaseWrapper, responses: Sequence[tuple[int, Mapping[str, Any]]]) -> int:
    """``GRADE_BATCH``, or fewer where the database caps a statement's parameters (SQLite)."""
    limit = db.features.max_query_params
    if not responses or limit is None:
        return GRADE_BATCH
    # Per response at most its id in IN and an id and a value per field; 20 spare for the attempt's fields.
    per_response = 1 + 2 * (len(responses[0][1]) + 1)
    return max(1, min(GRADE_BATCH, (limit - 20) // per_response))


def _shape(responses: Sequence[tuple[int, Mapping[str, Any]]], attempt_values: Mapping[str, Any]) -> _Shape:
    first = responses[0][1]
    uniform = tuple(
        name
        for name, value in first.items()
        if name not in _JSON_FIELDS  # {"a": 1} == {"a": 1.0} in Python, not once stored
        and all(type(values[name]) is type(value) and values[name] == value for _id, values in responses)
    )
    varying = tuple(name for name in first if name not in uniform)
    return _Shape(varying=varying, uniform=uniform, attempt=tuple(attempt_values), count=len(responses))


def _field(model: type[Model], name: str) -> Field:
    return cast(Field, model._meta.get_field(name))


def _statement(db: BaseDatabaseWrapper, key: tuple[Any, ...], build: Callable[[], str]) -> str:
    cache: dict[tuple[Any, ...], str] = db.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def _quote(db: BaseDatabaseWrapper, model: type[Model], name: str, alias: str = "") -> str:
    column = db.ops.quote_name(str(_field(model, name).column))
    return f"{alias}.{column}" if alias else column


def _response_sets(db: BaseDatabaseWrapper, shape: _Shape, alias: str = "") -> list[str]:
    """``SET`` items of the responses: a CASE on the id per varying field (cast on PostgreSQL), ``= %s`` otherwise."""
    pk = _quote(db, Response, "id", alias)
    sets = []
    for name in shape.varying:
        column = _quote(db, Response, name, alias)
        value = f"CAST(%s AS {_field(Response, name).cast_db_type(db)})" if db.vendor == "postgresql" else "%s"
        whens = " ".join([f"WHEN %s THEN {value}"] * shape.count)
        # No ELSE: the WHERE admits exactly the ids given a WHEN, and a SET that reads no column it writes lets
        # MariaDB update the responses as it reads them whatever index it reads them by (``safe_update_on_fly``).
        sets.append(f"{column} = CASE {pk} {whens} END")
    sets += [f"{_quote(db, Response, name, alias)} = %s" for name in (*shape.uniform, "modified")]
    return sets


def _adapter(db: BaseDatabaseWrapper, model: type[Model], name: str) -> Adapter:
    """The field's adapter on this connection (``prepared_values``), built once."""
    cache: dict[tuple[Any, ...], Any] = db.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
    key = ("adapter", model, name)
    if key not in cache:
        cache[key] = adapter(_field(model, name), db)
    return cast(Adapter, cache[key])


def _response_params(
    db: BaseDatabaseWrapper, shape: _Shape, responses: Sequence[tuple[int, Mapping[str, Any]]], now: Any, memo: Memo
) -> list[Any]:
    """The parameters of ``_response_sets``, in its order."""
    params: list[Any] = []
    for name in shape.varying:
        adapt = _adapter(db, Response, name)
        for response_id, values in responses:
            params += (response_id, adapt(values[name], memo))
    first = responses[0][1]
    params += [_adapter(db, Response, name)(first[name], memo) for name in shape.uniform]
    params.append(_adapter(db, Response, "modified")(now, memo))
    return params


def _attempt_params(db: BaseDatabaseWrapper, values: Mapping[str, Any], memo: Memo) -> list[Any]:
    return [_adapter(db, Attempt, name)(value, memo) for name, value in values.items()]


def _grade_in_one(
    db: BaseDatabaseWrapper,
    attempt_id: int,
    responses: Sequence[tuple[int, Mapping[str, Any]]],
    attempt_values: Mapping[str, Any],
    now: Any,
    memo: Memo,
) -> int:
    """The one statement (MariaDB/MySQL or PostgreSQL); returns how many responses it wrote (-1: no attempt)."""
    shape = _shape(responses, attempt_values)
    ids = [response_id for response_id, _values in responses]
    response_params = _response_params(db, shape, responses, now, memo)
    attempt_params = _attempt_params(db, attempt_values, memo)
    if db.vendor == "mysql":
        sql = _statement(db, ("mysql", shape), lambda: _multi_table_update(db, shape))
        with db.cursor() as cursor:
            cursor.execute(sql, [*response_params, *attempt_params, *ids, attempt_id])
            # Rows found, each counted once (CLIENT_FOUND_ROWS): the attempt and its responses written.
            return int(cursor.rowcount) - 1
    sql = _statement(db, ("postgresql", shape), lambda: _with_update(db, shape))
    with db.cursor() as cursor:
        cursor.execute(sql, [*response_params, attempt_id, *ids, *attempt_params, attempt_id])
        row = cursor.fetchone()
    return -1 if row is None else int(row[0])


def _multi_table_update(db: BaseDatabaseWrapper, shape: _Shape) -> str:
    """
    The responses first, by ``STRAIGHT_JOIN``: the server updates the first table of the join as it reads it and
    keeps the others' new values in a temporary table, which a JSON (LONGTEXT) column sends to disk (the module doc).
    """
    quote = db.ops.quote_name
    a, r = quote("a"), quote("r")
    attempt_sets = [f"{_quote(db, Attempt, name, a)} = %s" for name in shape.attempt]
    marks = ", ".join(["%s"] * shape.count)
    tables = f"{quote(Response._meta.db_table)} {r} STRAIGHT_JOIN {quote(Attempt._meta.db_table)} {a}"
    join = f"{_quote(db, Attempt, 'id', a)} = {_quote(db, Response, 'attempt', r)}"
    sets = ", ".join([*_response_sets(db, shape, r), *attempt_sets])
    where = f"{_quote(db, Response, 'id', r)} IN ({marks}) AND {_quote(db, Attempt, 'id', a)} = %s"
    return f"UPDATE {tables} ON {join} SET {sets} WHERE {where}"  # noqa: S608 - names are the models'


def _with_update(db: BaseDatabaseWrapper, shape: _Shape) -> str:
    quote = db.ops.quote_name
    graded = quote("graded")
    attempt_sets = ", ".join(f"{_quote(db, Attempt, name)} = %s" for name in shape.attempt)
    table, pk = quote(Attempt._meta.db_table), _quote(db, Attempt, "id")
    main = f"UPDATE {table} SET {attempt_sets} WHERE {pk} = %s RETURNING (SELECT count(*) FROM {graded})"  # noqa: S608
    return f"WITH {graded} AS ({_responses_update(db, shape)} RETURNING 1) {main}"


def _responses_update(db: BaseDatabaseWrapper, shape: _Shape) -> str:
    marks = ", ".join(["%s"] * shape.count)
    return (
        f"UPDATE {db.ops.quote_name(Response._meta.db_table)} SET {', '.join(_response_sets(db, shape))} "  # noqa: S608
        f"WHERE {_quote(db, Response, 'attempt')} = %s AND {_quote(db, Response, 'id')} IN ({marks})"
    )


def _update_responses(
    db: BaseDatabaseWrapper,
    attempt_id: int,
    responses: Sequence[tuple[int, Mapping[str, Any]]],
    now: Any,
    memo: Memo,
) -> int:
    """The responses' own UPDATE (SQLite, or a batch past ``GRADE_BATCH``); returns the rows matched."""
    shape = _shape(responses, {})
    sql = _statement(db, ("responses", shape), lambda: _responses_update(db, shape))
    params = [*_response_params(db, shape, responses, now, memo), attempt_id, *(item for item, _values in responses)]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _update_attempt(db: BaseDatabaseWrapper, attempt_id: int, values: Mapping[str, Any], memo: Memo) -> int:
    """The attempt's own UPDATE; returns the rows matched."""
    names = tuple(values)

    def build() -> str:
        sets = ", ".join(f"{_quote(db, Attempt, name)} = %s" for name in names)
        table = db.ops.quote_name(Attempt._meta.db_table)
        return f"UPDATE {table} SET {sets} WHERE {_quote(db, Attempt, 'id')} = %s"  # noqa: S608

    sql = _statement(db, ("attempt", names), build)
    with db.cursor() as cursor:
        cursor.execute(sql, [*_attempt_params(db, values, memo), attempt_id])
        return int(cursor.rowcount)
