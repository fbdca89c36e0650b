"""
Course sync's one door to storage: the mirror's rows, the per-course sync state (the lock) and the sync records.

TLDR: no other module of the applet imports ``course_sync.models``, ``django.db.connection`` or prepared queries
(the ``storage-door`` import contract, docs/decisions/0023-orm-stores-and-applet-boundaries.rst). Functions take
and return frozen data (``SyncState``, ``data_api.SyncRecordData``, ``data_api.CourseNodeData``) except the sync
path's working rows (``NodeRow``), which the change processor edits in place: one object per node of a course,
rewritten by one upsert (a frozen copy per change would cost the apply path its speed, bench/bench_apply.py).

The sync path: a sync touches every node of a course, so per-row ORM costs decide its speed. Measured on
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
from types import SimpleNamespace
from typing import Any, cast

from django.db import connection
from django.db.models import CharField, F
from django.db.models.functions import Cast
from django.utils import timezone
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data_api import CourseNodeData, SyncRecordData
from ve_edu_vault.course_sync.models import CourseNode, CourseSyncState, SyncRecord
from ve_edu_vault.course_sync.nodes import row_to_node
from ve_edu_vault.prepared_queries import PreparedQuery
from ve_edu_vault.projection import Projection

# The stored values other modules compare with (the models' choices).
ACTIVE, ARCHIVED = CourseNode.ACTIVE, CourseNode.ARCHIVED
APPLY_ALL, HOLD_DESTRUCTIVE = CourseSyncState.APPLY_ALL, CourseSyncState.HOLD_DESTRUCTIVE
POLICIES = tuple(value for value, _label in CourseSyncState.POLICY_CHOICES)
APPLIED, HELD, REJECTED = SyncRecord.APPLIED, SyncRecord.HELD, SyncRecord.REJECTED
SKIPPED, FAILED, UNDONE = SyncRecord.SKIPPED, SyncRecord.FAILED, SyncRecord.UNDONE

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


# --- the per-course sync state (its row is the course's sync lock) ---------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncState:
    """A course's sync settings and bookkeeping (the ``CourseSyncState`` row)."""

    course_key: CourseKey
    policy: str
    paused: bool
    paused_reason: str
    last_version: str
    last_published_at: datetime | None
    last_heartbeat_at: datetime | None


_STATE_FIELDS = ("policy", "paused", "paused_reason", "last_version", "last_published_at", "last_heartbeat_at")


def _sync_state(row: CourseSyncState) -> SyncState:
    return SyncState(course_key=cast(CourseKey, row.course_key), **{name: getattr(row, name) for name in _STATE_FIELDS})


def lock_state(course_key: CourseKey) -> SyncState:
    """The course's state, created when missing, locked (``SELECT ... FOR UPDATE``) until the transaction ends."""
    CourseSyncState.objects.get_or_create(course_key=course_key)
    return _sync_state(CourseSyncState.objects.select_for_update().get(course_key=course_key))


def get_state(course_key: CourseKey) -> SyncState:
    """The course's state, created when missing (not locked)."""
    return _sync_state(CourseSyncState.objects.get_or_create(course_key=course_key)[0])


def has_state(course_key: CourseKey) -> bool:
    """Whether the vault knows the course (a sync or a setting was ever recorded for it)."""
    return CourseSyncState.objects.filter(course_key=course_key).exists()


def save_state(state: SyncState) -> None:
    """Write every field of ``state`` to the course's row (the caller holds its lock): one UPDATE."""
    values = {name: getattr(state, name) for name in _STATE_FIELDS}
    CourseSyncState.objects.filter(course_key=state.course_key).update(**values, modified=timezone.now())


# --- sync records ---------------------------------------------------------------------------------


def _record_data(record: SyncRecord) -> SyncRecordData:
    undone_by = getattr(record, "undone_by", None) if record.status == SyncRecord.UNDONE else None
    return SyncRecordData(
        id=record.pk,
        course_key=record.course_key,
        source=record.source,
        trigger=record.trigger,
        outline_version=record.outline_version,
        outline_published_at=record.outline_published_at,
        status=record.status,
        counts=record.counts,
        timings=record.timings,
        message=record.message,
        created=record.created,
        finished=record.finished,
        undo_of_id=record.undo_of_id,
        undone_by_id=undone_by.pk if undone_by else None,
        requested_by_id=record.requested_by_id,
        changes=record.changes,
    )


def create_record(
    *,
    course_key: CourseKey,
    source: str,
    trigger: str,
    status: str,
    finished: datetime,
    outline_version: str = "",
    outline_published_at: datetime | None = None,
    counts: dict[str, int] | None = None,
    changes: list[dict[str, Any]] | None = None,
    timings: dict[str, float] | None = None,
    message: str = "",
    requested_by_id: int | None = None,
    undo_of_id: int | None = None,
) -> SyncRecordData:
    record = SyncRecord.objects.create(
        course_key=course_key,
        source=source,
        trigger=trigger,
        status=status,
        finished=finished,
        outline_version=outline_version,
        outline_published_at=outline_published_at,
        counts=counts or {},
        changes=changes or [],
        timings=timings or {},
        message=message,
        requested_by_id=requested_by_id,
        undo_of_id=undo_of_id,
    )
    return _record_data(record)


