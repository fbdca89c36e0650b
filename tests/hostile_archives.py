"""
Hostile tar archives for the archive, import and sync tests: tiny files whose headers announce huge data.

TLDR: ``tarfile`` can only write honest archives, so the headers are built by hand (``TarInfo.tobuf``
with a forged ``size``) and the announced data is streamed through the compressor in 1 MiB chunks:
a 16 MiB GNU long name compresses to a ~100-byte bzip2 file, which an unbounded reader inflates to
the whole name in memory (and, before the fix, quoted in its error message).
"""

from __future__ import annotations

import bz2
import gzip
import io
import itertools
import tarfile
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = [
    "COURSE_MEMBERS",
    "course_members",
    "gnu_long_name",
    "header",
    "pax_header",
    "pax_sparse_bomb",
    "regular",
    "write_stream",
]

BLOCK = tarfile.BLOCKSIZE
COURSE_XML = b'<course url_name="2024" org="VeX" course="Demo"/>\n'
COURSE_FILE = b'<course><chapter url_name="c" display_name="C"/></course>'
COURSE_MEMBERS = {"course/course.xml": COURSE_XML, "course/course/2024.xml": COURSE_FILE}


def header(name: str, size: int, kind: bytes) -> bytes:
    """One 512-byte ustar header block announcing ``size`` bytes of data, whatever follows it."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    return info.tobuf(format=tarfile.GNU_FORMAT)


def _padding(size: int) -> bytes:
    return b"\0" * (-size % BLOCK)


def _repeat(byte: bytes, size: int, *, padded: bool = True) -> Iterator[bytes]:
    chunk = byte * (1 << 20)
    left = size
    while left > 0:
        yield chunk[: min(left, len(chunk))]
        left -= len(chunk)
    if padded:
        yield _padding(size)


def regular(name: str, data: bytes) -> Iterator[bytes]:
    yield header(name, len(data), tarfile.REGTYPE)
    yield data + _padding(len(data))


def course_members(prefix: str = "") -> Iterator[bytes]:
    """The members of a minimal, valid course export (course-v1:VeX+Demo+2024)."""
    for name, data in COURSE_MEMBERS.items():
        yield from regular(prefix + name, data)


def gnu_long_name(size: int, *, kind: bytes = tarfile.GNUTYPE_LONGNAME, fill: bytes = b"A") -> Iterator[bytes]:
    """A GNU ``L`` (or ``K``) header announcing a ``size``-byte name, then the name itself."""
    yield header("././@LongLink", size, kind)
    yield from _repeat(fill, size)


def pax_header(
    records: dict[str, str] | None = None, *, size: int | None = None, kind: bytes = tarfile.XHDTYPE
) -> Iterator[bytes]:
    """A pax header: the given records, or ``size`` bytes of one long ``comment`` record."""
    if size is not None:
        yield header("././@PaxHeader", size, kind)
        prefix = f"{size} comment=".encode()
        yield prefix
        yield from _repeat(b"x", size - len(prefix) - 1, padded=False)
        yield b"\n" + _padding(size)
        return
    body = b""
    for key, value in (records or {}).items():
        record = f" {key}={value}\n".encode()
        length = len(record)
        while len(record) + len(str(length)) != length:  # the length counts its own digits (as tarfile writes it)
            length = len(record) + len(str(length))
        body += str(length).encode() + record
    yield header("././@PaxHeader", len(body), kind)
    yield body + _padding(len(body))


def pax_sparse_bomb(entries: int) -> Iterator[bytes]:
    """A GNU sparse 1.0 member (pax records) whose map announces ``entries`` numbers, each one present."""
    yield from pax_header({"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "course/x"})
    yield header("course/GNUSparseFile.0/x", 0, tarfile.REGTYPE)
    yield f"{entries}\n".encode()
    yield from _repeat(b"0\n", entries * 4)  # two numbers (offset, size) of two bytes each per entry


def end_of_archive() -> Iterator[bytes]:
    yield b"\0" * (2 * BLOCK)


def write_stream(path: Path, pieces: Iterable[bytes], *, compression: str = "bz2") -> Path:
    """Write ``pieces`` (then the end-of-archive blocks) through ``compression`` (bz2, gz or none)."""
    if compression == "bz2":
        compressor = bz2.BZ2Compressor(9)
        with open(path, "wb") as out:
            for piece in itertools.chain(pieces, end_of_archive()):
                out.write(compressor.compress(piece))
            out.write(compressor.flush())
        return path
    if compression == "gz":
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            for piece in itertools.chain(pieces, end_of_archive()):
                out.write(piece)
        return path
    if compression == "none":
        with open(path, "wb") as out:
            for piece in itertools.chain(pieces, end_of_archive()):
                out.write(piece)
        return path
    raise ValueError(compression)


def bytes_of(pieces: Iterable[bytes]) -> bytes:
    """The uncompressed stream (for small archives only)."""
    buffer = io.BytesIO()
    for piece in itertools.chain(pieces, end_of_archive()):
        buffer.write(piece)
    return buffer.getvalue()
