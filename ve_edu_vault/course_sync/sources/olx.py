"""
Outline source reading an OLX course export (directory or ``.tar.gz``).

TLDR: used for imports and for tests/demos without a running Open edX. The export must hold the
requested course, otherwise ``CourseMismatchError``: syncing one course from another course's
export would archive every node.
"""

from __future__ import annotations

import os
from pathlib import Path

from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.data import CourseOutline
from ve_edu_vault.olx import OlxError, OlxNotFoundError, open_course_export

from .base import CourseMismatchError, CourseNotFoundError, InvalidSourceDataError

__all__ = ["OlxOutlineSource"]


class OlxOutlineSource:
    """Reads the published outline from the course export at ``path``."""

    name = "olx"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self, course_key: CourseKey) -> CourseOutline:
        try:
            with open_course_export(self.path) as export:
                if export.course_key != course_key:
                    raise CourseMismatchError(
                        f"{self.path.name} is an export of {export.course_key}, not of the requested {course_key}"
                    )
                return export.read_outline()
        except OlxNotFoundError as exc:
            raise CourseNotFoundError(f"cannot read course {course_key} from {self.path}: {exc}") from exc
        except OlxError as exc:
            raise InvalidSourceDataError(f"cannot read course {course_key} from {self.path}: {exc}") from exc
