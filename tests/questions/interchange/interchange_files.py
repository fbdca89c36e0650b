"""Test files of the interchange tests: the fixtures under ``files/`` and packages zipped from their folders."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

FILES = Path(__file__).parent / "files"


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


def zip_folder(name: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """The folder ``files/<name>`` as a zip package (members relative to the folder), plus ``extra`` members."""
    folder = FILES / name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
        for member, content in (extra or {}).items():
            archive.writestr(member, content)
    return buffer.getvalue()


def zip_members(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()
