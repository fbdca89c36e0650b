"""
Open a course export given as a directory or a tar archive, safely.

TLDR: an uploaded ``.tar.gz`` is untrusted input. Members are checked one by one *before* anything
is written (no absolute paths, no ``..``, no links, no devices, bounded member count and sizes)
and regular files are copied by hand into a private temporary directory, which the context
manager always removes. ``tarfile.extractall`` is never used.

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

from .errors import OlxError, OlxNotFoundError, UnsafeArchiveError

__all__ = ["ArchiveLimits", "extract_archive", "find_course_root", "unpacked_export"]

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")
_COPY_CHUNK = 1024 * 1024
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, kw_only=True, slots=True)
class ArchiveLimits:
    """Bounds on what an archive may unpack to (defaults fit any real course export)."""

    max_members: int = 50_000
    max_file_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 2 * 1024 * 1024 * 1024


def _member_parts(member: tarfile.TarInfo) -> tuple[str, ...]:
    name = member.name
    if name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        raise UnsafeArchiveError(f"archive member {name!r} has an absolute path")
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise UnsafeArchiveError(f"archive member {name!r} points outside the archive ('..')")
    return parts


def _check_type(member: tarfile.TarInfo) -> None:
    if member.issym() or member.islnk():
        raise UnsafeArchiveError(f"archive member {member.name!r} is a link to {member.linkname!r}; links are refused")
    if member.ischr() or member.isblk() or member.isfifo():
        raise UnsafeArchiveError(f"archive member {member.name!r} is a device or FIFO; refused")
    if not (member.isreg() or member.isdir()):
        raise UnsafeArchiveError(f"archive member {member.name!r} has an unsupported type {member.type!r}")


def extract_archive(archive: Path, destination: Path, *, limits: ArchiveLimits | None = None) -> None:
    """Extract ``archive`` into the existing empty directory ``destination``, refusing unsafe members."""
    limits = limits or ArchiveLimits()
    dest_root = destination.resolve()
    count = 0
    total = 0
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar:
                count += 1
                if count > limits.max_members:
                    raise UnsafeArchiveError(f"archive has more than {limits.max_members} members")
                _check_type(member)
                parts = _member_parts(member)
                if not parts:
                    continue
                target = dest_root.joinpath(*parts)
                if not target.resolve().is_relative_to(dest_root):
                    raise UnsafeArchiveError(
                        f"archive member {member.name!r} resolves outside the extraction directory"
                    )
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                if member.size > limits.max_file_bytes:
                    raise UnsafeArchiveError(
                        f"archive member {member.name!r} is larger than {limits.max_file_bytes} bytes"
                    )
                total += member.size
                if total > limits.max_total_bytes:
                    raise UnsafeArchiveError(f"archive unpacks to more than {limits.max_total_bytes} bytes")
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - regular files always have data
                    raise OlxError(f"archive member {member.name!r} cannot be read")
                with source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out, _COPY_CHUNK)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise OlxError(f"{archive.name}: cannot read the archive: {exc}") from exc


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


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


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
    if not (source.is_file() and (_is_archive(source) or tarfile.is_tarfile(source))):
        raise OlxError(f"{source.name}: not a directory or a .tar.gz/.tgz course export")
    with tempfile.TemporaryDirectory(prefix="ve-olx-") as tmp:
        extract_archive(source, Path(tmp), limits=limits)
        yield find_course_root(Path(tmp))
