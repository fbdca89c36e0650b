"""
Reading and writing a course's mirror rows in bulk, for the sync path only.

TLDR: a sync touches every node of a course, so per-row ORM costs decide its speed. Measured on
10k nodes (bench/bench_apply.py): Django's ``bulk_update`` builds a CASE/WHEN expression per row
and field (~10 s of Python at 30% edited), and the opaque-key model fields parse every key on load
(~17 us each) and strip branch/version on save (~10 us each). Here rows are loaded with keys as
strings and parsed once per distinct string (``course_key.make_usage_key`` for this course's keys,
~5 us), and every change is written by ONE upsert statement keyed on ``usage_key`` (INSERT ... ON
CONFLICT / ON DUPLICATE KEY UPDATE), whatever the number of nodes, with parameters adapted by the
connection. ``vault_data`` and ``created`` are never overwritten. SQLite caps the number of
parameters per statement, so there the upsert is split in chunks; the servers get one statement
per ``MAX_ROWS_PER_STATEMENT`` rows (packet size), i.e. one for any real course.

Everything else (trees, pages, REST) reads through the ORM as usual.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import CharField, F
from django.db.models.functions import Cast
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.models import CourseNode

MAX_ROWS_PER_STATEMENT = 20_000

# Columns the sync writes; the first two identify the row, the rest are updated on conflict.
_WRITE = (
    "course_key",
    "usage_key",
    "kind",
    "display_name",
    "parent_key",
    "position",
    "graded",
    "format",
    "start",
    "due",
    "visible_to_staff_only",
    "hide_after_due",
    "components",
    "state",
    "archived_at",
    "modified",
)
_INSERT_ONLY = ("vault_data", "created")
_UPDATE = _WRITE[2:]
_DATES = ("start", "due", "archived_at", "modified", "created")


@dataclass(slots=True, kw_only=True)
class NodeRow:
    """A mirror row as the sync path holds it: the ``CourseNode`` fields it reads and writes."""

    course_key: CourseKey
    usage_key: UsageKey
    kind: str = "objective"
    display_name: str = ""
    parent_key: UsageKey | None = None
    position: int = 0
    graded: bool = False
    format: str = ""
    start: datetime | None = None
    due: datetime | None = None
    visible_to_staff_only: bool = False
    hide_after_due: bool = False
    components: list[list[str]] = field(default_factory=list)
    state: str = CourseNode.ACTIVE
    archived_at: datetime | None = None
    created: datetime | None = None
    modified: datetime | None = None


class KeyParser:
    """Parses usage-key strings of one course, each distinct string once."""

    def __init__(self, course_key: CourseKey) -> None:
        self.course_key = course_key
        self._prefix = f"block-v1:{course_key.org}+{course_key.course}+{course_key.run}+type@"  # type: ignore[attr-defined]
        self._cache: dict[str, UsageKey] = {}

    def __call__(self, raw: str) -> UsageKey:
        key = self._cache.get(raw)
        if key is None:
            key = self._parse(raw)
            self._cache[raw] = key
        return key

    def _parse(self, raw: str) -> UsageKey:
        if raw.startswith(self._prefix):
            block_type, sep, block_id = raw[len(self._prefix) :].partition("+block@")
            if sep and "+" not in block_type and "@" not in block_id:
                return self.course_key.make_usage_key(block_type, block_id)
        return UsageKey.from_string(raw)


def _as_str(key: Any) -> str:
    if getattr(key, "branch", None) or getattr(key, "version_guid", None):
        key = key.for_branch(None).version_agnostic()
    return str(key)


def load_rows(course_key: CourseKey, parse: KeyParser | None = None) -> dict[UsageKey, NodeRow]:
    """Every mirror row of the course (active and archived), keyed by usage key."""
    parse = parse or KeyParser(course_key)
    names = [name for name in _WRITE if name not in ("course_key", "usage_key", "parent_key")] + ["created"]
    query = (
        CourseNode.objects.filter(course_key=course_key)
        .annotate(usage_str=Cast(F("usage_key"), CharField()), parent_str=Cast(F("parent_key"), CharField()))
        .values_list("usage_str", "parent_str", *names)
    )
    rows: dict[UsageKey, NodeRow] = {}
    for usage_str, parent_str, *values in query:
        usage_key = parse(usage_str)
        row = NodeRow(course_key=course_key, usage_key=usage_key, **dict(zip(names, values, strict=True)))
        row.parent_key = parse(parent_str) if parent_str else None
        rows[usage_key] = row
    return rows


_KEYS = ("course_key", "usage_key", "parent_key")


class _Adapter:
    """Database parameters for row values; keys and dates are adapted once per distinct object."""

    def __init__(self) -> None:
        self._memo: dict[int, Any] = {}
        self._keep: list[Any] = []  # keeps memoised objects alive so their ids stay unique

    def __call__(self, name: str, value: Any) -> Any:
        if value is None:
            return "" if name in _KEYS else None
        if name in _KEYS or name in _DATES:
            adapted = self._memo.get(id(value))
            if adapted is None:
                adapted = _as_str(value) if name in _KEYS else connection.ops.adapt_datetimefield_value(value)
                self._memo[id(value)] = adapted
                self._keep.append(value)
            return adapted
        if name == "components":
            return json.dumps(value)
        return value


def _statement(count: int) -> str:
    table = connection.ops.quote_name(CourseNode._meta.db_table)
    columns = (*_WRITE, *_INSERT_ONLY)
    quoted = ", ".join(connection.ops.quote_name(name) for name in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    values = ", ".join([row] * count)
    if connection.vendor == "mysql":
        updates = ", ".join(f"{connection.ops.quote_name(n)} = VALUES({connection.ops.quote_name(n)})" for n in _UPDATE)
        return f"INSERT INTO {table} ({quoted}) VALUES {values} ON DUPLICATE KEY UPDATE {updates}"  # noqa: S608
    updates = ", ".join(f"{connection.ops.quote_name(n)} = excluded.{connection.ops.quote_name(n)}" for n in _UPDATE)
    conflict = connection.ops.quote_name("usage_key")
    return f"INSERT INTO {table} ({quoted}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"  # noqa: S608


def _max_params() -> int | None:
    if connection.vendor == "sqlite":  # the real compile-time limit, not Django's conservative 999
        import sqlite3

        connection.ensure_connection()
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    limit = connection.features.max_query_params
    return int(limit) if limit else None


def _rows_per_statement() -> int:
    limit = _max_params()
    per_row = len(_WRITE) + len(_INSERT_ONLY)
    return min(MAX_ROWS_PER_STATEMENT, limit // per_row) if limit else MAX_ROWS_PER_STATEMENT


def upsert_rows(rows: Sequence[NodeRow], *, now: datetime) -> None:
    """Write ``rows`` (new or existing, matched by usage key) with as few statements as the database allows."""
    if not rows:
        return
    size = _rows_per_statement()
    adapt = _Adapter()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[Any] = []
            for row in chunk:
                row.modified = now
                params.extend([adapt(name, getattr(row, name)) for name in _WRITE])
                params.extend(("{}", adapt("created", row.created or now)))
            cursor.execute(_statement(len(chunk)), params)


def count_by_kind(rows: Iterable[NodeRow]) -> dict[str, int]:
    counts = {"topic": 0, "subtopic": 0, "objective": 0}
    for row in rows:
        if row.state == CourseNode.ACTIVE:
            counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts
