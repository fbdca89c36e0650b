"""
JSON shapes of outlines, nodes and changes (sync records, the standalone modulestore, ``--json``).

TLDR: keys are written as strings and read back as opaque keys; dates as ISO 8601. The shapes
are part of the management commands' ``--json`` contract, so change them only additively.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import (
    Change,
    ChangeKind,
    ChangeSet,
    ComponentRef,
    CourseOutline,
    NodeAttributes,
    NodeKind,
    OutlineNode,
)


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def attributes_from_dict(data: dict[str, Any]) -> NodeAttributes:
    return NodeAttributes(
        graded=bool(data.get("graded", False)),
        format=data.get("format") or "",
        start=_date(data.get("start")),
        due=_date(data.get("due")),
        visible_to_staff_only=bool(data.get("visible_to_staff_only", False)),
        hide_after_due=bool(data.get("hide_after_due", False)),
    )


def node_to_dict(node: OutlineNode) -> dict[str, Any]:
    return {
        "usage_key": str(node.usage_key),
        "kind": node.kind.value,
        "display_name": node.display_name,
        "parent_key": str(node.parent_key) if node.parent_key else None,
        "position": node.position,
        "attributes": node.attributes.as_dict(),
        "components": [[c.block_type, str(c.usage_key)] for c in node.components],
    }


def node_from_dict(data: dict[str, Any]) -> OutlineNode:
    return OutlineNode(
        usage_key=UsageKey.from_string(data["usage_key"]),
        kind=NodeKind(data["kind"]),
        display_name=data["display_name"],
        parent_key=UsageKey.from_string(data["parent_key"]) if data.get("parent_key") else None,
        position=int(data["position"]),
        attributes=attributes_from_dict(data.get("attributes") or {}),
        components=tuple(
            ComponentRef(block_type=block_type, usage_key=UsageKey.from_string(key))
            for block_type, key in data.get("components") or ()
        ),
    )


def outline_to_dict(outline: CourseOutline) -> dict[str, Any]:
    return {
        "course_key": str(outline.course_key),
        "version": outline.version,
        "published_at": outline.published_at.isoformat() if outline.published_at else None,
        "nodes": [node_to_dict(node) for node in outline.nodes],
    }


def outline_from_dict(data: dict[str, Any]) -> CourseOutline:
    return CourseOutline(
        course_key=CourseKey.from_string(data["course_key"]),
        version=data["version"],
        published_at=_date(data.get("published_at")),
        nodes=tuple(node_from_dict(node) for node in data.get("nodes") or ()),
    )


def change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "usage_key": str(change.usage_key),
        "before": node_to_dict(change.before) if change.before else None,
        "after": node_to_dict(change.after) if change.after else None,
        "fields": list(change.fields),
    }


def change_from_dict(data: dict[str, Any]) -> Change:
    return Change(
        kind=ChangeKind(data["kind"]),
        usage_key=UsageKey.from_string(data["usage_key"]),
        before=node_from_dict(data["before"]) if data.get("before") else None,
        after=node_from_dict(data["after"]) if data.get("after") else None,
        fields=tuple(data.get("fields") or ()),
    )


def change_set_to_list(change_set: ChangeSet) -> list[dict[str, Any]]:
    return [change_to_dict(change) for change in change_set.changes]


def change_set_from_list(course_key: CourseKey, data: list[dict[str, Any]]) -> ChangeSet:
    return ChangeSet(course_key=course_key, changes=tuple(change_from_dict(item) for item in data))
