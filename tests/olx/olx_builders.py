"""Helpers writing small OLX exports and tar archives for the reader's tests."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

COURSE_XML = '<course url_name="2024" org="VeX" course="Demo"/>\n'


def write_export(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``, with a default course.xml."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in {"course.xml": COURSE_XML, **files}.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def tar_with(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes] | None = None) -> Path:
    """Write a .tar.gz holding exactly ``members`` (file data from ``data`` by member name)."""
    data = data or {}
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as tar:
        for member in members:
            payload = data.get(member.name)
            if payload is not None:
                member.size = len(payload)
                tar.addfile(member, io.BytesIO(payload))
            else:
                tar.addfile(member)
    return path


def file_member(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.REGTYPE
    return info


def tar_of_directory(path: Path, directory: Path, arcname: str = "./course") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        tar.add(directory, arcname=arcname)
    return path
