"""
Open a course export given as a directory or a tar archive, safely.

TLDR: an uploaded ``.tar.gz`` is untrusted input. Members are checked one by one *before* anything
is written (no absolute paths, no ``..``, no links, no devices, UTF-8 names, bounded member count
and sizes) and regular files are copied by hand into a private temporary directory, which the
context manager always removes. ``tarfile.extractall`` is never used.

Headers are bounded *before* ``tarfile`` reads what they announce: a GNU long name (``L``/``K``)
or a pax header (``x``/``g``) declares its own size, and ``tarfile`` reads that many bytes into
memory in one call (a 341-byte bzip2 archive announcing a 256 MiB name took 2 GB). The
``TarInfo`` subclass below refuses such a header from its size field alone, refuses GNU sparse
members (no course export has one; their maps are read unbounded), and counts the extended
header bytes in front of each member. ``_proc_member`` is the hook CPython's ``tarfile``
documents for subclasses ("can be overridden in a subclass", Lib/tarfile.py, 3.11 to 3.13).
Messages quote member names clipped to :data:`SHOWN_NAME_CHARS` characters, never whole.

Real Studio exports have a single top folder (``./course/``); hand-made ones may put
``course.xml`` at the root. ``find_course_root`` accepts both.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import OlxError, OlxNotFoundError, UnsafeArchiveError

__all__ = ["SHOWN_NAME_CHARS", "ArchiveLimits", "clip", "extract_archive", "find_course_root", "unpacked_export"]

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
SHOWN_NAME_CHARS = 120
_COPY_CHUNK = 1024 * 1024
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_LONG_NAME_TYPES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
_PAX_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)


@dataclass(frozen=True, kw_only=True, slots=True)
class ArchiveLimits:
    """
    Bounds on what an archive may unpack to (defaults fit any real course export).

    ``max_name_bytes`` bounds a member's path (Linux's PATH_MAX); ``max_header_bytes`` bounds the
    extended headers (GNU long names, pax records) in front of one member, and the pax global
    headers of the whole archive.
    """

    max_members: int = 50_000
    max_file_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_name_bytes: int = 4096
    max_header_bytes: int = 64 * 1024


def clip(text: str, limit: int = SHOWN_NAME_CHARS) -> str:
    """``text`` as quoted in a message: ``repr`` (non-UTF-8 bytes escaped), cut to ``limit`` characters."""
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} characters)"
    return repr(text)


class _HeaderBudget:
    """Extended-header bytes read so far: in front of the current member, and global ones."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.member_bytes = 0
        self.global_bytes = 0

    def charge(self, info: tarfile.TarInfo) -> None:
        limits = self.limits
        if info.type == tarfile.GNUTYPE_SPARSE:
            raise UnsafeArchiveError(f"archive member {clip(info.name)} is a GNU sparse file; refused")
        if info.type not in _LONG_NAME_TYPES + _PAX_TYPES:
            return
        if info.type in _LONG_NAME_TYPES and info.size > limits.max_name_bytes:
            raise UnsafeArchiveError(
                f"archive header at byte {info.offset} declares a {info.size}-byte member name "
                f"(more than {limits.max_name_bytes} bytes); refused"
            )
        blocks = -(-info.size // tarfile.BLOCKSIZE)  # the header block and its data, as tarfile reads them
        cost = tarfile.BLOCKSIZE * (1 + blocks)
        if info.type == tarfile.XGLTYPE:
            self.global_bytes += cost
            spent = self.global_bytes
        else:
            self.member_bytes += cost
            spent = self.member_bytes
        if spent > limits.max_header_bytes:
            raise UnsafeArchiveError(
                f"archive header at byte {info.offset} brings the extended headers to more than "
                f"{limits.max_header_bytes} bytes; refused"
            )


def _bounded_tarinfo(budget: _HeaderBudget) -> type[tarfile.TarInfo]:
    """A ``TarInfo`` class checking each header against ``budget`` before tarfile reads its data."""

    class BoundedTarInfo(tarfile.TarInfo):
        def _proc_member(self, tarfile: Any) -> Any:
            budget.charge(self)
            return super()._proc_member(tarfile)  # type: ignore[misc]  # not in typeshed; see the module docstring

        # GNU sparse maps in pax headers (formats 0.0, 0.1, 1.0): 1.0 reads an announced number of
        # entries from the data. Sparse files are refused whole.
        def _proc_gnusparse_00(self, next: Any, pax_headers: Any, buf: Any) -> None:
            raise UnsafeArchiveError("archive holds a GNU sparse file (pax format 0.0); refused")

        def _proc_gnusparse_01(self, next: Any, pax_headers: Any) -> None:
            raise UnsafeArchiveError("archive holds a GNU sparse file (pax format 0.1); refused")

        def _proc_gnusparse_10(self, next: Any, pax_headers: Any, tarfile: Any) -> None:
            raise UnsafeArchiveError("archive holds a GNU sparse file (pax format 1.0); refused")

    return BoundedTarInfo


def _check_name(member: tarfile.TarInfo, limits: ArchiveLimits) -> None:
    try:
        size = len(member.name.encode("utf-8"))
    except UnicodeEncodeError:
        raise UnsafeArchiveError(
            f"archive member {clip(member.name)} has a name that is not UTF-8; rename it and export again"
        ) from None
    if size > limits.max_name_bytes:
        raise UnsafeArchiveError(
            f"archive member {clip(member.name)} has a {size}-byte name (more than {limits.max_name_bytes})"
        )


def _member_parts(member: tarfile.TarInfo) -> tuple[str, ...]:
    name = member.name
    if name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        raise UnsafeArchiveError(f"archive member {clip(name)} has an absolute path")
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise UnsafeArchiveError(f"archive member {clip(name)} points outside the archive ('..')")
    return parts


def _check_type(member: tarfile.TarInfo) -> None:
    name = clip(member.name)
    if member.issym() or member.islnk():
        raise UnsafeArchiveError(f"archive member {name} is a link to {clip(member.linkname)}; links are refused")
    if member.ischr() or member.isblk() or member.isfifo():
        raise UnsafeArchiveError(f"archive member {name} is a device or FIFO; refused")
    if not (member.isreg() or member.isdir()):
        raise UnsafeArchiveError(f"archive member {name} has an unsupported type {member.type!r}")


def extract_archive(archive: Path, destination: Path, *, limits: ArchiveLimits | None = None) -> None:
    """Extract ``archive`` into the existing empty directory ``destination``, refusing unsafe members."""
    limits = limits or ArchiveLimits()
    budget = _HeaderBudget(limits)
    try:
        with tarfile.open(archive, mode="r:*", tarinfo=_bounded_tarinfo(budget)) as tar:
            _extract_members(tar, destination.resolve(), limits, budget)
    except OlxError:
        raise
    except Exception as exc:  # any decoder failure on untrusted bytes is a refusal, not a 500
        reason = clip(str(exc), 200) if str(exc) else type(exc).__name__
        raise OlxError(f"{archive.name}: cannot read the archive: {reason}") from exc


def _extract_members(tar: tarfile.TarFile, dest_root: Path, limits: ArchiveLimits, budget: _HeaderBudget) -> None:
    count = 0
    total = 0
    while True:
        budget.member_bytes = 0
        member = tar.next()
        # TarFile keeps every member it has read; the loop needs none of them back, so memory stays flat.
        tar.members.clear()  # type: ignore[attr-defined]  # typeshed omits the attribute
        if member is None:
            return
        count += 1
        if count > limits.max_members:
            raise UnsafeArchiveError(f"archive has more than {limits.max_members} members")
        _check_name(member, limits)
        _check_type(member)
        parts = _member_parts(member)
        if not parts:
            continue
        target = dest_root.joinpath(*parts)
        if not target.resolve().is_relative_to(dest_root):
            raise UnsafeArchiveError(f"archive member {clip(member.name)} resolves outside the extraction directory")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        if member.size > limits.max_file_bytes:
            raise UnsafeArchiveError(f"archive member {clip(member.name)} is larger than {limits.max_file_bytes} bytes")
        total += member.size
        if total > limits.max_total_bytes:
            raise UnsafeArchiveError(f"archive unpacks to more than {limits.max_total_bytes} bytes")
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:  # pragma: no cover - regular files always have data
            raise OlxError(f"archive member {clip(member.name)} cannot be read")
        with source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, _COPY_CHUNK)


