"""
Question interchange: read and write question banks in other systems' formats (pure, no Django).

TLDR: :func:`read_file` turns an upload into :class:`SourceItem` values (each importable or refused with its
reason, file and line); :func:`write_questions` turns questions into a file. Formats come from the registry
(built-ins: Moodle XML, GIFT, Aiken, QTI 3.0/2.1 items and packages, Canvas QTI 1.2; others through the
``ve_edu_vault.question_formats`` entry point). Storing, matching re-imports and categories are the
question API's work (``questions/interchange_service.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from .data import (
    ExportQuestion,
    ExportResult,
    FormatError,
    QuestionFormat,
    ReadLimits,
    ReadResult,
    SourceItem,
)
from .registry import ENTRY_POINT_GROUP, FormatRegistry, get_formats, reset_formats

__all__ = [
    "ENTRY_POINT_GROUP",
    "ExportQuestion",
    "ExportResult",
    "FormatError",
    "FormatRegistry",
    "QuestionFormat",
    "ReadLimits",
    "ReadResult",
    "SourceItem",
    "detect_format",
    "get_formats",
    "read_file",
    "reset_formats",
    "write_questions",
]


def detect_format(data: bytes, name: str, *, registry: FormatRegistry | None = None) -> QuestionFormat:
    """The reader for a file, from its name and first bytes; :class:`FormatError` when none fits."""
    registry = registry or get_formats()
    found = registry.detect(name, data[:65536])
    if found is None:
        raise FormatError("the format cannot be recognised; choose it explicitly", file=name)
    return found


def read_file(
    data: bytes,
    name: str,
    *,
    format: str = "auto",
    limits: ReadLimits | None = None,
    registry: FormatRegistry | None = None,
) -> ReadResult:
    """Read every item of an upload; :class:`FormatError` when the file cannot be read at all."""
    registry = registry or get_formats()
    limits = limits or ReadLimits()
    if len(data) > limits.max_file_bytes:
        raise FormatError(f"the file is larger than {limits.max_file_bytes} bytes", file=name)
    fmt = detect_format(data, name, registry=registry) if format == "auto" else registry.get(format)
    if fmt is None or fmt.read is None:
        known = ", ".join(sorted(f.name for f in registry.readers()))
        raise FormatError(f"unknown import format {format!r} (known: auto, {known})", file=name)
    return fmt.read(data, name, limits)


def write_questions(
    format: str, questions: Sequence[ExportQuestion], *, registry: FormatRegistry | None = None
) -> ExportResult:
    registry = registry or get_formats()
    fmt = registry.get(format)
    if fmt is None or fmt.write is None:
        known = ", ".join(sorted(f.name for f in registry.writers()))
        raise FormatError(f"unknown export format {format!r} (known: {known})", file=format)
    return fmt.write(questions)
