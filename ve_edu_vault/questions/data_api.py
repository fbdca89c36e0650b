"""
Frozen values that cross the storage boundary: what repositories take and return, what ``api`` returns.

TLDR: repositories never see ``QuestionContent`` objects, only ``NewVersion`` (content as plain JSON
plus the fields derived from it). The derivation lives here, once, so every backend (Django ORM
now, MongoDB later) stores the same search text, tags and hash.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from .content_memo import parsed_content
from .data import QuestionContent

__all__ = [
    "ImportJobData",
    "ImportReport",
    "InterchangeReport",
    "NewQuestionSource",
    "NewSource",
    "NewVersion",
    "QuestionData",
    "QuestionFilters",
    "QuestionPage",
    "QuestionVersionData",
    "content_hash",
    "search_text",
]

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


def _strip(text: str) -> str:
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text))).strip()


def _texts(value: Any) -> list[str]:
    """Every ``text``/``label``/``prompt`` string in a part config (choices, options, blanks...)."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in ("text", "label", "prompt", "title") and isinstance(item, str):
                found.append(item)
            else:
                found.extend(_texts(item))
    elif isinstance(value, list | tuple):
        for item in value:
            found.extend(_texts(item) if not isinstance(item, str) else [item])
    return found


def search_text(content: Mapping[str, Any]) -> str:
    """Title, prompts and choice texts without HTML: what the text filter matches (never answer keys)."""
    pieces = [content.get("title", ""), content.get("prompt", "")]
    for part in content.get("parts", ()):
        pieces.append(part.get("prompt", ""))
        pieces.extend(_texts(part.get("config", {})))
    return _strip(" ".join(piece for piece in pieces if isinstance(piece, str)))


def content_hash(content: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON: equal content, equal hash, whatever the key order."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class NewVersion:
    """A version to store, with its derived fields; build it with :meth:`from_content`."""

    content: dict[str, Any]
    type: str
    title: str
    search_text: str
    tags: tuple[str, ...]
    points: float
    content_hash: str
    author_id: int | None = None

    @classmethod
    def from_content(cls, content: QuestionContent, *, author_id: int | None = None) -> NewVersion:
        data = content.to_dict()
        return cls(
            content=data,
            type=content.type,
            title=content.title[:255],
            search_text=search_text(data),
            tags=tuple(dict.fromkeys(tag[:255] for tag in content.tags)),
            points=content.points,
            content_hash=content_hash(data),
            author_id=author_id,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionVersionData:
    id: int
    question_id: int
    number: int
    content: dict[str, Any]
    type: str
    title: str
    tags: tuple[str, ...]
    points: float
    content_hash: str
    author_id: int | None
    created: datetime

    def to_content(self) -> QuestionContent:
        """The parsed content, shared by the process's requests for the same content (``content_memo``)."""
        return parsed_content(self.content_hash, self.content)


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionData:
    id: int
    course_key: CourseKey
    node_id: int | None
    node_usage_key: UsageKey | None
    source_usage_key: UsageKey | None
    archived: bool
    archived_at: datetime | None
    created: datetime
    modified: datetime
    current_version: QuestionVersionData | None


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionFilters:
    """List filters; None means "any". ``text`` uses the database's full-text search where it has one."""

    course_key: CourseKey
    node_id: int | None = None
    type: str | None = None
    tag: str | None = None
    text: str | None = None
    include_archived: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionPage:
    items: tuple[QuestionData, ...]
    total: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportReport:
    """The result of importing a course export's problems (the ``--json`` contract of the command)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    unsupported: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "by_type": dict(self.by_type),
            "unsupported": [dict(item) for item in self.unsupported],
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class NewSource:
    """A source identifier to record for a question (``QuestionSource``)."""

    question_id: int
    source_key: str
    source_id: str
    format: str


@dataclass(frozen=True, kw_only=True, slots=True)
class NewQuestionSource:
    """
    A source identifier recorded with a question as it is created (``NewQuestion.sources``): one write with the
    question, so an import that dies midway leaves no question without its source (issue 13, ADR 0027).
    """

    source_key: str
    source_id: str
    format: str


def source_key(source_id: str) -> str:
    """The stored, indexed form of a source identifier (sha256 hex)."""
    return hashlib.sha256(source_id.encode()).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportJobData:
    """An upload waiting for, or done with, its import (Studio page and REST; ``QuestionImportJob``)."""

    id: int
    course_key: CourseKey
    file_name: str
    storage_name: str
    size: int
    format: str
    node_usage_key: str
    partial: bool
    status: str
    done: int
    total: int
    preview: dict[str, Any] | None
    report: dict[str, Any] | None
    error: str
    created_by_id: int | None
    created: datetime
    modified: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "course_key": str(self.course_key),
            "file_name": self.file_name,
            "size": self.size,
            "format": self.format,
            "node_usage_key": self.node_usage_key or None,
            "partial": self.partial,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "preview": self.preview,
            "report": self.report,
            "error": self.error or None,
            "created": self.created.isoformat(),
            "modified": self.modified.isoformat(),
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class InterchangeReport:
    """
    The outcome of an interchange import or its preview: the ``--json`` contract of ``vault_import_questions``
    and the body of the REST import endpoint (``docs/question_interchange_json.rst``).
    """

    course_key: str
    file: str
    format: str
    status: str
    dry_run: bool
    partial: bool
    created: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "course_key": self.course_key,
            "file": self.file,
            "format": self.format,
            "status": self.status,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "counts": {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "refused": len(self.refused),
            },
            "created": [dict(entry) for entry in self.created],
            "updated": [dict(entry) for entry in self.updated],
            "unchanged": [dict(entry) for entry in self.unchanged],
            "refused": [dict(entry) for entry in self.refused],
            "warnings": [dict(entry) for entry in self.warnings],
        }