def get_record(sync_id: int, *, lock: bool = False) -> SyncRecordData | None:
    """One record, or None; ``lock`` takes its row lock (take the course's lock first: ``lock_state``)."""
    records = SyncRecord.objects.filter(pk=sync_id)
    records = records.select_for_update() if lock else records.select_related("undone_by")
    record = records.first()
    return _record_data(record) if record is not None else None


def find_record(course_key: CourseKey, *, statuses: Iterable[str], outline_version: str) -> SyncRecordData | None:
    """The latest record of the course with one of ``statuses`` for this outline version."""
    record = SyncRecord.objects.filter(
        course_key=course_key, status__in=list(statuses), outline_version=outline_version
    ).first()
    return _record_data(record) if record is not None else None


def applied_after(course_key: CourseKey, sync_id: int) -> list[SyncRecordData]:
    """The course's applied records later than ``sync_id``, oldest first."""
    records = SyncRecord.objects.filter(course_key=course_key, pk__gt=sync_id, status=SyncRecord.APPLIED)
    return [_record_data(record) for record in records.order_by("pk")]


def update_record(
    sync_id: int, *, status: str, message: str | None = None, finished: datetime | None = None
) -> SyncRecordData:
    """Set a record's status (and its message and end time when given)."""
    values: dict[str, Any] = {"status": status}
    if message is not None:
        values["message"] = message
    if finished is not None:
        values["finished"] = finished
    SyncRecord.objects.filter(pk=sync_id).update(**values)
    return _record_data(SyncRecord.objects.select_related("undone_by").get(pk=sync_id))


def list_records(course_key: CourseKey, *, limit: int | None = None) -> list[SyncRecordData]:
    records = SyncRecord.objects.filter(course_key=course_key).select_related("undone_by").order_by("-id")
    return [_record_data(record) for record in (records[:limit] if limit else records)]


# --- reading the mirror -----------------------------------------------------------------------------


def _node_data(row: Any) -> CourseNodeData:
    """A ``CourseNode`` (or a namespace of its column values and ``pk``) as the applets' frozen data."""
    return CourseNodeData(
        id=row.pk,
        course_key=row.course_key,
        usage_key=row.usage_key,
        kind=row.kind,
        display_name=row.display_name,
        parent_key=row.parent_key,
        position=row.position,
        archived=row.state == CourseNode.ARCHIVED,
        attributes=row_to_node(row).attributes.as_dict(),
        components=row.components,
        vault_data=row.vault_data,
    )


def course_nodes(course_key: CourseKey) -> list[CourseNodeData]:
    """Every node of the course's mirror, active and archived, without children."""
    return [_node_data(row) for row in CourseNode.objects.filter(course_key=course_key)]


def nodes_by_usage_key(usage_keys: Iterable[str]) -> list[CourseNodeData]:
    keys = list(usage_keys)
    return [_node_data(row) for row in CourseNode.objects.filter(usage_key__in=keys)] if keys else []


def node_by_usage_key(usage_key: UsageKey) -> CourseNodeData | None:
    row = CourseNode.objects.filter(usage_key=usage_key).first()
    return _node_data(row) if row is not None else None


# The node's columns, in the order ``_node_from_values`` takes them.
_NODE_COLUMNS = tuple(item.attname for item in CourseNode._meta.concrete_fields)
# Read on every graded submission (the objectives of its questions): compiled once per connection.
_NODES_BY_ID = PreparedQuery(lambda node_ids: CourseNode.objects.filter(pk__in=node_ids).values_list(*_NODE_COLUMNS))


def _node_from_values(values: Sequence[Any]) -> CourseNodeData | None:
    """A node's column values (converted by the ORM) as frozen data; None where an outer join found none."""
    if values[0] is None:
        return None
    row = SimpleNamespace(**dict(zip(_NODE_COLUMNS, values, strict=True)))
    row.pk = row.id
    return _node_data(row)


def nodes_by_id(node_ids: Iterable[int]) -> dict[int, CourseNodeData]:
    """
    The mirror's nodes among ``node_ids``, by id, in one read (unknown ids left out).

    Rows become plain namespaces, not ``CourseNode`` instances: assigning a key to a model's key
    field formats the key (opaque-keys builds a message with ``str(key)`` on every assignment).
    """
    rows = _NODES_BY_ID.rows(node_ids=sorted(set(node_ids)))
    return {row[0]: node for row in rows if (node := _node_from_values(row)) is not None}


#: A node as another applet's ORM repository selects it in its own join (``NODE.through("question__node")``).
NODE: Projection[CourseNodeData | None] = Projection(_NODE_COLUMNS, _node_from_values)


#: The ``sender`` of course sync's signals and events (unchanged since they were sent from the models' module).
SIGNAL_SENDER: type = SyncRecord
