"""
Frozen data for course sync: the published outline and the typed changes between two outlines.

TLDR: everything here is plain, immutable data with no Django imports, so that outline sources,
the diff engine and the tests can use it without a database. The change processor turns these
into rows; nothing else should.

Vault vocabulary: a *topic* mirrors a section (``chapter``), a *subtopic* a subsection
(``sequential``) and an *objective* a unit (``vertical``). The course itself is the root and is
not a node.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from opaque_keys.edx.keys import CourseKey, UsageKey

__all__ = [
    "BLOCK_TYPE_TO_KIND",
    "KIND_TO_BLOCK_TYPE",
    "Change",
    "ChangeKind",
    "ChangeSet",
    "ComponentRef",
    "CourseOutline",
    "NodeAttributes",
    "NodeKind",
    "OutlineNode",
]


class NodeKind(str, enum.Enum):
    """The three levels of the vault's mirror of a course outline."""

    TOPIC = "topic"
    SUBTOPIC = "subtopic"
    OBJECTIVE = "objective"

    @property
    def depth(self) -> int:
        return _DEPTH[self]

    @property
    def parent_kind(self) -> NodeKind | None:
        return {NodeKind.TOPIC: None, NodeKind.SUBTOPIC: NodeKind.TOPIC, NodeKind.OBJECTIVE: NodeKind.SUBTOPIC}[self]


_DEPTH = {NodeKind.TOPIC: 1, NodeKind.SUBTOPIC: 2, NodeKind.OBJECTIVE: 3}

BLOCK_TYPE_TO_KIND: dict[str, NodeKind] = {
    "chapter": NodeKind.TOPIC,
    "sequential": NodeKind.SUBTOPIC,
    "vertical": NodeKind.OBJECTIVE,
}
KIND_TO_BLOCK_TYPE: dict[NodeKind, str] = {kind: block_type for block_type, kind in BLOCK_TYPE_TO_KIND.items()}


@dataclass(frozen=True, kw_only=True, slots=True)
class ComponentRef:
    """A component block (problem, html, video, ...) directly or indirectly inside a unit."""

    usage_key: UsageKey
    block_type: str


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeAttributes:
    """
    The block attributes the vault keeps for a node.

    ``format`` is the assignment type ("Homework", "Exam", ...) set on subsections. Dates are
    timezone-aware datetimes or None.
    """

    graded: bool = False
    format: str = ""
    start: datetime | None = None
    due: datetime | None = None
    visible_to_staff_only: bool = False
    hide_after_due: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "graded": self.graded,
            "format": self.format,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "visible_to_staff_only": self.visible_to_staff_only,
            "hide_after_due": self.hide_after_due,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class OutlineNode:
    """
    One section, subsection or unit of a published outline.

    ``parent_key`` is None for topics (their parent is the course). ``position`` is the 0-based
    index among the parent's children in the published order.
    """

    usage_key: UsageKey
    kind: NodeKind
    display_name: str
    parent_key: UsageKey | None
    position: int
    attributes: NodeAttributes = field(default_factory=NodeAttributes)
    components: tuple[ComponentRef, ...] = ()

    @property
    def block_type(self) -> str:
        return KIND_TO_BLOCK_TYPE[self.kind]


@dataclass(frozen=True, kw_only=True, slots=True)
class CourseOutline:
    """
    The published outline of one course, as read from any outline source.

    ``version`` identifies the published content (the modulestore's published version, or a
    content hash for an OLX export). ``published_at`` orders outlines in time where the source
    knows it; an outline older than the last applied one is not applied. ``nodes`` are in
    depth-first published order (a topic, then its subtopics, each followed by its objectives).
    """

    course_key: CourseKey
    version: str
    published_at: datetime | None = None
    nodes: tuple[OutlineNode, ...] = ()

    def by_key(self) -> dict[UsageKey, OutlineNode]:
        return {node.usage_key: node for node in self.nodes}

    def count_by_kind(self) -> dict[str, int]:
        counts = Counter(node.kind.value for node in self.nodes)
        return {kind.value: counts.get(kind.value, 0) for kind in NodeKind}


class ChangeKind(str, enum.Enum):
    """
    The kinds of change between two outlines. The order here is the order changes are applied.

    A node can carry several changes at once (moved *and* renamed), one per kind; a restored
    node carries only RESTORE, whose ``after`` holds its full new state.
    """

    ADD = "add"
    RESTORE = "restore"
    MOVE = "move"
    REORDER = "reorder"
    RENAME = "rename"
    ATTRIBUTES = "attributes"
    REMOVE = "remove"
    # Only in inverted change sets (undo), never emitted by the diff engine: UNADD drops a node
    # that did not exist before the sync (REMOVE would archive it); UNRESTORE archives a restored
    # node back in its earlier archived state (REMOVE would archive its restored state).
    UNADD = "unadd"
    UNRESTORE = "unrestore"


@dataclass(frozen=True, kw_only=True, slots=True)
class Change:
    """
    One typed change to one node.

    ``before`` is the node as the mirror held it (None for ADD); ``after`` is the node as the
    new outline has it (None for REMOVE). ``fields`` names what changed for ATTRIBUTES (attribute
    names, and "components" when the unit's component list changed).
    """

    kind: ChangeKind
    usage_key: UsageKey
    before: OutlineNode | None
    after: OutlineNode | None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangeSet:
    """All changes from one stored outline to one new outline, in deterministic order."""

    course_key: CourseKey
    changes: tuple[Change, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        counts = Counter(change.kind.value for change in self.changes)
        return {kind.value: counts.get(kind.value, 0) for kind in ChangeKind}

    def of_kind(self, kind: ChangeKind) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.kind is kind)
