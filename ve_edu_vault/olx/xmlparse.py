"""
Safe XML and JSON loading for OLX files.

TLDR: never call ``etree.parse`` on export files directly. Exports come from users; this parser
does not resolve entities, load DTDs or touch the network, and turns syntax errors into
``MalformedOlxError`` naming the file (relative to the export root) and the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import MalformedOlxError, OlxNotFoundError

__all__ = ["load_json_file", "parse_xml_file", "relative_name"]

# A single OLX file larger than this is not a course file: refuse it rather than load it.
MAX_XML_FILE_BYTES = 32 * 1024 * 1024


def _make_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def relative_name(path: Path, root: Path | None) -> str:
    """The path as shown in messages: relative to the export root when possible."""
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def _read_bytes(path: Path, root: Path | None) -> bytes:
    name = relative_name(path, root)
    if not path.is_file():
        raise OlxNotFoundError(f"{name}: file not found in the export")
    if path.stat().st_size > MAX_XML_FILE_BYTES:
        raise MalformedOlxError(f"file is larger than {MAX_XML_FILE_BYTES} bytes", path=name)
    return path.read_bytes()


def parse_xml_file(path: Path, *, root: Path | None = None) -> etree._Element:
    """Parse one OLX file and return its root element."""
    data = _read_bytes(path, root)
    try:
        element = etree.fromstring(data, parser=_make_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise MalformedOlxError(f"invalid XML: {exc.msg}", path=relative_name(path, root), line=line) from exc
    if element is None:
        raise MalformedOlxError("empty XML document", path=relative_name(path, root))
    return element


def load_json_file(path: Path, *, root: Path | None = None) -> Any:
    """Load one JSON file of the export (policies)."""
    data = _read_bytes(path, root)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MalformedOlxError("file is not UTF-8", path=relative_name(path, root)) from exc
    except json.JSONDecodeError as exc:
        raise MalformedOlxError(f"invalid JSON: {exc.msg}", path=relative_name(path, root), line=exc.lineno) from exc
