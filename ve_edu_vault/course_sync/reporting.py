"""
The JSON report of a sync: one shape for ``vault_sync_course --json``, ``vault_undo_sync --json`` and REST.

TLDR: this is a public contract that operators' scripts parse (see docs/course_sync_json.rst).
Change it only additively; build it here and nowhere else so the command and the API never drift.
"""

from __future__ import annotations

from typing import Any

from opaque_keys.edx.keys import UsageKey

from ve_edu_vault.course_sync.data import Change, ChangeKind, NodeKind
from ve_edu_vault.course_sync.data_api import SyncResult
from ve_edu_vault.course_sync.serialization import node_to_dict

__all__ = [
    "COUNT_KINDS",
    "NODE_KINDS",
    "change_to_report",
    "expected_nodes",
    "report_counts",
    "stored_change_to_report",
    "sync_result_to_dict",
]

# The keys of "counts", in this order. Undo-only kinds (unadd, unrestore) archive nodes, so they
# are counted as "remove"; the "changes" list keeps their exact kind.
COUNT_KINDS = ("add", "remove", "move", "rename", "reorder", "attributes", "restore")
_COUNTED_AS = {ChangeKind.UNADD.value: "remove", ChangeKind.UNRESTORE.value: "remove"}
NODE_KINDS = tuple(kind.value for kind in NodeKind)


def report_counts(raw: dict[str, int]) -> dict[str, int]:
    """Change counts by kind (as ``ChangeSet.counts()`` or a sync record store them) in the contract's keys."""
    counts = dict.fromkeys(COUNT_KINDS, 0)
    for kind, number in (raw or {}).items():
        key = _COUNTED_AS.get(kind, kind)
        if key in counts:
            counts[key] += int(number)
    return counts


def expected_nodes(current: dict[str, int], changes: tuple[Change, ...]) -> dict[str, int]:
    """
    Active nodes per kind once ``changes`` are applied to a mirror holding ``current``.

    Adds and restores count for the kind they arrive as, removals against the kind they had;
    a move that changes a node's kind (a subsection promoted to a section) moves it between kinds.
    """
    nodes = {kind: int((current or {}).get(kind, 0)) for kind in NODE_KINDS}
    for change in changes:
        if change.kind in (ChangeKind.ADD, ChangeKind.RESTORE) and change.after is not None:
            nodes[change.after.kind.value] += 1
        elif change.kind in (ChangeKind.REMOVE, ChangeKind.UNADD, ChangeKind.UNRESTORE) and change.before:
            nodes[change.before.kind.value] -= 1
        elif (
            change.kind is ChangeKind.MOVE
            and change.before is not None
            and change.after is not None
            and change.before.kind is not change.after.kind
        ):
            nodes[change.before.kind.value] -= 1
            nodes[change.after.kind.value] += 1
    return nodes


def change_to_report(change: Change) -> dict[str, Any]:
    """One change of the report: what happened to which block, with its state before and after."""
    node = change.after or change.before
    return {
        "kind": change.kind.value,
        "usage_key": str(change.usage_key),
        "block_type": change.usage_key.block_type,
        "display_name": node.display_name if node else "",
        "before": node_to_dict(change.before) if change.before else None,
        "after": node_to_dict(change.after) if change.after else None,
        "fields": list(change.fields),
    }


def stored_change_to_report(item: dict[str, Any]) -> dict[str, Any]:
    """A change as a sync record stores it (``serialization.change_to_dict``), in the report's shape."""
    node = item.get("after") or item.get("before") or {}
    return {
        "kind": item["kind"],
        "usage_key": item["usage_key"],
        "block_type": UsageKey.from_string(item["usage_key"]).block_type,
        "display_name": node.get("display_name", ""),
        "before": item.get("before"),
        "after": item.get("after"),
        "fields": list(item.get("fields") or ()),
    }


def sync_result_to_dict(result: SyncResult) -> dict[str, Any]:
    """
    The contract's report of a sync, dry run or undo.

    ``nodes`` are the mirror's active nodes after the sync; for a dry run, the nodes the mirror
    would have if the changes were applied.
    """
    changes = result.change_set.changes
    nodes = {kind: int(result.nodes.get(kind, 0)) for kind in NODE_KINDS}
    if result.status == "dry_run":
        nodes = expected_nodes(result.nodes, changes)
    return {
        "sync_id": result.sync_id,
        "course_key": str(result.course_key),
        "outline_version": result.outline_version,
        "status": result.status,
        "nodes": nodes,
        "counts": report_counts(result.counts),
        "changes": [change_to_report(change) for change in changes],
    }
