"""
Replay a ChangeSet on an in-memory mirror, and invert a ChangeSet for undo.

TLDR: this is the reference semantics of a ChangeSet, in pure Python. The tests use it to prove
that ``apply(mirror, diff(mirror, outline))`` gives exactly the outline and that
``apply(apply(m, cs), invert(cs)) == m``; the change processor must give the same result on the
database, and can use ``invert_change_set`` to record what undoes a sync.

Rules (the processor follows the same ones):

- Nodes are never deleted by a sync: REMOVE archives the node, keeping its last state.
- Each change kind updates only its own fields, so the changes of one node commute:
  MOVE sets ``kind``, ``parent_key`` and ``position``; REORDER ``position``; RENAME
  ``display_name``; ATTRIBUTES the attributes named in ``fields`` and, if listed, ``components``.
- Undo must restore the *exact* earlier state, which REMOVE and RESTORE cannot express for two
  cases, hence two kinds that only inverted change sets contain: UNADD drops a node that did not
  exist before the sync (archiving it would leave a trace), and UNRESTORE archives a restored node
  back in its earlier archived state (which may differ from the state it was restored in).
- Every change checks that the mirror holds its ``before`` state (the fields it touches); a change
  set applied to the wrong state raises ``ReplayConflict`` instead of silently merging.

Inversion reverses the order (undo runs last change first, so nodes leave an added parent before
the parent goes) and swaps each change: ADD <-> UNADD, RESTORE <-> UNRESTORE, REMOVE -> RESTORE of
the same state, and MOVE/REORDER/RENAME/ATTRIBUTES swap ``before`` and ``after``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from opaque_keys.edx.keys import UsageKey

from ve_edu_vault.course_sync.data import Change, ChangeKind, ChangeSet, CourseOutline, OutlineNode
from ve_edu_vault.course_sync.diff.handlers import ATTRIBUTE_NAMES, COMPONENTS_FIELD

__all__ = ["Mirror", "ReplayConflict", "apply_change_set", "invert_change_set"]


class ReplayConflict(ValueError):
    """
    A change does not fit the mirror it is applied to (its ``before`` is not what the mirror holds).

    Pure code cannot import ``ve_edu_vault.errors`` (it imports Django); the service layer maps this
    to ``ConflictError``.
    """


@dataclass(frozen=True, kw_only=True, slots=True)
class Mirror:
    """
    The vault's mirror of one course outline, as plain data: ``active`` and ``archived`` nodes.

    Both map usage key to node and never share a key. Treat the mappings as read-only:
    ``apply_change_set`` returns a new Mirror and never mutates its input. Equality is by content
    (dict equality; order is ignored).
    """

    active: Mapping[UsageKey, OutlineNode] = field(default_factory=dict)
    archived: Mapping[UsageKey, OutlineNode] = field(default_factory=dict)

    @classmethod
    def of(cls, active: Iterable[OutlineNode], archived: Iterable[OutlineNode] = ()) -> Mirror:
        return cls(
            active={node.usage_key: node for node in active},
            archived={node.usage_key: node for node in archived},
        )

    @classmethod
    def from_outline(cls, outline: CourseOutline, archived: Iterable[OutlineNode] = ()) -> Mirror:
        return cls.of(outline.nodes, archived)


def apply_change_set(mirror: Mirror, change_set: ChangeSet) -> Mirror:
    """Return the mirror with every change of ``change_set`` applied in order; see module docstring."""
    active = dict(mirror.active)
    archived = dict(mirror.archived)
    for change in change_set.changes:
        _APPLY[change.kind](active, archived, change)
    return Mirror(active=active, archived=archived)


def invert_change_set(change_set: ChangeSet) -> ChangeSet:
    """Return the change set that undoes ``change_set`` (applied after it, it gives the earlier state)."""
    return ChangeSet(
        course_key=change_set.course_key,
        changes=tuple(_invert(change) for change in reversed(change_set.changes)),
    )


def _invert(change: Change) -> Change:
    kind, before, after = change.kind, change.before, change.after
    if kind is ChangeKind.ADD:
        return replace(change, kind=ChangeKind.UNADD, before=after, after=None)
    if kind is ChangeKind.UNADD:
        return replace(change, kind=ChangeKind.ADD, before=None, after=before)
    if kind is ChangeKind.RESTORE:
        return replace(change, kind=ChangeKind.UNRESTORE, before=after, after=before)
    if kind is ChangeKind.UNRESTORE:
        return replace(change, kind=ChangeKind.RESTORE, before=after, after=before)
    if kind is ChangeKind.REMOVE:
        # Back from the archive in the very state it was archived in.
        return replace(change, kind=ChangeKind.RESTORE, before=before, after=before)
    return replace(change, before=after, after=before)


# --- applying one change --------------------------------------------------------------------------

_Nodes = dict[UsageKey, OutlineNode]


def _required(node: OutlineNode | None, change: Change, side: str) -> OutlineNode:
    if node is None:
        raise ReplayConflict(f"{change.kind.value} of {change.usage_key} has no '{side}' node")
    return node


def _expect(actual: OutlineNode | None, expected: OutlineNode, change: Change, where: str) -> None:
    if actual != expected:
        raise ReplayConflict(f"{change.kind.value} of {change.usage_key}: {where} does not hold its 'before' state")


def _apply_add(active: _Nodes, archived: _Nodes, change: Change) -> None:
    after = _required(change.after, change, "after")
    if change.usage_key in active or change.usage_key in archived:
        raise ReplayConflict(f"add of {change.usage_key}: the node already exists")
    active[change.usage_key] = after


def _apply_unadd(active: _Nodes, archived: _Nodes, change: Change) -> None:
    _expect(active.pop(change.usage_key, None), _required(change.before, change, "before"), change, "active")


def _apply_restore(active: _Nodes, archived: _Nodes, change: Change) -> None:
    before = _required(change.before, change, "before")
    _expect(archived.pop(change.usage_key, None), before, change, "archive")
    if change.usage_key in active:
        raise ReplayConflict(f"restore of {change.usage_key}: the node is already active")
    active[change.usage_key] = _required(change.after, change, "after")


def _apply_unrestore(active: _Nodes, archived: _Nodes, change: Change) -> None:
    _expect(active.pop(change.usage_key, None), _required(change.before, change, "before"), change, "active")
    if change.usage_key in archived:
        raise ReplayConflict(f"unrestore of {change.usage_key}: the node is already archived")
    archived[change.usage_key] = _required(change.after, change, "after")


def _apply_remove(active: _Nodes, archived: _Nodes, change: Change) -> None:
    before = _required(change.before, change, "before")
    _expect(active.pop(change.usage_key, None), before, change, "active")
    if change.usage_key in archived:
        raise ReplayConflict(f"remove of {change.usage_key}: the node is already archived")
    archived[change.usage_key] = before


def _update(active: _Nodes, change: Change, names: tuple[str, ...]) -> None:
    """Copy ``names`` from ``after`` onto the active node, checking they held ``before``'s values."""
    before = _required(change.before, change, "before")
    after = _required(change.after, change, "after")
    current = active.get(change.usage_key)
    if current is None or any(getattr(current, name) != getattr(before, name) for name in names):
        raise ReplayConflict(f"{change.kind.value} of {change.usage_key}: active does not hold its 'before' state")
    active[change.usage_key] = replace(current, **{name: getattr(after, name) for name in names})


