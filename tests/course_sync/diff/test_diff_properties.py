"""
Property tests of the diff engine: for random pairs of outlines over a shared pool of keys,

- applying the diff to the mirror gives exactly the new outline (archived nodes kept, removed
  nodes archived, restored ones un-archived), and
- applying the inverse afterwards gives back exactly the earlier mirror.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import event, given, settings
from hypothesis import strategies as st
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import (
    ChangeKind,
    ComponentRef,
    CourseOutline,
    NodeAttributes,
    NodeKind,
    OutlineNode,
)
from ve_edu_vault.course_sync.diff import Mirror, apply_change_set, diff_outlines, invert_change_set
from ve_edu_vault.course_sync.diff.generate import MUTATION_KINDS, build_outline, generate_outline, mutate_outline

COURSE = CourseKey.from_string("course-v1:VE+Prop+2025")
POOL: dict[NodeKind, list[UsageKey]] = {
    NodeKind.TOPIC: [COURSE.make_usage_key("chapter", f"t{i}") for i in range(4)],
    NodeKind.SUBTOPIC: [COURSE.make_usage_key("sequential", f"s{i}") for i in range(7)],
    NodeKind.OBJECTIVE: [COURSE.make_usage_key("vertical", f"o{i}") for i in range(10)],
}
COMPONENTS = [ComponentRef(usage_key=COURSE.make_usage_key("problem", f"p{i}"), block_type="problem") for i in range(3)]
NAMES = st.sampled_from(["A", "B", "C"])
ATTRIBUTES = st.builds(NodeAttributes, graded=st.booleans(), format=st.sampled_from(["", "Exam"]))


@st.composite
def node_states(draw: st.DrawFn, key: UsageKey, kind: NodeKind, parent: UsageKey | None) -> OutlineNode:
    return OutlineNode(
        usage_key=key,
        kind=kind,
        display_name=draw(NAMES),
        parent_key=parent,
        position=0,  # recomputed by build_outline
        attributes=draw(ATTRIBUTES),
        components=tuple(draw(st.lists(st.sampled_from(COMPONENTS), max_size=2))) if kind is NodeKind.OBJECTIVE else (),
    )


@st.composite
def outlines(draw: st.DrawFn) -> CourseOutline:
    """A random tree of topics, subtopics and objectives drawn from the shared key pool."""
    children: dict[UsageKey | None, list[OutlineNode]] = {}
    parents: list[UsageKey | None] = [None]
    for kind in (NodeKind.TOPIC, NodeKind.SUBTOPIC, NodeKind.OBJECTIVE):
        keys = draw(st.lists(st.sampled_from(POOL[kind]), unique=True)) if parents else []
        for key in keys:
            parent = draw(st.sampled_from(parents))
            children.setdefault(parent, []).append(draw(node_states(key, kind, parent)))
        parents = list(keys)

    def walk(parent: UsageKey | None) -> list[OutlineNode]:
        return [n for child in children.get(parent, []) for n in (child, *walk(child.usage_key))]

    return build_outline(COURSE, walk(None), version="v")


@st.composite
def archives(draw: st.DrawFn, active: CourseOutline) -> dict[UsageKey, OutlineNode]:
    """Archived nodes (any last state) for pool keys not active in the mirror."""
    active_keys = active.by_key()
    archived = {}
    for kind, keys in POOL.items():
        candidates = [key for key in keys if key not in active_keys]
        for key in draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []:
            parent = draw(st.sampled_from(POOL[kind.parent_kind])) if kind.parent_kind else None
            archived[key] = replace(draw(node_states(key, kind, parent)), position=draw(st.integers(0, 5)))
    return archived


def check(old: CourseOutline, new: CourseOutline, archived: dict[UsageKey, OutlineNode]) -> None:
    mirror = Mirror.of(old.nodes, archived.values())
    change_set = diff_outlines(old.nodes, new, archived=archived)

    applied = apply_change_set(mirror, change_set)
    for kind in {change.kind for change in change_set.changes}:
        event(f"has {kind.value}")

    new_keys = new.by_key()
    removed = {key: node for key, node in mirror.active.items() if key not in new_keys}
    assert applied.active == new_keys
    assert applied.archived == {**{k: v for k, v in archived.items() if k not in new_keys}, **removed}
    assert apply_change_set(applied, invert_change_set(change_set)) == mirror
    # Deterministic, sorted by kind, at most one change of each kind per node, restore alone.
    assert diff_outlines(list(old.nodes), new, archived=dict(archived)) == change_set
    order = list(ChangeKind)
    kinds = [change.kind for change in change_set.changes]
    assert kinds == sorted(kinds, key=order.index)
    per_node = [(change.usage_key, change.kind) for change in change_set.changes]
    assert len(per_node) == len(set(per_node))
    for change in change_set.of_kind(ChangeKind.RESTORE):
        assert [c.kind for c in change_set.changes if c.usage_key == change.usage_key] == [ChangeKind.RESTORE]
    if old == new and not (archived.keys() & new_keys.keys()):
        assert change_set.is_empty


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_random_outline_pairs_replay_and_invert(data: st.DataObject) -> None:
    old = data.draw(outlines(), label="old")
    new = data.draw(outlines(), label="new")
    archived = data.draw(archives(old), label="archived")

    check(old, new, archived)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(0, 150),
    fraction=st.sampled_from([0.0, 0.01, 0.1, 0.5]),
    seed=st.integers(0, 2**16),
    kinds=st.sets(st.sampled_from(MUTATION_KINDS), min_size=1),
)
def test_generated_edits_replay_and_invert(size: int, fraction: float, seed: int, kinds: set[str]) -> None:
    """Realistic outlines with a few edits of the chosen kinds, restores included."""
    base = generate_outline(COURSE, size + 20, seed)
    # The mirror archived some nodes earlier; the new outline may bring them back.
    old = mutate_outline(base, 0.2, seed + 1, kinds={"remove"})
    archived = {key: node for key, node in base.by_key().items() if key not in old.by_key()}
    new = mutate_outline(old, fraction, seed + 2, kinds=kinds, restorable=archived.values())

    check(old, new, archived)


def test_generator_is_deterministic_and_well_formed() -> None:
    outline = generate_outline(COURSE, 500, seed=3)

    assert outline == generate_outline(COURSE, 500, seed=3)
    assert len(outline.nodes) == 500
    by_key = outline.by_key()
    next_position: dict[UsageKey | None, int] = {}
    for node in outline.nodes:  # depth-first: parents first, positions 0, 1, 2... per parent
        parent_kind = by_key[node.parent_key].kind if node.parent_key in by_key else None
        assert parent_kind is node.kind.parent_kind
        assert node.position == next_position.get(node.parent_key, 0)
        next_position[node.parent_key] = node.position + 1
    mutated = mutate_outline(outline, 0.05, seed=4)
    assert mutated == mutate_outline(outline, 0.05, seed=4)
    assert not diff_outlines(outline.nodes, mutated).is_empty
