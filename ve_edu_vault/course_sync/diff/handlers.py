"""
The diff engine's handlers: one small pure function per kind of change.

TLDR: each handler looks at one pair ``(before, after)`` of the same usage key and returns the one
``Change`` of its kind, or None. Handlers never look at other nodes, so each can be read and tested
on its own, and adding a kind of change means adding a handler here and a line in the chain, not
editing a big if/else. The engine (``engine.py``) decides which pairs reach which handlers and only
calls them for pairs that really differ, so handlers can be written for clarity, not speed. Keys
are compared with ``keys.py``, like the engine's fast path.

Which handlers see which pairs:

- ``added``: a key only in the new outline and never seen before: ``(None, after)``.
- ``restored``: a key only in the new outline but archived in the mirror: ``(archived, after)``.
  Restore is the only change emitted for such a node; its ``after`` carries the full new state.
- ``MODIFICATION_HANDLERS`` (``moved``, ``reordered``, ``renamed``, ``attributes_changed``): a key
  active in the mirror and present in the new outline, with some field that differs.
- ``removed``: a key active in the mirror but gone from the new outline: ``(before, None)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

from ve_edu_vault.course_sync.data import Change, ChangeKind, NodeAttributes, OutlineNode
from ve_edu_vault.course_sync.diff.keys import same_block, same_components

__all__ = [
    "ATTRIBUTE_NAMES",
    "COMPONENTS_FIELD",
    "MODIFICATION_HANDLERS",
    "PairHandler",
    "added",
    "attributes_changed",
    "moved",
    "removed",
    "renamed",
    "reordered",
    "restored",
]

#: Handler of a node present on both sides; returns its change of one kind, or None.
PairHandler = Callable[[OutlineNode, OutlineNode], "Change | None"]

#: The names an ATTRIBUTES change may list in ``fields``, besides ``COMPONENTS_FIELD``.
ATTRIBUTE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(NodeAttributes))
COMPONENTS_FIELD = "components"


def added(before: None, after: OutlineNode) -> Change:
    """A node seen for the first time."""
    return Change(kind=ChangeKind.ADD, usage_key=after.usage_key, before=None, after=after)


def restored(before: OutlineNode, after: OutlineNode) -> Change:
    """An archived node back in the outline; ``before`` is its last known (archived) state."""
    return Change(kind=ChangeKind.RESTORE, usage_key=after.usage_key, before=before, after=after)


def removed(before: OutlineNode, after: None) -> Change:
    """A node gone from the outline; the mirror archives it (nodes are never deleted)."""
    return Change(kind=ChangeKind.REMOVE, usage_key=before.usage_key, before=before, after=None)


def moved(before: OutlineNode, after: OutlineNode) -> Change | None:
    """
    A node under another parent (or, in malformed data, at another level).

    The MOVE's ``after`` carries the new position too, so a moved node gets no REORDER.
    """
    if not same_block(before.parent_key, after.parent_key) or before.kind is not after.kind:
        return Change(kind=ChangeKind.MOVE, usage_key=after.usage_key, before=before, after=after)
    return None


def reordered(before: OutlineNode, after: OutlineNode) -> Change | None:
    """A node at another position under the same parent."""
    if (
        before.position != after.position
        and same_block(before.parent_key, after.parent_key)
        and before.kind is after.kind  # a level change is a MOVE, which carries the position
    ):
        return Change(kind=ChangeKind.REORDER, usage_key=after.usage_key, before=before, after=after)
    return None


def renamed(before: OutlineNode, after: OutlineNode) -> Change | None:
    """A node whose display name changed."""
    if before.display_name != after.display_name:
        return Change(kind=ChangeKind.RENAME, usage_key=after.usage_key, before=before, after=after)
    return None


def attributes_changed(before: OutlineNode, after: OutlineNode) -> Change | None:
    """
    A node whose attributes and/or component list changed.

    ``fields`` names each changed attribute and ``"components"``, sorted, so that the change
    processor updates only what changed and an undo restores only that.
    """
    changed: list[str] = []
    if before.attributes != after.attributes:
        old, new = before.attributes, after.attributes
        changed.extend(name for name in ATTRIBUTE_NAMES if getattr(old, name) != getattr(new, name))
    if not same_components(before.components, after.components):
        changed.append(COMPONENTS_FIELD)
    if not changed:
        return None
    return Change(
        kind=ChangeKind.ATTRIBUTES,
        usage_key=after.usage_key,
        before=before,
        after=after,
        fields=tuple(sorted(changed)),
    )


#: The chain run on every changed pair present on both sides. Order is irrelevant to the result
#: (the engine buckets changes by kind); it follows ``ChangeKind`` for readability.
MODIFICATION_HANDLERS: tuple[PairHandler, ...] = (moved, reordered, renamed, attributes_changed)
