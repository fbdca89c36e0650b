"""
Conversions between mirror rows (``CourseNode``) and frozen ``OutlineNode`` / public ``CourseNodeData``.

Kept apart from ``api.py`` so the processor and the API share one mapping of fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from opaque_keys.edx.keys import UsageKey

from ve_edu_vault.course_sync.data import ComponentRef, NodeAttributes, NodeKind, OutlineNode


def write_node_fields(row: Any, node: OutlineNode) -> None:
    """Copy every synced field of ``node`` onto ``row`` (never ``vault_data`` or ``state``)."""
    attributes = node.attributes
    row.kind = node.kind.value
    row.display_name = node.display_name
    row.parent_key = node.parent_key
    row.position = node.position
    row.graded = attributes.graded
    row.format = attributes.format
    row.start = attributes.start
    row.due = attributes.due
    row.visible_to_staff_only = attributes.visible_to_staff_only
    row.hide_after_due = attributes.hide_after_due
    row.components = [[c.block_type, str(c.usage_key)] for c in node.components]


def row_to_node(row: Any, parse: Callable[[str], UsageKey] = UsageKey.from_string) -> OutlineNode:
    """The outline node a mirror row holds (``CourseNode`` or ``store.NodeRow``)."""
    return OutlineNode(
        usage_key=cast(UsageKey, row.usage_key),
        kind=NodeKind(row.kind),
        display_name=row.display_name,
        parent_key=row.parent_key,
        position=row.position,
        attributes=NodeAttributes(
            graded=row.graded,
            format=row.format,
            start=row.start,
            due=row.due,
            visible_to_staff_only=row.visible_to_staff_only,
            hide_after_due=row.hide_after_due,
        ),
        components=tuple(
            ComponentRef(block_type=block_type, usage_key=parse(key)) for block_type, key in row.components or ()
        ),
    )
