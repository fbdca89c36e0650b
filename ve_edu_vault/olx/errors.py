"""
Errors raised while reading an Open edX course export (OLX).

TLDR: every problem with an export surfaces as an ``OlxError`` subclass with a message a course
author can act on (which file, which line, which block), never as a bare lxml, tarfile or OS error.
Callers that wrap the reader (outline sources, the problem importer) catch ``OlxError`` only.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MalformedOlxError", "OlxError", "OlxNotFoundError", "UnsafeArchiveError"]


class OlxError(Exception):
    """Base class for everything that can go wrong reading an export."""

    code = "olx_error"


class UnsafeArchiveError(OlxError):
    """The archive holds a member that could escape or abuse the extraction directory."""

    code = "olx_unsafe_archive"


class OlxNotFoundError(OlxError):
    """The export, its ``course.xml`` or a referenced definition file does not exist."""

    code = "olx_not_found"


class MalformedOlxError(OlxError):
    """A file of the export cannot be parsed or holds an invalid value."""

    code = "olx_malformed"

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        location = ""
        if self.path:
            location = f"{self.path}:{line}: " if line else f"{self.path}: "
        super().__init__(f"{location}{message}")
