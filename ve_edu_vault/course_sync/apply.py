"""
The change processor: applies a ChangeSet to the mirror's rows, in bulk, one strategy per kind.

TLDR: the caller holds the course's lock and a transaction. Strategies only change rows in
memory; then one upsert statement (``store.upsert_rows``) writes every added and changed row, so
the number of queries does not grow with the size of the course. The semantics
are those of the pure ``diff.replay`` module, with one deliberate difference: UNADD (undo of an
add) archives the row instead of deleting it, because nodes are never deleted and authors may
already have attached questions to it (see docs/decisions/0002-course-sync.rst).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from opaque_keys.edx.keys import UsageKey

from ve_edu_vault.course_sync.data import Change, ChangeKind, ChangeSet, OutlineNode
from ve_edu_vault.course_sync.diff.handlers import ATTRIBUTE_NAMES, COMPONENTS_FIELD
from ve_edu_vault.course_sync.nodes import write_node_fields
from ve_edu_vault.course_sync.store import ACTIVE, ARCHIVED, NodeRow, upsert_rows
from ve_edu_vault.errors import ConflictError

Rows = dict[UsageKey, NodeRow]
Strategy = Callable[[Change, Rows, list[NodeRow], datetime], None]


def _row(rows: Rows, change: Change) -> NodeRow:
    row = rows.get(change.usage_key)
    if row is None:
        raise ConflictError(f"{change.kind.value} of {change.usage_key}: the node is not in the mirror.")
    return row


def _node(node: OutlineNode | None, change: Change) -> OutlineNode:
    if node is None:
        raise ConflictError(f"{change.kind.value} of {change.usage_key} carries no node state.")
    return node


def _add(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    after = _node(change.after, change)
    if change.usage_key in rows:  # an archived row left by an undone add: bring it back
        _restore(change, rows, created, now)
        return
    row = NodeRow(course_key=after.usage_key.course_key, usage_key=after.usage_key, created=now)
    write_node_fields(row, after)
    row.state = ACTIVE
    rows[change.usage_key] = row
    created.append(row)


def _restore(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    row = _row(rows, change)
    write_node_fields(row, _node(change.after, change))
    row.state, row.archived_at = ACTIVE, None


def _archive(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    row = _row(rows, change)
    if change.kind is ChangeKind.UNRESTORE:  # back to the state it was archived in
        write_node_fields(row, _node(change.after, change))
    row.state, row.archived_at = ARCHIVED, now


def _move(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    row, after = _row(rows, change), _node(change.after, change)
    row.kind, row.parent_key, row.position = after.kind.value, after.parent_key, after.position


def _reorder(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    _row(rows, change).position = _node(change.after, change).position


def _rename(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    _row(rows, change).display_name = _node(change.after, change).display_name


def _attributes(change: Change, rows: Rows, created: list[NodeRow], now: datetime) -> None:
    row, after = _row(rows, change), _node(change.after, change)
    for name in change.fields:
        if name == COMPONENTS_FIELD:
            row.components = [[c.block_type, str(c.usage_key)] for c in after.components]
        elif name in ATTRIBUTE_NAMES:
            setattr(row, name, getattr(after.attributes, name))


STRATEGIES: dict[ChangeKind, Strategy] = {
    ChangeKind.ADD: _add,
    ChangeKind.RESTORE: _restore,
    ChangeKind.MOVE: _move,
    ChangeKind.REORDER: _reorder,
    ChangeKind.RENAME: _rename,
    ChangeKind.ATTRIBUTES: _attributes,
    ChangeKind.REMOVE: _archive,
    ChangeKind.UNADD: _archive,
    ChangeKind.UNRESTORE: _archive,
}


def apply_change_set(change_set: ChangeSet, rows: Rows, *, now: datetime) -> None:
    """Apply ``change_set`` to ``rows`` (all mirror rows of the course, by usage key) and save them."""
    created: list[NodeRow] = []
    touched: dict[int, NodeRow] = {}
    for change in change_set.changes:
        STRATEGIES[change.kind](change, rows, created, now)
        row = rows[change.usage_key]
        touched[id(row)] = row
    upsert_rows(list(touched.values()), now=now)
