"""OlxOutlineSource: reads the requested course from an export, refuses another course's export."""

from __future__ import annotations

from pathlib import Path

import pytest
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync.sources import (
    CourseMismatchError,
    CourseNotFoundError,
    InvalidSourceDataError,
    OlxOutlineSource,
    OutlineSource,
)


def test_reads_the_requested_course(shared_course_dir: Path) -> None:
    source = OlxOutlineSource(shared_course_dir)
    assert isinstance(source, OutlineSource) and source.name == "olx"
    outline = source.read(CourseKey.from_string("course-v1:TestX+Course+1"))
    assert outline.count_by_kind() == {"topic": 2, "subtopic": 3, "objective": 22}


def test_other_course_is_a_mismatch(shared_course_dir: Path) -> None:
    with pytest.raises(CourseMismatchError, match=r"export of course-v1:TestX\+Course\+1, not of the requested"):
        OlxOutlineSource(shared_course_dir).read(CourseKey.from_string("course-v1:TestX+Course+2"))


def test_missing_and_broken_exports(tmp_path: Path) -> None:
    key = CourseKey.from_string("course-v1:VeX+Demo+2024")
    with pytest.raises(CourseNotFoundError, match="not found"):
        OlxOutlineSource(tmp_path / "missing.tar.gz").read(key)
    (tmp_path / "course.xml").write_text("<course url_name='2024' org='VeX' course='Demo'>")
    with pytest.raises(InvalidSourceDataError, match=r"course\.xml:1: invalid XML"):
        OlxOutlineSource(tmp_path).read(key)
