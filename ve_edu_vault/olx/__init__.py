"""
Read Open edX course exports (OLX): safely unpacked, published content only, no Django.

TLDR: ``with open_course_export(path) as export:`` then ``export.read_outline()`` for course sync
or ``export.iter_blocks(block_type="problem")`` for an importer. Everything raises ``OlxError``
subclasses. This package must stay free of Django imports so it runs in scripts and pure tests.
"""

from __future__ import annotations

from .archive import ArchiveLimits
from .course_export import CourseExport, open_course_export
from .errors import MalformedOlxError, OlxError, OlxNotFoundError, UnsafeArchiveError
from .fields import parse_bool, parse_date
from .tree import OlxBlock

__all__ = [
    "ArchiveLimits",
    "CourseExport",
    "MalformedOlxError",
    "OlxBlock",
    "OlxError",
    "OlxNotFoundError",
    "UnsafeArchiveError",
    "open_course_export",
    "parse_bool",
    "parse_date",
]
