"""Tests of replaying and inverting change sets on an in-memory mirror (the reference semantics)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import Change, ChangeKind, ChangeSet, NodeAttributes, NodeKind, OutlineNode
from ve_edu_vault.course_sync.diff import Mirror, ReplayConflict, apply_change_set, invert_change_set

COURSE = CourseKey.from_string("course-v1:VE+Replay+2025")
TOPIC = OutlineNode(
    usage_key=COURSE.make_usage_key("chapter", "t1"), kind=NodeKind.TOPIC, display_name="T", parent_key=None, position=0
)
SUB = OutlineNode(
    usage_key=COURSE.make_usage_key("sequential", "s1"),
    kind=NodeKind.SUBTOPIC,
    display_name="S",
    parent_key=TOPIC.usage_key,
    position=0,
)


def change_set(*changes: Change) -> ChangeSet:
    return ChangeSet(course_key=COURSE, changes=changes)


def test_inverse_of_add_drops_the_node_entirely() -> None:
    mirror = Mirror.of([TOPIC])
    added = change_set(Change(kind=ChangeKind.ADD, usage_key=SUB.usage_key, before=None, after=SUB))

    inverse = invert_change_set(added)

    assert [c.kind for c in inverse.changes] == [ChangeKind.UNADD]
    assert apply_change_set(apply_change_set(mirror, added), inverse) == mirror
    assert invert_change_set(inverse) == added


def test_inverse_of_remove_restores_the_archived_state() -> None:
    mirror = Mirror.of([TOPIC, SUB])
    removed = change_set(Change(kind=ChangeKind.REMOVE, usage_key=SUB.usage_key, before=SUB, after=None))

    after = apply_change_set(mirror, removed)

    assert after == Mirror.of([TOPIC], archived=[SUB])
    assert [c.kind for c in invert_change_set(removed).changes] == [ChangeKind.RESTORE]
    assert apply_change_set(after, invert_change_set(removed)) == mirror


def test_inverse_of_restore_archives_the_earlier_archived_state() -> None:
    archived = replace(SUB, display_name="Old name", position=7)
    mirror = Mirror.of([TOPIC], archived=[archived])
    restored = change_set(Change(kind=ChangeKind.RESTORE, usage_key=SUB.usage_key, before=archived, after=SUB))

    after = apply_change_set(mirror, restored)

    assert after == Mirror.of([TOPIC, SUB])
    assert [c.kind for c in invert_change_set(restored).changes] == [ChangeKind.UNRESTORE]
    assert apply_change_set(after, invert_change_set(restored)) == mirror
    assert invert_change_set(invert_change_set(restored)) == restored


def test_each_kind_updates_only_its_fields() -> None:
    target = replace(SUB, display_name="New", attributes=NodeAttributes(graded=True, format="Exam"))
    mirror = Mirror.of([TOPIC, SUB])
    rename = change_set(Change(kind=ChangeKind.RENAME, usage_key=SUB.usage_key, before=SUB, after=target))
    graded = change_set(
        Change(kind=ChangeKind.ATTRIBUTES, usage_key=SUB.usage_key, before=SUB, after=target, fields=("graded",))
    )

    assert apply_change_set(mirror, rename).active[SUB.usage_key] == replace(SUB, display_name="New")
    assert apply_change_set(mirror, graded).active[SUB.usage_key] == replace(
        SUB, attributes=NodeAttributes(graded=True)
    )


def test_inverted_change_set_runs_in_reverse_order() -> None:
    moved = replace(SUB, position=3)
    forward = change_set(
        Change(kind=ChangeKind.ADD, usage_key=TOPIC.usage_key, before=None, after=TOPIC),
        Change(kind=ChangeKind.REORDER, usage_key=SUB.usage_key, before=SUB, after=moved),
    )

    assert [c.kind for c in invert_change_set(forward).changes] == [ChangeKind.REORDER, ChangeKind.UNADD]


@pytest.mark.parametrize(
    ("mirror", "change"),
    [
        (Mirror.of([SUB]), Change(kind=ChangeKind.ADD, usage_key=SUB.usage_key, before=None, after=SUB)),
        (Mirror.of([], archived=[SUB]), Change(kind=ChangeKind.ADD, usage_key=SUB.usage_key, before=None, after=SUB)),
        (Mirror.of([]), Change(kind=ChangeKind.REMOVE, usage_key=SUB.usage_key, before=SUB, after=None)),
        (
            Mirror.of([replace(SUB, display_name="Other")]),
            Change(kind=ChangeKind.RENAME, usage_key=SUB.usage_key, before=SUB, after=replace(SUB, display_name="X")),
        ),
        (Mirror.of([]), Change(kind=ChangeKind.RESTORE, usage_key=SUB.usage_key, before=SUB, after=SUB)),
        (
            Mirror.of([SUB]),
            Change(kind=ChangeKind.ATTRIBUTES, usage_key=SUB.usage_key, before=SUB, after=SUB, fields=("colour",)),
        ),
    ],
    ids=["add-active", "add-archived", "remove-missing", "rename-stale", "restore-missing", "unknown-field"],
)
def test_change_that_does_not_fit_the_mirror_raises(mirror: Mirror, change: Change) -> None:
    with pytest.raises(ReplayConflict):
        apply_change_set(mirror, change_set(change))


def test_apply_does_not_mutate_its_input() -> None:
    mirror = Mirror.of([TOPIC, SUB])

    apply_change_set(
        mirror, change_set(Change(kind=ChangeKind.REMOVE, usage_key=SUB.usage_key, before=SUB, after=None))
    )

    assert mirror == Mirror.of([TOPIC, SUB])
