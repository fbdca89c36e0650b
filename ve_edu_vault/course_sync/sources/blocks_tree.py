"""
Turn Course Blocks API responses into a ``CourseOutline`` (pure, no HTTP).

TLDR: the API answers ``{"root": id, "blocks": {id: {...}}}`` (or a list of blocks, or pages of
either) with ``children`` omitted on leaves and null fields omitted. This module merges the pages,
keeps only the fields the outline uses, hashes them into a version, and walks the tree with the
same rules as the OLX source: chapters > sequentials > verticals in ``children`` order, and a unit's
components are its descendants in order except nested chapters/sequentials/verticals.
Values the API returns are already effective (inherited) values, as edx-platform computes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import BLOCK_TYPE_TO_KIND, ComponentRef, CourseOutline, NodeAttributes, OutlineNode
from ve_edu_vault.olx.fields import DEFAULT_DISPLAY_NAMES, parse_bool, parse_date

from .base import CourseMismatchError, InvalidSourceDataError

__all__ = ["REQUESTED_FIELDS", "merge_pages", "outline_from_blocks"]

REQUESTED_FIELDS = (
    "children",
    "display_name",
    "type",
    "graded",
    "format",
    "start",
    "due",
    "visible_to_staff_only",
    "hide_after_due",
)
_KEPT = frozenset(REQUESTED_FIELDS) | {"id"}
_CHILD_TYPE = {"course": "chapter", "chapter": "sequential", "sequential": "vertical"}
MAX_DEPTH = 64

Blocks = dict[str, dict[str, Any]]


def _add_blocks(blocks: Blocks, raw: Any) -> None:
    items = raw.items() if isinstance(raw, Mapping) else ((None, block) for block in raw)
    for key, block in items:
        if not isinstance(block, Mapping):
            raise InvalidSourceDataError(f"block {key!r} is not an object")
        block_id = block.get("id") or key
        if not isinstance(block_id, str) or not isinstance(block.get("type"), str):
            raise InvalidSourceDataError(f"a block has no string 'id' and 'type': {dict(block)!r:.200}")
        blocks[block_id] = {name: value for name, value in block.items() if name in _KEPT and value is not None}
        blocks[block_id]["id"] = block_id


def merge_pages(pages: Iterable[Any]) -> tuple[str | None, Blocks]:
    """Merge response bodies (``{"root", "blocks"}`` objects or block lists) into ``(root, blocks)``."""
    root: str | None = None
    blocks: Blocks = {}
    for page in pages:
        if isinstance(page, Mapping) and "blocks" in page:
            root = root or page.get("root")
            raw = page["blocks"]
        else:
            raw = page
        if not isinstance(raw, Mapping | list):
            raise InvalidSourceDataError(f"expected blocks as an object or a list, got {type(raw).__name__}")
        _add_blocks(blocks, raw)
    return root, blocks


def blocks_version(root: str, blocks: Blocks) -> str:
    """A stable content hash of the normalized response (the API has no published version)."""
    canonical = json.dumps({"root": root, "blocks": blocks}, sort_keys=True, separators=(",", ":"), default=str)
    return f"sha256:{hashlib.sha256(canonical.encode()).hexdigest()}"


def _key(block_id: str) -> UsageKey:
    try:
        return UsageKey.from_string(block_id)
    except InvalidKeyError as exc:
        raise InvalidSourceDataError(f"{block_id!r} is not a usage key") from exc


def _children(blocks: Blocks, block_id: str) -> list[str]:
    children = blocks[block_id].get("children", [])
    if not isinstance(children, list) or not all(isinstance(child, str) for child in children):
        raise InvalidSourceDataError(f"block {block_id}: 'children' is not a list of ids")
    missing = [child for child in children if child not in blocks]
    if missing:
        raise InvalidSourceDataError(f"block {block_id} lists children missing from the response: {missing[:3]}")
    return children


def _attributes(block: Mapping[str, Any]) -> NodeAttributes:
    try:
        return NodeAttributes(
            graded=parse_bool(block.get("graded", False)),
            format=str(block.get("format") or ""),
            start=parse_date(block.get("start")),
            due=parse_date(block.get("due")),
            visible_to_staff_only=parse_bool(block.get("visible_to_staff_only", False)),
            hide_after_due=parse_bool(block.get("hide_after_due", False)),
        )
    except (ValueError, TypeError) as exc:
        raise InvalidSourceDataError(f"block {block['id']}: invalid date: {exc}") from exc


def _components(blocks: Blocks, unit_id: str) -> tuple[ComponentRef, ...]:
    refs: list[ComponentRef] = []
    seen: set[str] = {unit_id}

    def visit(block_id: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise InvalidSourceDataError(f"unit {unit_id}: blocks nested more than {MAX_DEPTH} deep")
        for child in _children(blocks, block_id):
            if child in seen:
                continue
            seen.add(child)
            block_type = blocks[child]["type"]
            if block_type not in BLOCK_TYPE_TO_KIND:
                refs.append(ComponentRef(usage_key=_key(child), block_type=block_type))
            visit(child, depth + 1)

    visit(unit_id, 0)
    return tuple(refs)


def _resolve_root(course_key: CourseKey, root: str | None, blocks: Blocks) -> str:
    if root is None:
        roots = [block_id for block_id, block in blocks.items() if block["type"] == "course"]
        if len(roots) != 1:
            raise InvalidSourceDataError(f"the response names no root and has {len(roots)} course blocks")
        root = roots[0]
    if root not in blocks:
        raise InvalidSourceDataError(f"the root block {root} is not in the response")
    if blocks[root]["type"] != "course":
        raise InvalidSourceDataError(f"the root block {root} is a {blocks[root]['type']}, not the course")
    if _key(root).course_key != course_key:
        raise CourseMismatchError(f"the response is for course {_key(root).course_key}, not the requested {course_key}")
    return root


def outline_from_blocks(course_key: CourseKey, root: str | None, blocks: Blocks) -> CourseOutline:
    """Build the outline of ``course_key`` from merged API blocks."""
    root = _resolve_root(course_key, root, blocks)
    nodes: list[OutlineNode] = []

    def visit(block_id: str, parent_key: UsageKey | None) -> None:
        wanted = _CHILD_TYPE.get(blocks[block_id]["type"])
        if wanted is None:
            return
        kept = [child for child in _children(blocks, block_id) if blocks[child]["type"] == wanted]
        for position, child_id in enumerate(kept):
            block = blocks[child_id]
            usage_key = _key(child_id)
            name = block.get("display_name")
            nodes.append(
                OutlineNode(
                    usage_key=usage_key,
                    kind=BLOCK_TYPE_TO_KIND[wanted],
                    display_name=str(name) if name else DEFAULT_DISPLAY_NAMES[wanted],
                    parent_key=parent_key,
                    position=position,
                    attributes=_attributes(block),
                    components=_components(blocks, child_id) if wanted == "vertical" else (),
                )
            )
            visit(child_id, usage_key)

    visit(root, None)
    return CourseOutline(
        course_key=course_key, version=blocks_version(root, blocks), published_at=None, nodes=tuple(nodes)
    )
