"""
Turn the published blocks of an export into a ``CourseOutline``, and hash an export's content.

TLDR: the outline keeps chapters (topics), their sequentials (subtopics) and those sequentials'
verticals (objectives); a unit's ``components`` are every block below it in document order,
nested ones included, except nested verticals (split_test groups), which are containers, not
components. This is the same rule the Course Blocks API source applies, so both sources give
equal outlines for the same course.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import BLOCK_TYPE_TO_KIND, ComponentRef, CourseOutline, NodeAttributes, OutlineNode

from .errors import MalformedOlxError
from .fields import DEFAULT_DISPLAY_NAMES, EffectiveFields
from .tree import OlxBlock

__all__ = ["build_outline", "content_hash"]

_PARENT_TYPE = {"chapter": None, "sequential": "chapter", "vertical": "sequential"}


def content_hash(root: Path, *, exclude_top: Iterable[str] = ("drafts",)) -> str:
    """
    A stable version for an export: sha256 over its published files in sorted path order.

    Each file contributes its relative path, its size and its bytes, so a rename changes the hash
    too. Top folders in ``exclude_top`` (``drafts/``) and symlinks are left out.
    """
    excluded = set(exclude_top)
    files: list[tuple[str, Path]] = []
    for directory, dirnames, filenames in os.walk(root):
        here = Path(directory)
        if here == root:
            dirnames[:] = [name for name in dirnames if name not in excluded]
        for name in filenames:
            path = here / name
            if path.is_file() and not path.is_symlink():
                files.append((path.relative_to(root).as_posix(), path))
    digest = hashlib.sha256()
    for relative, path in sorted(files):
        data = path.read_bytes()
        # surrogateescape: a directory export may hold a file whose name is not UTF-8 (hashed as its bytes).
        digest.update(f"{relative}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
    return f"sha256:{digest.hexdigest()}"


def _fields(block: OlxBlock, parent: EffectiveFields) -> EffectiveFields:
    try:
        return EffectiveFields.derive(
            block.settings, parent=parent, default_name=DEFAULT_DISPLAY_NAMES.get(block.block_type, "")
        )
    except ValueError as exc:
        raise MalformedOlxError(
            f"{block.block_type} {block.url_name!r}: {exc}", path=block.relative_path, line=block.line
        ) from exc


def _attributes(fields: EffectiveFields) -> NodeAttributes:
    return NodeAttributes(
        graded=fields.graded,
        format=fields.format,
        start=fields.start,
        due=fields.due,
        visible_to_staff_only=fields.visible_to_staff_only,
        hide_after_due=fields.hide_after_due,
    )


def build_outline(
    blocks: Iterable[OlxBlock],
    *,
    course_key: CourseKey,
    course_settings: Mapping[str, Any],
    version: str,
) -> CourseOutline:
    """Build the outline from the walker's blocks (document order) and the course's own settings."""
    course_fields = EffectiveFields.for_course(course_settings)
    fields: dict[UsageKey | None, EffectiveFields] = {None: course_fields}
    kept: dict[UsageKey | None, str] = {None: "course"}
    child_count: dict[UsageKey | None, int] = {}
    nodes: list[OutlineNode] = []
    components: dict[UsageKey, list[ComponentRef]] = {}
    for block in blocks:
        if block.block_type in _PARENT_TYPE:
            # Chapters hang off the course; the walker records the course key as their parent.
            parent_key = None if block.block_type == "chapter" else block.parent_key
            expected = _PARENT_TYPE[block.block_type] or "course"
            if kept.get(parent_key) == expected and (block.block_type != "chapter" or _is_top(block)):
                block_fields = _fields(block, fields[parent_key])
                fields[block.usage_key] = block_fields
                kept[block.usage_key] = block.block_type
                position = child_count.get(parent_key, 0)
                child_count[parent_key] = position + 1
                nodes.append(
                    OutlineNode(
                        usage_key=block.usage_key,
                        kind=BLOCK_TYPE_TO_KIND[block.block_type],
                        display_name=block_fields.display_name,
                        parent_key=parent_key,
                        position=position,
                        attributes=_attributes(block_fields),
                    )
                )
                if block.block_type == "vertical":
                    components[block.usage_key] = []
                continue
        if block.unit_key is not None and block.unit_key in components and block.block_type not in _PARENT_TYPE:
            components[block.unit_key].append(ComponentRef(usage_key=block.usage_key, block_type=block.block_type))
    final = [
        replace(node, components=tuple(components[node.usage_key])) if node.usage_key in components else node
        for node in nodes
    ]
    return CourseOutline(course_key=course_key, version=version, published_at=None, nodes=tuple(final))


def _is_top(block: OlxBlock) -> bool:
    return block.parent_key is not None and block.parent_key.block_type == "course"
