"""
Hostile-file rules for interchange uploads: XML without entities, bounded sizes, zip members that stay inside.

TLDR: every reader parses XML through :func:`parse_xml` and opens packages through :class:`SafePackage`.
The rules are those of the OLX import (``ve_edu_vault/olx/xmlparse.py`` and ``olx/archive.py``): lxml
with ``resolve_entities=False``, no DTD, no network and no huge trees; and for archives no absolute
path, no ``..``, no links, no devices, a bounded member count and bounded sizes. Two more for zip
packages: a member whose compression ratio is beyond ``max_ratio`` is a zip bomb and refused, and
sizes are enforced while reading (a lying header cannot push past the bound). Members are read into
memory, never extracted to disk, so there is no extraction folder to escape at all; a package
reference (``href``) is resolved inside the package or refused. Documents that declare entities
(``<!ENTITY``) are refused outright: no expansion, not even of internal ones.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import PurePosixPath

from lxml import etree

from .data import FormatError, ReadLimits

__all__ = ["SafePackage", "is_zip", "parse_xml", "resolve_href"]

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, *, file: str, limits: ReadLimits | None = None) -> etree._Element:
    """The root element of an XML document, or :class:`FormatError` naming the file and the line."""
    limits = limits or ReadLimits()
    if len(data) > limits.max_file_bytes:
        raise FormatError(f"the file is larger than {limits.max_file_bytes} bytes", file=file)
    match = _ENTITY.search(data)
    if match is not None:
        line = data.count(b"\n", 0, match.start()) + 1
        raise FormatError("the document declares XML entities; they are refused", file=file, line=line)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise FormatError(f"not well-formed XML: {error.msg}", file=file, line=error.lineno or None) from None
    if root is None:
        raise FormatError("empty XML document", file=file)
    return root


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"


def _member_path(name: str, *, file: str) -> str:
    if "\\" in name:
        name = name.replace("\\", "/")
    if name.startswith("/") or _WINDOWS_DRIVE.match(name):
        raise FormatError(f"package member {name!r} has an absolute path", file=file)
    parts = [part for part in PurePosixPath(name).parts if part not in ("", ".")]
    if ".." in parts:
        raise FormatError(f"package member {name!r} points outside the package ('..')", file=file)
    return "/".join(parts)


def resolve_href(base: str, href: str, *, file: str) -> str:
    """``href`` (relative to the folder of member ``base``) as a member path; refused if it leaves the package."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith("/"):
        raise FormatError(f"reference {href!r} is not a path inside the package", file=file)
    parts: list[str] = [p for p in PurePosixPath(base).parent.parts if p not in ("", ".")]
    for part in PurePosixPath(href).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise FormatError(f"reference {href!r} points outside the package", file=file)
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


class SafePackage:
    """A zip package whose members are checked up front and read, bounded, into memory on demand."""

    def __init__(self, data: bytes, *, file: str, limits: ReadLimits | None = None) -> None:
        self.file = file
        self.limits = limits or ReadLimits()
        if len(data) > self.limits.max_file_bytes:
            raise FormatError(f"the package is larger than {self.limits.max_file_bytes} bytes", file=file)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise FormatError(f"not a readable zip package: {error}", file=file) from None
        if len(infos) > self.limits.max_members:
            raise FormatError(f"the package has more than {self.limits.max_members} members", file=file)
        self._members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            path = _member_path(info.filename, file=file)
            kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
            if kind == stat.S_IFLNK:
                raise FormatError(f"package member {info.filename!r} is a link; links are refused", file=file)
            if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                raise FormatError(f"package member {info.filename!r} is a device or FIFO; refused", file=file)
            if info.flag_bits & 0x1:
                raise FormatError(f"package member {info.filename!r} is encrypted", file=file)
            if info.is_dir() or not path:
                continue
            if info.file_size > self.limits.max_member_bytes:
                raise FormatError(
                    f"package member {path!r} is larger than {self.limits.max_member_bytes} bytes", file=file
                )
            if info.compress_size and info.file_size / info.compress_size > self.limits.max_ratio:
                raise FormatError(f"package member {path!r} is compressed beyond belief (a zip bomb?)", file=file)
            total += info.file_size
            if total > self.limits.max_total_bytes:
                raise FormatError(f"the package unpacks to more than {self.limits.max_total_bytes} bytes", file=file)
            if path in self._members:
                raise FormatError(f"package member {path!r} appears twice", file=file)
            self._members[path] = info

    def names(self) -> list[str]:
        return list(self._members)

    def __contains__(self, path: object) -> bool:
        return path in self._members

    def read(self, path: str) -> bytes:
        """The bytes of member ``path`` (read at most to the bound, whatever its header says)."""
        info = self._members.get(path)
        if info is None:
            raise FormatError(f"the package has no member {path!r}", file=self.file)
        bound = self.limits.max_member_bytes
        try:
            with self._zip.open(info) as source:
                data = source.read(bound + 1)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
            raise FormatError(f"package member {path!r} cannot be read: {error}", file=self.file) from None
        if len(data) > bound:
            raise FormatError(f"package member {path!r} is larger than {bound} bytes", file=self.file)
        return data

    def xml(self, path: str) -> etree._Element:
        return parse_xml(self.read(path), file=f"{self.file}/{path}", limits=self.limits)
