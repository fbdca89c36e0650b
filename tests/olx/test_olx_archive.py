"""Unsafe or oversized archives are refused before anything escapes the temporary directory."""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path

import pytest
from olx_builders import COURSE_XML, file_member, tar_with

from ve_edu_vault.olx import ArchiveLimits, OlxError, UnsafeArchiveError, open_course_export

COURSE_FILE = b'<course><chapter url_name="c" display_name="C"/></course>'


def course_members(prefix: str = "./course/") -> tuple[list[tarfile.TarInfo], dict[str, bytes]]:
    names = {f"{prefix}course.xml": COURSE_XML.encode(), f"{prefix}course/2024.xml": COURSE_FILE}
    return [file_member(name) for name in names], names


def link_member(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def device_member(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.CHRTYPE
    info.devmajor, info.devminor = 1, 3
    return info


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (file_member("/tmp/ve-olx-escape.txt"), "absolute path"),
        (file_member("../ve-olx-escape.txt"), "outside the archive"),
        (file_member("./course/../../ve-olx-escape.txt"), "outside the archive"),
        (link_member("./course/static/passwd", "/etc/passwd", tarfile.SYMTYPE), "link"),
        (link_member("./course/static/evil", "../../..", tarfile.SYMTYPE), "link"),
        (link_member("./course/static/hard", "/etc/passwd", tarfile.LNKTYPE), "link"),
        (device_member("./course/static/null"), "device"),
    ],
    ids=["absolute", "dotdot", "nested-dotdot", "symlink", "dir-symlink", "hardlink", "device"],
)
def test_unsafe_members_are_refused(tmp_path: Path, bad: tarfile.TarInfo, message: str) -> None:
    members, data = course_members()
    data[bad.name] = b"pwned"
    archive = tar_with(tmp_path / "evil.tar.gz", [*members, bad], data)
    before = set(Path(tempfile.gettempdir()).glob("ve-olx-*"))
    with pytest.raises(UnsafeArchiveError, match=message), open_course_export(archive):
        pass
    assert not (tmp_path / "ve-olx-escape.txt").exists()
    assert not Path("/tmp/ve-olx-escape.txt").exists()
    assert set(Path(tempfile.gettempdir()).glob("ve-olx-*")) == before, "temporary directory left behind"


def test_limits_on_member_count_and_size(tmp_path: Path) -> None:
    members, data = course_members()
    extra = [file_member(f"./course/static/f{i}.txt") for i in range(5)]
    archive = tar_with(tmp_path / "many.tar.gz", members + extra, data | {m.name: b"x" * 100 for m in extra})
    with (
        pytest.raises(UnsafeArchiveError, match="more than 4 members"),
        open_course_export(archive, limits=ArchiveLimits(max_members=4)),
    ):
        pass
    with (
        pytest.raises(UnsafeArchiveError, match="larger than 99 bytes"),
        open_course_export(archive, limits=ArchiveLimits(max_file_bytes=99)),
    ):
        pass
    with (
        pytest.raises(UnsafeArchiveError, match="more than 300 bytes"),
        open_course_export(archive, limits=ArchiveLimits(max_total_bytes=300)),
    ):
        pass


def test_course_xml_at_archive_root_is_accepted(tmp_path: Path) -> None:
    members, data = course_members(prefix="")
    with open_course_export(tar_with(tmp_path / "flat.tgz", members, data)) as export:
        assert str(export.course_key) == "course-v1:VeX+Demo+2024"
        assert export.read_outline().count_by_kind()["topic"] == 1
        root = export.root
    assert not root.exists()


def test_corrupt_archive(tmp_path: Path) -> None:
    path = tmp_path / "broken.tar.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(OlxError, match=r"broken.tar.gz: cannot read the archive"), open_course_export(path):
        pass


def test_two_courses_in_one_archive_are_refused(tmp_path: Path) -> None:
    one, data_one = course_members("./a/")
    two, data_two = course_members("./b/")
    archive = tar_with(tmp_path / "two.tar.gz", one + two, data_one | data_two)
    with pytest.raises(OlxError, match="several top folders"), open_course_export(archive):
        pass