def find_course_root(directory: Path) -> Path:
    """Return the folder holding ``course.xml``: ``directory`` itself or its single top folder."""
    if (directory / "course.xml").is_file():
        return directory
    candidates = [
        child
        for child in sorted(directory.iterdir())
        if child.is_dir() and not child.name.startswith((".", "__MACOSX")) and (child / "course.xml").is_file()
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise OlxNotFoundError(f"{directory.name}: no course.xml at the top of the export or in a single top folder")
    names = ", ".join(child.name for child in candidates)
    raise OlxError(f"{directory.name}: several top folders hold a course.xml ({names}); export one course at a time")


# gzip, bzip2, xz, and "ustar" at offset 257 of an uncompressed tar (POSIX and GNU headers).
_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def _is_archive(path: Path) -> bool:
    """
    Whether ``path`` looks like a tar archive: by its suffix or its first bytes.

    Not ``tarfile.is_tarfile``: it parses the first member with an unbounded ``TarInfo``, the very
    read the bounded extraction exists to avoid.
    """
    if path.name.lower().endswith(ARCHIVE_SUFFIXES):
        return True
    with open(path, "rb") as file:
        start = file.read(tarfile.BLOCKSIZE)
    return start.startswith(_MAGIC) or start[257:262] == b"ustar"


@contextmanager
def unpacked_export(path: str | os.PathLike[str], *, limits: ArchiveLimits | None = None) -> Iterator[Path]:
    """
    Yield the course root folder (the one holding ``course.xml``) of a directory or archive export.

    An archive is extracted into a temporary directory removed on exit, whatever happens.
    """
    source = Path(path)
    if source.is_dir():
        yield find_course_root(source)
        return
    if not source.exists():
        raise OlxNotFoundError(f"{source}: course export not found")
    if not (source.is_file() and _is_archive(source)):
        raise OlxError(f"{source.name}: not a directory or a .tar.gz/.tgz course export")
    with tempfile.TemporaryDirectory(prefix="ve-olx-") as tmp:
        extract_archive(source, Path(tmp), limits=limits)
        yield find_course_root(Path(tmp))
