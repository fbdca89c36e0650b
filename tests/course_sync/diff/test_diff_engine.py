"""Table tests of the course sync diff engine: one outline pair per case, the exact changes expected."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import (
    ChangeKind,
    ChangeSet,
    ComponentRef,
    CourseOutline,
    NodeAttributes,
    NodeKind,
    OutlineNode,
)
from ve_edu_vault.course_sync.diff import Mirror, apply_change_set, diff_outlines, invert_change_set

COURSE = CourseKey.from_string("course-v1:VE+Diff101+2025")
KINDS = (NodeKind.TOPIC, NodeKind.SUBTOPIC, NodeKind.OBJECTIVE)
BLOCK_TYPES = {NodeKind.TOPIC: "chapter", NodeKind.SUBTOPIC: "sequential", NodeKind.OBJECTIVE: "vertical"}

Spec = list[Any]  # [("t1", [("s1", ["o1", "o2"])]), "t2"]: nested (block_id, children) or block_id


def outline(spec: Spec, *, names: dict[str, str] | None = None, **extra: dict[str, Any]) -> CourseOutline:
    """An outline from a nested spec; ``names``/``attributes``/``components`` override per block id."""
    nodes: list[OutlineNode] = []

    def walk(items: Spec, depth: int, parent: OutlineNode | None) -> None:
        for position, item in enumerate(items):
            block_id, children = (item, []) if isinstance(item, str) else item
            kind = KINDS[depth]
            overrides = {field: values[block_id] for field, values in extra.items() if block_id in values}
            node = OutlineNode(
                usage_key=COURSE.make_usage_key(BLOCK_TYPES[kind], block_id),
                kind=kind,
                display_name=(names or {}).get(block_id, block_id.upper()),
                parent_key=parent.usage_key if parent else None,
                position=position,
                **overrides,
            )
            nodes.append(node)
            walk(children, depth + 1, node)

    walk(spec, 0, None)
    return CourseOutline(course_key=COURSE, version="v", nodes=tuple(nodes))


def summary(change_set: ChangeSet) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.kind.value, c.usage_key.block_id, c.fields) for c in change_set.changes]


def check_replay(old: CourseOutline, new: CourseOutline, change_set: ChangeSet) -> None:
    """Every case also replays: the diff turns the mirror into ``new``, and its inverse turns it back."""
    mirror = Mirror.from_outline(old)
    applied = apply_change_set(mirror, change_set)
    assert applied.active == new.by_key()
    assert apply_change_set(applied, invert_change_set(change_set)) == mirror


BASE: Spec = [("t1", [("s1", ["o1", "o2", "o3"]), ("s2", ["o4"])]), ("t2", [("s3", ["o5"])])]
DUE = datetime(2025, 3, 1, tzinfo=UTC)
PROBLEM = ComponentRef(usage_key=COURSE.make_usage_key("problem", "p1"), block_type="problem")
HTML = ComponentRef(usage_key=COURSE.make_usage_key("html", "h1"), block_type="html")

CASES: dict[str, tuple[CourseOutline, CourseOutline, list[tuple[str, str, tuple[str, ...]]]]] = {
    "identical outlines": (outline(BASE), outline(BASE), []),
    "both empty": (outline([]), outline([]), []),
    "from empty: adds in new order": (
        outline([]),
        outline([("t1", ["s1"]), "t2"]),
        [("add", "t1", ()), ("add", "s1", ()), ("add", "t2", ())],
    ),
    "to empty: removes in old order": (
        outline([("t1", ["s1"]), "t2"]),
        outline([]),
        [("remove", "t1", ()), ("remove", "s1", ()), ("remove", "t2", ())],
    ),
    "add at the end": (
        outline(BASE),
        outline([("t1", [("s1", ["o1", "o2", "o3", "o9"]), ("s2", ["o4"])]), ("t2", [("s3", ["o5"])])]),
        [("add", "o9", ())],
    ),
    "reorder after insert": (
        outline(BASE),
        outline([("t1", [("s1", ["o9", "o1", "o2", "o3"]), ("s2", ["o4"])]), ("t2", [("s3", ["o5"])])]),
        [("add", "o9", ()), ("reorder", "o1", ()), ("reorder", "o2", ()), ("reorder", "o3", ())],
    ),
    "remove shifts later siblings": (
        outline(BASE),
        outline([("t1", [("s1", ["o2", "o3"]), ("s2", ["o4"])]), ("t2", [("s3", ["o5"])])]),
        [("reorder", "o2", ()), ("reorder", "o3", ()), ("remove", "o1", ())],
    ),
    "swap two topics": (
        outline(BASE),
        outline([("t2", [("s3", ["o5"])]), ("t1", [("s1", ["o1", "o2", "o3"]), ("s2", ["o4"])])]),
        [("reorder", "t2", ()), ("reorder", "t1", ())],
    ),
    "move gives no reorder for the moved node": (
        outline(BASE),
        outline([("t1", [("s1", ["o1", "o3"]), ("s2", ["o2", "o4"])]), ("t2", [("s3", ["o5"])])]),
        [("move", "o2", ()), ("reorder", "o3", ()), ("reorder", "o4", ())],
    ),
    "move and rename of the same node": (
        outline(BASE),
        outline([("t1", [("s1", ["o1", "o2"]), ("s2", ["o4"])]), ("t2", [("s3", ["o5", "o3"])])], names={"o3": "New"}),
        [("move", "o3", ()), ("rename", "o3", ())],
    ),
    "subtree moved under a new section": (
        outline(BASE),
        outline([("t1", [("s2", ["o4"])]), ("t2", [("s3", ["o5"])]), ("t3", [("s1", ["o1", "o2", "o3"])])]),
        [("add", "t3", ()), ("move", "s1", ()), ("reorder", "s2", ())],
    ),
    "rename only": (outline(BASE), outline(BASE, names={"s2": "Renamed"}), [("rename", "s2", ())]),
    "attributes and components": (
        outline(BASE, components={"o1": (PROBLEM,)}),
        outline(
            BASE,
            attributes={"s1": NodeAttributes(graded=True, due=DUE)},
            components={"o1": (PROBLEM, HTML)},
        ),
        [("attributes", "s1", ("due", "graded")), ("attributes", "o1", ("components",))],
    ),
    "component order is a change": (
        outline(BASE, components={"o1": (PROBLEM, HTML)}),
        outline(BASE, components={"o1": (HTML, PROBLEM)}),
        [("attributes", "o1", ("components",))],
    ),
    "everything at once, sorted by kind then new order": (
        outline(BASE),
        outline(
            [("t2", [("s3", ["o5", "o1"])]), ("t1", [("s1", ["o2"]), ("s2", ["o4", "o8"])])],
            names={"o5": "Five", "t1": "One"},
            attributes={"o4": NodeAttributes(visible_to_staff_only=True)},
        ),
        [
            ("add", "o8", ()),
            ("move", "o1", ()),
            ("reorder", "t2", ()),
            ("reorder", "t1", ()),
            ("reorder", "o2", ()),
            ("rename", "o5", ()),
            ("rename", "t1", ()),
            ("attributes", "o4", ("visible_to_staff_only",)),
            ("remove", "o3", ()),
        ],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), CASES.values(), ids=CASES.keys())
def test_diff_cases(old: CourseOutline, new: CourseOutline, expected: list[tuple[str, str, tuple[str, ...]]]) -> None:
    change_set = diff_outlines(old.nodes, new)

    assert summary(change_set) == expected
    assert change_set.course_key == COURSE
    assert change_set.is_empty == (not expected)
    check_replay(old, new, change_set)


def test_changes_carry_before_and_after_states() -> None:
    old, new = outline(BASE), outline([("t1", [("s1", ["o1", "o2"]), ("s2", ["o4", "o3"])]), "t2", "t4"])
    olds, news = old.by_key(), new.by_key()

    for change in diff_outlines(old.nodes, new).changes:
        assert change.before is olds.get(change.usage_key)
        assert change.after is news.get(change.usage_key)
        assert (change.before is None) == (change.kind is ChangeKind.ADD)
        assert (change.after is None) == (change.kind is ChangeKind.REMOVE)


def test_moved_node_after_carries_its_new_position() -> None:
    new = outline([("t1", [("s1", ["o1", "o3"]), ("s2", ["o2", "o4"])]), ("t2", [("s3", ["o5"])])])

    (move,) = diff_outlines(outline(BASE).nodes, new).of_kind(ChangeKind.MOVE)

    assert move.after is not None and move.before is not None
    assert (move.before.position, move.after.position) == (1, 0)
    assert move.after.parent_key == COURSE.make_usage_key("sequential", "s2")


def test_remove_then_restore_gives_only_restore_with_archived_snapshot() -> None:
    old = outline(BASE)
    without_o2 = outline([("t1", [("s1", ["o1", "o3"]), ("s2", ["o4"])]), ("t2", [("s3", ["o5"])])])
    first = diff_outlines(old.nodes, without_o2)
    mirror = apply_change_set(Mirror.from_outline(old), first)
    archived_o2 = mirror.archived[COURSE.make_usage_key("vertical", "o2")]
    back = outline(
        [("t1", [("s1", ["o1", "o3"]), ("s2", ["o4", "o2"])]), ("t2", [("s3", ["o5"])])], names={"o2": "Back"}
    )

    second = diff_outlines(mirror.active.values(), back, archived=mirror.archived)

    assert summary(second) == [("restore", "o2", ())]
    (restore,) = second.changes
    assert restore.before is archived_o2
    assert restore.after is back.by_key()[restore.usage_key]
    restored = apply_change_set(mirror, second)
    assert restored.active == back.by_key()
    assert restored.archived == {}
    assert apply_change_set(restored, invert_change_set(second)) == mirror


def test_archived_node_not_in_new_outline_is_left_alone() -> None:
    archived_node = outline(["t9"]).nodes[0]

    change_set = diff_outlines(outline(BASE).nodes, outline(BASE), archived={archived_node.usage_key: archived_node})

    assert change_set.is_empty


def test_diff_is_deterministic_and_accepts_any_iterable() -> None:
    old, new = outline(BASE), outline([("t2", [("s3", ["o1", "o5"])]), ("t1", [("s2", ["o4"]), "s7"])])

    first = diff_outlines(old.nodes, new)
    again = diff_outlines(iter(list(old.nodes)), new)

    assert first == again
    kinds = [change.kind for change in first.changes]
    order = list(ChangeKind)
    assert kinds == sorted(kinds, key=order.index)


def test_keys_are_matched_by_value_not_identity() -> None:
    """Nodes read back from the database have fresh key objects; they must still match."""
    from dataclasses import replace

    from opaque_keys.edx.keys import UsageKey

    def fresh(node: OutlineNode) -> OutlineNode:
        parent = UsageKey.from_string(str(node.parent_key)) if node.parent_key else None
        return replace(node, usage_key=UsageKey.from_string(str(node.usage_key)), parent_key=parent)

    old = outline(BASE, components={"o1": (PROBLEM, HTML)}, attributes={"s1": NodeAttributes(due=DUE)})
    new = outline(BASE, components={"o1": (PROBLEM, HTML)}, attributes={"s1": NodeAttributes(due=DUE)})

    assert diff_outlines([fresh(node) for node in old.nodes], new).is_empty