def _apply_move(active: _Nodes, archived: _Nodes, change: Change) -> None:
    _update(active, change, ("kind", "parent_key", "position"))


def _apply_reorder(active: _Nodes, archived: _Nodes, change: Change) -> None:
    _update(active, change, ("position",))


def _apply_rename(active: _Nodes, archived: _Nodes, change: Change) -> None:
    _update(active, change, ("display_name",))


def _apply_attributes(active: _Nodes, archived: _Nodes, change: Change) -> None:
    before = _required(change.before, change, "before")
    after = _required(change.after, change, "after")
    current = active.get(change.usage_key)
    names = [name for name in change.fields if name in ATTRIBUTE_NAMES]
    unknown = set(change.fields) - set(ATTRIBUTE_NAMES) - {COMPONENTS_FIELD}
    if current is None or unknown:
        raise ReplayConflict(f"attributes of {change.usage_key}: no active node, or unknown fields {sorted(unknown)}")
    if any(getattr(current.attributes, name) != getattr(before.attributes, name) for name in names) or (
        COMPONENTS_FIELD in change.fields and current.components != before.components
    ):
        raise ReplayConflict(f"attributes of {change.usage_key}: active does not hold its 'before' state")
    attributes = replace(current.attributes, **{name: getattr(after.attributes, name) for name in names})
    components = after.components if COMPONENTS_FIELD in change.fields else current.components
    active[change.usage_key] = replace(current, attributes=attributes, components=components)


_APPLY = {
    ChangeKind.ADD: _apply_add,
    ChangeKind.RESTORE: _apply_restore,
    ChangeKind.MOVE: _apply_move,
    ChangeKind.REORDER: _apply_reorder,
    ChangeKind.RENAME: _apply_rename,
    ChangeKind.ATTRIBUTES: _apply_attributes,
    ChangeKind.REMOVE: _apply_remove,
    ChangeKind.UNADD: _apply_unadd,
    ChangeKind.UNRESTORE: _apply_unrestore,
}
