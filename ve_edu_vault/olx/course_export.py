"""
``open_course_export``: the one entry point to read an Open edX course export (OLX).

TLDR: open the export in a ``with`` block and use the ``CourseExport`` inside it; its files (and
the lxml elements of its blocks) belong to a temporary directory that is removed on exit for
archives. The outline source reads ``read_outline()``; an importer walks ``iter_blocks()`` or
calls ``find_block(usage_key)`` to get a block's resolved XML and the unit it belongs to.

``course.xml`` names the course (``org``, ``course``, ``url_name`` = run) and points to
``course/{run}.xml``; ``policies/{run}/policy.json`` holds settings merged over XML attributes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from opaque_keys.edx.locator import CourseLocator

from ve_edu_vault.course_sync.data import CourseOutline

from .archive import ArchiveLimits, unpacked_export
from .errors import MalformedOlxError, OlxNotFoundError
from .outline import build_outline, content_hash
from .tree import OlxBlock, walk_course
from .xmlparse import load_json_file, parse_xml_file

__all__ = ["CourseExport", "open_course_export"]


class CourseExport:
    """
    A course export unpacked on disk, read lazily.

    ``root`` is the folder holding ``course.xml``. Blocks are resolved once, on first use.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        pointer = parse_xml_file(root / "course.xml", root=root)
        if pointer.tag != "course":
            raise MalformedOlxError(f"expected a <course> root element, found <{pointer.tag}>", path="course.xml")
        org, course, run = (pointer.get(name, "").strip() for name in ("org", "course", "url_name"))
        if not (org and course and run):
            raise MalformedOlxError("<course> needs org, course and url_name attributes", path="course.xml", line=1)
        try:
            self.course_key: CourseKey = CourseLocator(org=org, course=course, run=run)
        except InvalidKeyError as exc:
            raise MalformedOlxError(
                f"invalid course key parts {org!r}, {course!r}, {run!r}", path="course.xml"
            ) from exc
        self.run = run
        if len(pointer) == 0:
            self.course_file = root / "course" / f"{run}.xml"
            self.course_element = parse_xml_file(self.course_file, root=root)
        else:  # an old-style course.xml holding the whole course inline
            self.course_file = root / "course.xml"
            self.course_element = pointer
        self.course_element.set("url_name", run)

    @cached_property
    def policy(self) -> Mapping[str, Mapping[str, Any]]:
        """``policies/{run}/policy.json``: settings keyed by ``"{block_type}/{url_name}"`` (empty if absent)."""
        path = self.root / "policies" / self.run / "policy.json"
        if not path.is_file():
            return {}
        data = load_json_file(path, root=self.root)
        if not isinstance(data, dict) or not all(isinstance(value, dict) for value in data.values()):
            raise MalformedOlxError("expected an object of objects keyed by 'block_type/url_name'", path=path)
        return data

    @cached_property
    def course_settings(self) -> dict[str, Any]:
        """The course block's XML attributes with its policy entry merged over them."""
        settings: dict[str, Any] = dict(self.course_element.attrib)
        settings.update(self.policy.get(f"course/{self.run}", {}))
        return settings

    @property
    def display_name(self) -> str:
        return str(self.course_settings.get("display_name", ""))

    @cached_property
    def _blocks(self) -> tuple[OlxBlock, ...]:
        return tuple(
            walk_course(
                self.course_element,
                self.course_file,
                root=self.root,
                course_key=self.course_key,
                policy=self.policy,
            )
        )

    @cached_property
    def _by_key(self) -> dict[UsageKey, OlxBlock]:
        return {block.usage_key: block for block in self._blocks}

    def iter_blocks(self, *, block_type: str | None = None) -> Iterator[OlxBlock]:
        """Every published block below the course, in document order (optionally of one type)."""
        for block in self._blocks:
            if block_type is None or block.block_type == block_type:
                yield block

    def find_block(self, usage_key: UsageKey) -> OlxBlock | None:
        """The published block with this usage key, or None."""
        return self._by_key.get(usage_key)

    def course_xml(self) -> etree._Element:
        """The course element with every pointer below it resolved."""
        _ = self._blocks
        return self.course_element

    def content_hash(self) -> str:
        """The export's version: a hash of its published files (drafts excluded)."""
        return content_hash(self.root)

    def read_outline(self, *, version: str | None = None) -> CourseOutline:
        """The published outline; ``version`` defaults to ``content_hash()``."""
        return build_outline(
            self._blocks,
            course_key=self.course_key,
            course_settings=self.course_settings,
            version=version if version is not None else self.content_hash(),
        )


@contextmanager
def open_course_export(path: str | os.PathLike[str], *, limits: ArchiveLimits | None = None) -> Iterator[CourseExport]:
    """
    Open a course export (directory, ``.tar.gz`` or ``.tgz``) for reading.

    Raises ``OlxNotFoundError`` when there is no export or no ``course.xml``,
    ``UnsafeArchiveError`` for a dangerous archive and ``MalformedOlxError`` for bad content.
    """
    with unpacked_export(path, limits=limits) as root:
        if not (root / "course.xml").is_file():  # pragma: no cover - find_course_root checks this
            raise OlxNotFoundError(f"{root}: no course.xml")
        yield CourseExport(root)
