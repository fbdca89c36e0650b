"""
Generated course outlines and seeded edits of them, for tests and benchmarks of course sync.

TLDR: deterministic (same seed, same outline), pure Python, realistic enough (Studio-like 32-hex
block ids, graded subsections with dates, units with a few components) to measure the diff engine
on, and small enough to trust. Not used in production code paths.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import (
    KIND_TO_BLOCK_TYPE,
    ComponentRef,
    CourseOutline,
    NodeAttributes,
    NodeKind,
    OutlineNode,
)

__all__ = ["MUTATION_KINDS", "build_outline", "generate_outline", "mutate_outline"]

#: The edits ``mutate_outline`` can make. "restore" needs ``restorable`` nodes.
MUTATION_KINDS: tuple[str, ...] = ("add", "remove", "move", "reorder", "rename", "attributes", "components", "restore")
_DEFAULT_KINDS = tuple(kind for kind in MUTATION_KINDS if kind != "restore")
_EPOCH = datetime(2025, 1, 6, tzinfo=UTC)
_COMPONENT_TYPES = ("problem", "html", "video", "problem", "problem")
_FORMATS = ("Homework", "Lab", "Exam")


def generate_outline(course_key: CourseKey, n_nodes: int, seed: int = 0, *, version: str = "v1") -> CourseOutline:
    """
    A course outline of exactly ``n_nodes`` nodes: topics of 2-8 subtopics of 2-8 objectives each.
    """
    rng = random.Random(seed)
    nodes: list[OutlineNode] = []
    used: set[str] = set()
    parent_of: dict[NodeKind | None, UsageKey | None] = {None: None}  # last node emitted of each kind
    positions: dict[UsageKey | None, int] = {}

    def emit(kind: NodeKind) -> None:
        parent = parent_of[kind.parent_kind]
        node = _new_node(rng, course_key, kind, parent, positions.get(parent, 0), used)
        positions[parent] = node.position + 1
        parent_of[kind] = node.usage_key
        nodes.append(node)

    while len(nodes) < n_nodes:
        emit(NodeKind.TOPIC)
        for _ in range(rng.randint(2, 8)):
            if len(nodes) >= n_nodes:
                break
            emit(NodeKind.SUBTOPIC)
            for _ in range(rng.randint(2, 8)):
                if len(nodes) >= n_nodes:
                    break
                emit(NodeKind.OBJECTIVE)
    return CourseOutline(course_key=course_key, version=version, published_at=_EPOCH, nodes=tuple(nodes))


def mutate_outline(
    outline: CourseOutline,
    fraction: float,
    seed: int = 0,
    *,
    kinds: Collection[str] = _DEFAULT_KINDS,
    restorable: Iterable[OutlineNode] = (),
) -> CourseOutline:
    """
    ``outline`` after ``round(fraction * len(nodes))`` (at least one if ``fraction`` > 0) random edits.

    Each edit is one of ``kinds`` (see ``MUTATION_KINDS``) on a random node; "remove" takes the
    node's subtree with it, "restore" puts back one of ``restorable`` (e.g. the mirror's archived
    nodes) under a random parent, in its archived state or renamed. Positions are recomputed, and
    unchanged nodes are the very objects of ``outline``.
    """
    rng = random.Random(seed)
    tree = _Tree.of(outline)
    pool = [node for node in restorable if node.usage_key not in tree.nodes]
    used = {key.block_id for key in tree.nodes}
    kinds = sorted(kinds)
    count = max(1, round(fraction * len(outline.nodes))) if fraction > 0 else 0
    for _ in range(count):
        kind = rng.choice(kinds)
        if kind == "add" or not tree.nodes:
            new_kind = rng.choice(list(NodeKind))
            parent = tree.pick_parent(rng, new_kind)
            if parent is not _NO_PARENT:
                tree.insert(rng, _new_node(rng, outline.course_key, new_kind, parent, 0, used))
        elif kind == "restore":
            if pool:
                node = pool.pop(rng.randrange(len(pool)))
                parent = tree.pick_parent(rng, node.kind)
                if parent is not _NO_PARENT:
                    name = node.display_name if rng.random() < 0.5 else node.display_name + " (back)"
                    tree.insert(rng, replace(node, parent_key=parent, display_name=name))
        else:
            key = tree.pick(rng, None)
            assert key is not None  # the tree is not empty
            node = tree.nodes[key]
            if kind == "remove":
                tree.remove(key)
            elif kind == "move" and node.kind is not NodeKind.TOPIC:
                parent = tree.pick_parent(rng, node.kind)
                if parent is not _NO_PARENT and parent != node.parent_key:
                    tree.detach(key)
                    tree.insert(rng, replace(node, parent_key=parent))
            elif kind in ("move", "reorder"):
                tree.detach(key)
                tree.insert(rng, node)
            elif kind == "rename":
                tree.nodes[key] = replace(node, display_name=node.display_name + "'")
            elif kind == "attributes":
                attributes = replace(node.attributes, graded=not node.attributes.graded, format=rng.choice(_FORMATS))
                tree.nodes[key] = replace(node, attributes=attributes)
            elif kind == "components":
                tree.nodes[key] = replace(node, components=_components(rng, key, used)[:2] + node.components[1:])
    return build_outline(outline.course_key, tree.flatten(), version=outline.version + "+", base=outline)


def build_outline(
    course_key: CourseKey,
    nodes: Iterable[OutlineNode],
    *,
    version: str = "v1",
    base: CourseOutline | None = None,
) -> CourseOutline:
    """
    An outline of ``nodes`` given in depth-first order, with ``position`` recomputed from that order.

    Nodes equal to ``base``'s are replaced by ``base``'s objects, as an outline source would share them.
    """
    known = base.by_key() if base is not None else {}
    positions: dict[UsageKey | None, int] = {}
    result: list[OutlineNode] = []
    for node in nodes:
        position = positions.get(node.parent_key, 0)
        positions[node.parent_key] = position + 1
        if node.position != position:
            node = replace(node, position=position)
        same = known.get(node.usage_key)
        result.append(same if same is not None and same == node else node)
    return CourseOutline(course_key=course_key, version=version, published_at=_EPOCH, nodes=tuple(result))


def _new_node(
    rng: random.Random, course_key: CourseKey, kind: NodeKind, parent: UsageKey | None, position: int, used: set[str]
) -> OutlineNode:
    block_id = f"{rng.getrandbits(128):032x}"
    while block_id in used:
        block_id = f"{rng.getrandbits(128):032x}"
    used.add(block_id)
    key = course_key.make_usage_key(KIND_TO_BLOCK_TYPE[kind], block_id)
    attributes = NodeAttributes()
    components: tuple[ComponentRef, ...] = ()
    if kind is NodeKind.TOPIC:
        attributes = NodeAttributes(start=_EPOCH + timedelta(days=7 * rng.randrange(20)))
    elif kind is NodeKind.SUBTOPIC and rng.random() < 0.6:
        day = rng.randrange(140)
        attributes = NodeAttributes(
            graded=True,
            format=rng.choice(_FORMATS),
            start=_EPOCH + timedelta(days=day),
            due=_EPOCH + timedelta(days=day + 7),
        )
    elif kind is NodeKind.OBJECTIVE:
        components = _components(rng, key, used)
    name = f"{kind.value.title()} {block_id[:6]}"
    return OutlineNode(
        usage_key=key,
        kind=kind,
        display_name=name,
        parent_key=parent,
        position=position,
        attributes=attributes,
        components=components,
    )


def _components(rng: random.Random, unit: UsageKey, used: set[str]) -> tuple[ComponentRef, ...]:
    refs = []
    for _ in range(rng.randint(1, 4)):
        block_type = rng.choice(_COMPONENT_TYPES)
        block_id = f"{rng.getrandbits(128):032x}"
        used.add(block_id)
        refs.append(ComponentRef(usage_key=unit.course_key.make_usage_key(block_type, block_id), block_type=block_type))
    return tuple(refs)


_NO_PARENT: UsageKey | None = CourseKey.from_string("course-v1:no+parent+found").make_usage_key("chapter", "none")


@dataclass(kw_only=True, slots=True)
class _Tree:
    """
    A mutable outline: nodes by key and ordered children by parent (None for the course).

    ``picks`` are append-only key lists (all keys under None, and per kind) sampled with rejection
    of removed keys, so that each edit costs O(1) on average instead of a scan of the outline.
    """

    nodes: dict[UsageKey, OutlineNode]
    children: dict[UsageKey | None, list[UsageKey]]
    picks: dict[NodeKind | None, list[UsageKey]]

    @classmethod
    def of(cls, outline: CourseOutline) -> _Tree:
        tree = cls(nodes={}, children={None: []}, picks={None: [], **{kind: [] for kind in NodeKind}})
        for node in outline.nodes:
            tree.nodes[node.usage_key] = node
            tree.children.setdefault(node.parent_key, []).append(node.usage_key)
            tree.picks[None].append(node.usage_key)
            tree.picks[node.kind].append(node.usage_key)
        return tree

    def pick(self, rng: random.Random, kind: NodeKind | None) -> UsageKey | None:
        """A random present key (of ``kind``, or of any kind for None), or None if there is none."""
        keys = self.picks[kind]
        for _ in range(64):
            if not keys:
                return None
            key = keys[rng.randrange(len(keys))]
            if key in self.nodes and (kind is None or self.nodes[key].kind is kind):
                return key
        # Mostly stale: compact and retry once.
        keys[:] = [key for key in keys if key in self.nodes and (kind is None or self.nodes[key].kind is kind)]
        return keys[rng.randrange(len(keys))] if keys else None

    def pick_parent(self, rng: random.Random, kind: NodeKind) -> UsageKey | None:
        """A random parent for a node of ``kind``: None for a topic, ``_NO_PARENT`` if there is none."""
        if kind.parent_kind is None:
            return None
        parent = self.pick(rng, kind.parent_kind)
        return _NO_PARENT if parent is None else parent

    def insert(self, rng: random.Random, node: OutlineNode) -> None:
        siblings = self.children.setdefault(node.parent_key, [])
        siblings.insert(rng.randint(0, len(siblings)), node.usage_key)
        self.nodes[node.usage_key] = node
        self.picks[None].append(node.usage_key)
        self.picks[node.kind].append(node.usage_key)

    def detach(self, key: UsageKey) -> None:
        self.children[self.nodes[key].parent_key].remove(key)

    def remove(self, key: UsageKey) -> None:
        self.detach(key)
        stack = [key]
        while stack:
            current = stack.pop()
            del self.nodes[current]
            stack.extend(self.children.pop(current, []))

    def flatten(self) -> list[OutlineNode]:
        result: list[OutlineNode] = []
        stack = list(reversed(self.children[None]))
        while stack:
            key = stack.pop()
            result.append(self.nodes[key])
            stack.extend(reversed(self.children.get(key, [])))
        return result
