"""
Walk the published block tree of an OLX export: pointer tags, inline blocks, nested components.

TLDR: each child of a container block is either a *pointer* (``<vertical url_name="x"/>``, its
definition in ``vertical/x.xml``) or an *inline* definition. The walker replaces pointers by their
definitions in place, so every ``OlxBlock.element`` is a fully resolved subtree (an importer gets a
problem's real XML). Only container types have block children: a ``<problem>``'s children are
capa markup, not blocks. ``drafts/`` is never read: the published tree is reached from
``course.xml`` only.

Pointers name files inside the export only. A tag must be a block type and a url_name a block id
(opaque-keys' charsets, neither holds ``/``) *before* the definition file is looked up, so
``url_name="../../x"`` or a namespaced tag (lxml's ``{uri}tag``) never reaches the file system
and no message tells whether something exists outside the export. Open edX reads pointers through
a filesystem rooted at the course (``XmlMixin.load_definition_xml``, xmodule/xml_block.py, which
also maps ``:`` in a url_name to ``/``; the vault looks for ``{tag}/{url_name}.xml`` as written).

Inline blocks without ``url_name`` get the name Open edX's XML importer falls back to,
``{tag}_{sha1(xml)[:12]}``; the hash is over the element as serialized here, so it may differ from
the one edx-platform computed if the file's formatting differs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from .archive import clip
from .errors import MalformedOlxError, OlxNotFoundError
from .xmlparse import parse_xml_file, relative_name

__all__ = ["CONTAINER_BLOCK_TYPES", "STRUCTURE_BLOCK_TYPES", "OlxBlock", "walk_course"]

log = logging.getLogger(__name__)

STRUCTURE_BLOCK_TYPES = frozenset({"course", "chapter", "sequential", "vertical"})
# Block types whose XML children are blocks (edx-platform blocks with ``has_children``).
CONTAINER_BLOCK_TYPES = STRUCTURE_BLOCK_TYPES | frozenset(
    {
        "split_test",
        "conditional",
        "library_content",
        "itembank",
        "library_sourced",
        "randomize",
        "videosequence",
        "problemset",
        "wrapper",
        "unit",
    }
)
# Children of these tags that are settings, not blocks.
_NON_BLOCK_CHILDREN: dict[str, frozenset[str]] = {
    "course": frozenset({"wiki", "textbook"}),
    "conditional": frozenset({"show"}),
}
MAX_DEPTH = 64
# opaque-keys' Locator.ALLOWED_ID_CHARS: what CourseLocator.make_usage_key accepts in a block id (and
# what a block type should hold; make_usage_key does not check types).
_BLOCK_TYPE = _BLOCK_ID = re.compile(r"[\w\-~.:]+\Z")
_MAX_FILE_NAME_BYTES = 255  # NAME_MAX: "{url_name}.xml" must fit in one file name


@dataclass(frozen=True, kw_only=True, slots=True, eq=False)
class OlxBlock:
    """
    One published block of the export, with its resolved XML.

    ``unit_key`` is the unit (a vertical directly under a subsection) the block belongs to: its
    own key for a unit, None for sections and subsections. ``position`` is the 0-based index among
    the parent's block children. ``policy`` is the block's entry in ``policy.json``.
    """

    usage_key: UsageKey
    block_type: str
    url_name: str
    element: etree._Element
    file_path: Path
    relative_path: str
    line: int | None
    parent_key: UsageKey | None
    unit_key: UsageKey | None
    position: int
    policy: Mapping[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, Any]:
        """XML attributes with the policy entry merged over them (policy wins, as in Open edX)."""
        merged: dict[str, Any] = dict(self.element.attrib)
        merged.update(self.policy)
        return merged


def _is_pointer_shape(element: etree._Element) -> bool:
    has_text = bool(element.text and element.text.strip())
    attrs = set(element.attrib) - {"xblock-family"}
    return len(element) == 0 and not has_text and attrs == {"url_name"}


def fallback_url_name(element: etree._Element) -> str:
    """The url_name Open edX gives an inline block that has none."""
    xml = etree.tostring(element, with_tail=False)
    return f"{element.tag}_{hashlib.sha1(xml).hexdigest()[:12]}"  # noqa: S324 - a name, not security


class _Walker:
    def __init__(self, root: Path, course_key: CourseKey, policy: Mapping[str, Mapping[str, Any]]) -> None:
        self.root = root
        self.course_key = course_key
        self.policy = policy
        self.blocks: list[OlxBlock] = []

    def _where(self, element: etree._Element, file: Path) -> str:
        return f"{relative_name(file, self.root)}:{element.sourceline}"

    def _check_pointer(self, tag: str, url_name: str, element: etree._Element, file: Path) -> Path:
        """The definition file of a pointer, refusing names that are not block ids before any file access."""
        where = relative_name(file, self.root)
        if not _BLOCK_ID.match(url_name):
            raise MalformedOlxError(
                f"<{tag} url_name={clip(url_name)}> is not a valid block id", path=where, line=element.sourceline
            )
        size = len(f"{url_name}.xml".encode())
        if size > _MAX_FILE_NAME_BYTES:
            raise MalformedOlxError(
                f"<{tag} url_name={clip(url_name)}> is too long to name a definition file ({size} bytes)",
                path=where,
                line=element.sourceline,
            )
        path = self.root / tag / f"{url_name}.xml"
        if path.is_symlink() and not path.resolve().is_relative_to(self.root.resolve()):
            raise MalformedOlxError(f"{tag}/{url_name}.xml links outside the export", path=where)
        return path

    def resolve(self, element: etree._Element, file: Path) -> tuple[etree._Element, Path, str]:
        tag = element.tag
        if not isinstance(tag, str) or not _BLOCK_TYPE.match(tag):
            raise MalformedOlxError(
                f"<{clip(str(tag))}> is not a valid block type",
                path=relative_name(file, self.root),
                line=element.sourceline,
            )
        url_name = element.get("url_name") or element.get("slug") or ""
        if url_name and _is_pointer_shape(element):
            path = self._check_pointer(tag, url_name, element, file)
            if path.is_file():
                definition = parse_xml_file(path, root=self.root)
                if definition.tag != tag:
                    raise MalformedOlxError(
                        f"expected a <{tag}> root element, found <{definition.tag}>",
                        path=relative_name(path, self.root),
                        line=definition.sourceline,
                    )
                definition.set("url_name", url_name)
                definition.tail = element.tail
                parent = element.getparent()
                if parent is not None:
                    parent.replace(element, definition)
                return definition, path, url_name
            if element.get("xblock-family") is None:
                message = f'{self._where(element, file)}: <{tag} url_name="{url_name}"> points to {tag}/{url_name}.xml'
                if tag in STRUCTURE_BLOCK_TYPES:
                    raise OlxNotFoundError(f"{message}, which is missing")
                log.warning("%s, which is missing; reading the block as empty", message)
        if not url_name:
            url_name = fallback_url_name(element)
            element.set("url_name", url_name)
        return element, file, url_name

    def visit(
        self,
        element: etree._Element,
        file: Path,
        *,
        parent: OlxBlock | None,
        unit_key: UsageKey | None,
        position: int,
        stack: tuple[tuple[str, str], ...],
    ) -> None:
        element, file, url_name = self.resolve(element, file)
        tag = str(element.tag)
        if (tag, url_name) in stack:
            raise MalformedOlxError(
                f"<{tag} url_name={clip(url_name)}> contains itself", path=relative_name(file, self.root)
            )
        if len(stack) >= MAX_DEPTH:
            raise MalformedOlxError(f"blocks nested more than {MAX_DEPTH} deep", path=relative_name(file, self.root))
        try:
            # The course root's block id is "course" in course-v1 keys, whatever its url_name (the run).
            usage_key = self.course_key.make_usage_key(tag, "course" if tag == "course" else url_name)
        except InvalidKeyError as exc:
            raise MalformedOlxError(
                f"<{tag} url_name={clip(url_name)}> is not a valid block id", path=relative_name(file, self.root)
            ) from exc
        if tag == "vertical" and parent is not None and parent.block_type == "sequential":
            unit_key = usage_key
        block = OlxBlock(
            usage_key=usage_key,
            block_type=tag,
            url_name=url_name,
            element=element,
            file_path=file,
            relative_path=relative_name(file, self.root),
            line=element.sourceline,
            parent_key=parent.usage_key if parent else None,
            unit_key=unit_key,
            position=position,
            policy=self.policy.get(f"{tag}/{url_name}", {}),
        )
        if tag != "course":
            self.blocks.append(block)
        self.visit_children(block, (*stack, (tag, url_name)))

    def visit_children(self, block: OlxBlock, stack: tuple[tuple[str, str], ...]) -> None:
        if block.block_type not in CONTAINER_BLOCK_TYPES:
            return
        skipped = _NON_BLOCK_CHILDREN.get(block.block_type, frozenset())
        children = [child for child in block.element if isinstance(child.tag, str) and child.tag not in skipped]
        for position, child in enumerate(children):
            self.visit(child, block.file_path, parent=block, unit_key=block.unit_key, position=position, stack=stack)


def walk_course(
    course_element: etree._Element,
    course_file: Path,
    *,
    root: Path,
    course_key: CourseKey,
    policy: Mapping[str, Mapping[str, Any]],
) -> list[OlxBlock]:
    """Resolve the course tree in place and return its blocks (course excluded) in document order."""
    walker = _Walker(root, course_key, policy)
    walker.visit(course_element, course_file, parent=None, unit_key=None, position=0, stack=())
    return walker.blocks
