"""
The outline source port: anything that can read a course's published outline.

TLDR: a sync task asks an ``OutlineSource`` for ``read(course_key)`` and gets a frozen
``CourseOutline``; it never cares whether that came from the modulestore, the Course Blocks REST
API or an OLX export. Sources raise only ``OutlineSourceError`` subclasses, each with a stable
``code``, so the task can decide to retry (``SourceUnavailableError``) or give up (the others).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline

__all__ = [
    "CourseMismatchError",
    "CourseNotFoundError",
    "InvalidSourceDataError",
    "OutlineSource",
    "OutlineSourceError",
    "SourceAuthError",
    "SourceUnavailableError",
]


@runtime_checkable
class OutlineSource(Protocol):
    """Reads the published outline of one course."""

    name: str

    def read(self, course_key: CourseKey) -> CourseOutline:
        """Return the published outline of ``course_key`` or raise an ``OutlineSourceError``."""
        ...


class OutlineSourceError(Exception):
    """Base class: the outline could not be read."""

    code = "outline_source_error"
    retryable = False


class CourseMismatchError(OutlineSourceError):
    """The source holds another course than the one requested."""

    code = "outline_course_mismatch"


class CourseNotFoundError(OutlineSourceError):
    """The source does not know the requested course (HTTP 404)."""

    code = "outline_course_not_found"


class SourceAuthError(OutlineSourceError):
    """The source refused our credentials (HTTP 401/403, or the OAuth token request failed)."""

    code = "outline_source_auth"


class SourceUnavailableError(OutlineSourceError):
    """The source is down, slow or failing (5xx, timeouts, connection errors): worth a retry later."""

    code = "outline_source_unavailable"
    retryable = True


class InvalidSourceDataError(OutlineSourceError):
    """The source answered with data that is not a valid outline (bad JSON, unexpected shape, bad OLX)."""

    code = "outline_invalid_source_data"
