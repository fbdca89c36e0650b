"""
Outline sources: where a course sync reads the published outline from.

TLDR: pick one through the outline-source setting; all return the same ``CourseOutline`` for the
same course. The modulestore source lives in the platform adapter (it imports edx-platform).
Nothing here imports Django at module level.
"""

from __future__ import annotations

from .base import (
    CourseMismatchError,
    CourseNotFoundError,
    InvalidSourceDataError,
    OutlineSource,
    OutlineSourceError,
    SourceAuthError,
    SourceUnavailableError,
)
from .blocks_api import BlocksApiOutlineSource
from .olx import OlxOutlineSource

__all__ = [
    "BlocksApiOutlineSource",
    "CourseMismatchError",
    "CourseNotFoundError",
    "InvalidSourceDataError",
    "OlxOutlineSource",
    "OutlineSource",
    "OutlineSourceError",
    "SourceAuthError",
    "SourceUnavailableError",
]
