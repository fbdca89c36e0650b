"""
Archive headers are bounded before ``tarfile`` reads what they announce (issue 18, item 2).

A GNU long-name or pax header declares the size of its own data, and ``tarfile`` reads that much
into memory at once; bzip2 turns a 16 MiB name into a ~100-byte file. Each hostile archive must be
refused with a short message while Python's allocations stay small (``tracemalloc`` peak), and the
archives real exports are made of (long names, pax records, non-ASCII names) must still open.
"""

from __future__ import annotations

import io
import tarfile
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hostile_archives import (
    COURSE_MEMBERS,
    course_members,
    gnu_long_name,
    header,
    pax_header,
    pax_sparse_bomb,
    regular,
    write_stream,
)

from ve_edu_vault.olx import ArchiveLimits, OlxError, UnsafeArchiveError, open_course_export

MiB = 1024 * 1024
NAME_SIZE = 16 * MiB  # the name an unbounded reader holds (and quoted, before the fix) in memory
PEAK_LIMIT = 8 * MiB  # what opening (and refusing) any of these archives may allocate at its peak
MESSAGE_LIMIT = 500


def _refusal(path: Path, limits: ArchiveLimits | None = None) -> tuple[OlxError, int]:
    """Open ``path``, expecting a refusal: (the error, the peak of Python allocations meanwhile)."""
    tracemalloc.start()
    try:
        with pytest.raises(OlxError) as caught, open_course_export(path, limits=limits):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, peak


def _archive(tmp_path: Path, pieces: Iterable[bytes], compression: str = "bz2", *, name: str = "") -> Path:
    suffix = {"bz2": ".tar.gz", "gz": ".tar.gz", "none": ".tar"}[compression]  # uploads are named .tar.gz
    path = write_stream(tmp_path / (name or f"hostile{suffix}"), pieces, compression=compression)
    assert path.stat().st_size < 64 * 1024  # tiny on disk: the size is in the headers' claims
    return path


def _then_course(first: Iterable[bytes]) -> Iterator[bytes]:
    yield from first
    yield from regular("course/static/file.txt", b"x")
    yield from course_members()


@pytest.mark.parametrize("compression", ["bz2", "gz"])
@pytest.mark.parametrize("kind", [tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK], ids=["L", "K"])
@pytest.mark.parametrize("name", ["", "export.bin"], ids=["tar-suffix", "sniffed"])
def test_gnu_long_name_announcing_megabytes_is_refused(
    tmp_path: Path, compression: str, kind: bytes, name: str
) -> None:
    # "export.bin" has no archive suffix: the reader sniffs its first bytes (tarfile.is_tarfile read it unbounded).
    archive = _archive(tmp_path, _then_course(gnu_long_name(NAME_SIZE, kind=kind)), compression, name=name)
    error, peak = _refusal(archive)
    assert isinstance(error, UnsafeArchiveError)
    assert "member name" in str(error) and "4096" in str(error)
    assert len(str(error)) < MESSAGE_LIMIT
    assert peak < PEAK_LIMIT, f"{peak / MiB:.1f} MiB allocated"


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.XGLTYPE], ids=["x", "g"])
def test_pax_header_announcing_megabytes_is_refused(tmp_path: Path, kind: bytes) -> None:
    archive = _archive(tmp_path, _then_course(pax_header(size=NAME_SIZE, kind=kind)))
    error, peak = _refusal(archive)
    assert isinstance(error, UnsafeArchiveError) and "extended headers" in str(error)
    assert len(str(error)) < MESSAGE_LIMIT
    assert peak < PEAK_LIMIT, f"{peak / MiB:.1f} MiB allocated"


def test_header_size_beyond_memory_is_refused_not_a_memory_error(tmp_path: Path) -> None:
    # An uncompressed archive: tarfile asked the file for 2**60 bytes in one read (MemoryError before).
    archive = _archive(tmp_path, _then_course([header("././@LongLink", 2**60, tarfile.GNUTYPE_LONGNAME)]), "none")
    error, _ = _refusal(archive)
    assert isinstance(error, UnsafeArchiveError) and len(str(error)) < MESSAGE_LIMIT


def test_many_small_extended_headers_add_up(tmp_path: Path) -> None:
    # Each pax header is small, but a chain of them before one member adds up past the budget.
    chain = [piece for _ in range(40) for piece in pax_header(size=4000)]
    archive = _archive(tmp_path, _then_course(chain))
    error, _ = _refusal(archive, ArchiveLimits(max_header_bytes=64 * 1024))
    assert isinstance(error, UnsafeArchiveError) and "extended headers" in str(error)


def test_pax_path_longer_than_the_name_limit_is_refused_and_clipped(tmp_path: Path) -> None:
    name = "course/static/" + "n" * 9000
    archive = _archive(tmp_path, [*pax_header({"path": name}), *regular("placeholder", b"x"), *course_members()])
    error, _ = _refusal(archive)
    assert isinstance(error, UnsafeArchiveError) and "9014-byte name" in str(error)
    assert len(str(error)) < MESSAGE_LIMIT


def test_sparse_members_are_refused(tmp_path: Path) -> None:
    pax_sparse = _archive(tmp_path, _then_course(pax_sparse_bomb(2 * MiB)))
    error, peak = _refusal(pax_sparse)
    assert isinstance(error, UnsafeArchiveError) and "sparse" in str(error)
    assert peak < PEAK_LIMIT, f"{peak / MiB:.1f} MiB allocated"
    old_sparse = tmp_path / "old"
    old_sparse.mkdir()
    archive = _archive(old_sparse, _then_course([header("course/static/s", 0, tarfile.GNUTYPE_SPARSE)]))
    error, _ = _refusal(archive)
    assert isinstance(error, UnsafeArchiveError) and "sparse" in str(error)


def test_non_utf8_member_name_is_refused_by_name(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "latin1.tar.gz", "w:gz", format=tarfile.GNU_FORMAT, encoding="latin-1") as tar:
        for name, data in [("course/static/caf\xe9.txt", b"x"), *COURSE_MEMBERS.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    error, _ = _refusal(tmp_path / "latin1.tar.gz")
    assert isinstance(error, UnsafeArchiveError)
    assert "not UTF-8" in str(error) and "caf\\udce9.txt" in str(error)


def test_real_export_shapes_still_open(tmp_path: Path) -> None:
    """Long names (GNU and pax), pax records and non-ASCII names are what real exports hold."""
    long_dir = "course/static/" + "d" * 200 + "/"
    for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        path = tmp_path / f"real-{fmt}.tar.gz"
        with tarfile.open(path, "w:gz", format=fmt) as tar:
            for name, data in [
                (long_dir + "f.txt", b"long"),
                ("course/static/r\xe9sum\xe9.txt", b"utf8"),
                *COURSE_MEMBERS.items(),
            ]:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = 1.5  # a float mtime is written as a pax record
                tar.addfile(info, io.BytesIO(data))
        with open_course_export(path) as export:
            assert (export.root / "static" / ("d" * 200) / "f.txt").read_bytes() == b"long"
            assert (export.root / "static" / "r\xe9sum\xe9.txt").read_bytes() == b"utf8"
            assert str(export.course_key) == "course-v1:VeX+Demo+2024"
