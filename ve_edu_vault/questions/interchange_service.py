"""
Import and export of question banks in other systems' formats, through the question bank's storage.

TLDR: :func:`import_questions` reads a file with the pure readers (``questions/interchange/``), matches
each item to the course's questions by its source identifier (ADR 0009), and creates, versions or leaves
each one; :func:`export_questions` writes the course's questions in a format. Callers use
``questions.api``, which re-exports these.

Rules of an import:

- All or nothing per file: when any item is refused nothing is written, unless ``partial`` ("import what
  can be imported") is given; then the refused items are reported and the rest is written.
- A re-import creates no duplicates: an item whose source identifier is recorded for the course updates
  that question (a new version when its content changed, nothing when not). A file the vault exported
  names its questions ``vault-<course hash>-q<id>``, which matches those questions directly; Aiken items
  (no identifiers) also match a question of the course with the same question text.
- Categories (Moodle ``<category>``, GIFT ``$CATEGORY``, Canvas quiz titles): a category whose path equals
  the display-name path of a course node (``Week 1/Lesson 2``) attaches the question to that node; any
  other becomes the tag ``category:<path>``. ``node_usage_key`` attaches every question to one node
  instead (categories then become tags).
- Every content goes through ``api.parse_content`` like an author's edit (structure, type validation and
  whatever cleaning the API applies to author HTML), so imported HTML is treated as authored HTML.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ValidationError, VaultError

from .data import QuestionContent
from .data_api import (
    InterchangeReport,
    NewQuestionSource,
    NewSource,
    NewVersion,
    QuestionData,
    QuestionFilters,
    source_key,
)
from .interchange import ExportQuestion, ExportResult, FormatError, ReadLimits, SourceItem, read_file, write_questions
from .interchange.registry import get_formats
from .interchange.text import html_to_plain, short_hash
from .repositories import NewQuestion, get_repository

__all__ = [
    "CATEGORY_TAG_PREFIX",
    "export_questions",
    "import_questions",
    "vault_identifier",
]

CATEGORY_TAG_PREFIX = "category:"
Progress = Callable[[int, int], None]
_VAULT_ID = re.compile(r"^vault-([0-9a-f]{8})-q([0-9]+)$")
_FAMILY_OF_EXPORT = {"moodle-xml": "moodle", "gift": "moodle", "qti3": "qti", "qti21": "qti"}


def course_hash(course_key: CourseKey) -> str:
    return hashlib.sha256(str(course_key).encode()).hexdigest()[:8]


def vault_identifier(course_key: CourseKey, question_id: int) -> str:
    """The identifier an export gives a question that has no source of the target's family."""
    return f"vault-{course_hash(course_key)}-q{question_id}"


@dataclass(slots=True)
class _Decision:
    item: SourceItem
    content: QuestionContent
    version: NewVersion
    node_id: int | None
    existing: QuestionData | None
    outcome: str  # created | updated | unchanged
    record_source: bool


def _node_paths(course_key: CourseKey) -> dict[tuple[str, ...], int]:
    paths: dict[tuple[str, ...], int] = {}

    def walk(nodes: Iterable[Any], path: tuple[str, ...]) -> None:
        for node in nodes:
            here = (*path, (node.display_name or "").strip().casefold())
            paths.setdefault(here, node.id)
            walk(node.children, here)

    walk(course_sync.get_outline_tree(course_key), ())
    return paths


def _node_id(course_key: CourseKey, usage_key: UsageKey | str | None) -> int | None:
    if not usage_key:
        return None
    from .api import _node_id as api_node_id

    return api_node_id(course_key, usage_key)


def _prepare(content: QuestionContent) -> QuestionContent:
    from .api import parse_content

    return parse_content(content)


def _entry(item: SourceItem, *, question_id: int | None, content: QuestionContent | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": question_id,
        "source_id": item.source_id,
        "title": item.label,
        "type": content.type if content is not None else item.kind,
        "file": item.file,
        "line": item.line,
    }
    return entry


def _refusal(item: SourceItem, reason: str | None = None) -> dict[str, Any]:
    return {
        "source_id": item.source_id,
        "title": item.label,
        "type": item.kind,
        "reason": reason or item.reason,
        "file": item.file,
        "line": item.line,
    }


class _Matcher:
    """Finds the existing question of an item: recorded source, vault identifier, or (Aiken) question text."""

    def __init__(self, course_key: CourseKey, items: Sequence[SourceItem]) -> None:
        self.course_key = course_key
        self.repository = get_repository()
        self.by_key = self.repository.find_by_source_keys(course_key, [source_key(i.source_id) for i in items])
        wanted = set()
        for entry in items:
            match = _VAULT_ID.match(entry.identifier)
            if match and match.group(1) == course_hash(course_key):
                wanted.add(int(match.group(2)))
        self.by_id = {
            qid: question
            for qid, question in self.repository.get_many(wanted).items()
            if question.course_key == course_key
        }
        self._by_text: dict[str, QuestionData] | None = None

    def _texts(self) -> dict[str, QuestionData]:
        if self._by_text is None:
            page = self.repository.list(QuestionFilters(course_key=self.course_key, include_archived=True))
            self._by_text = {}
            for question in page.items:
                version = question.current_version
                if version is not None:
                    text = html_to_plain(version.content.get("prompt", "")).replace("\n", " ")
                    self._by_text.setdefault(f"aiken:{short_hash(text)}", question)
        return self._by_text

    def find(self, entry: SourceItem) -> tuple[QuestionData | None, bool]:
        """``(question or None, whether the source identifier still has to be recorded)``."""
        found = self.by_key.get(source_key(entry.source_id))
        if found is not None:
            return found, False
        match = _VAULT_ID.match(entry.identifier)
        if match and int(match.group(2)) in self.by_id:
            return self.by_id[int(match.group(2))], True
        if entry.source_id.startswith("aiken:"):
            return self._texts().get(entry.source_id), True
        return None, True


def _plan(
    course_key: CourseKey,
    items: Sequence[SourceItem],
    *,
    node_id: int | None,
    author_id: int | None,
    progress: Progress | None,
) -> tuple[list[_Decision], list[dict[str, Any]], list[dict[str, Any]]]:
    paths = _node_paths(course_key) if node_id is None else {}
    matcher = _Matcher(course_key, [entry for entry in items if not entry.refused])
    decisions: list[_Decision] = []
    refused: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    seen: set[str] = set()
    claimed: set[int] = set()
    for index, entry in enumerate(items, start=1):
        if progress is not None and index % 200 == 0:
            progress(index, len(items))
        if entry.refused:
            refused.append(_refusal(entry))
            continue
        if entry.source_id in seen:
            refused.append(_refusal(entry, "another item of the file has the same identifier"))
            continue
        seen.add(entry.source_id)
        assert entry.content is not None
        content = entry.content
        target = node_id
        if entry.category:
            found = paths.get(tuple(part.strip().casefold() for part in entry.category))
            if found is not None and target is None:
                target = found
            else:
                tag = CATEGORY_TAG_PREFIX + "/".join(entry.category)
                content = replace(content, tags=tuple(dict.fromkeys((*content.tags, tag))))
        try:
            content = _prepare(content)
        except VaultError as error:
            refused.append(_refusal(entry, f"{error.field}: {error.message}" if error.field else error.message))
            continue
        existing, record = matcher.find(entry)
        if existing is not None and existing.id in claimed:
            refused.append(_refusal(entry, f"question {existing.id} is already updated by another item of the file"))
            continue
        version = NewVersion.from_content(content, author_id=author_id)
        if existing is None:
            outcome = "created"
        else:
            claimed.add(existing.id)
            current = existing.current_version
            outcome = "unchanged" if current is not None and current.content_hash == version.content_hash else "updated"
        decisions.append(
            _Decision(
                item=entry,
                content=content,
                version=version,
                node_id=target,
                existing=existing,
                outcome=outcome,
                record_source=record,
            )
        )
        warnings.extend(
            {"source_id": entry.source_id, "file": entry.file, "line": entry.line, "warning": text}
            for text in entry.warnings
        )
    return decisions, refused, warnings


def _write(course_key: CourseKey, decisions: list[_Decision], fmt: str, progress: Progress | None) -> dict[int, int]:
    """
    Store the decisions in one transaction; ``{decision index: question id}`` of the created ones. A created
    question is written with its source identifier (one document write on MongoDB, where a standalone server has no
    transaction: an import that dies midway leaves no question without its source); a source found for an existing
    question is recorded after its new version (an import that dies in between finds the question again as it did).
    """
    repository = get_repository()
    created_ids: dict[int, int] = {}
    with transaction.atomic():
        new = [(index, d) for index, d in enumerate(decisions) if d.outcome == "created"]
        ids = repository.create_many(
            [
                NewQuestion(course_key=course_key, version=d.version, node_id=d.node_id, sources=_sources(d, fmt))
                for _, d in new
            ]
        )
        for (index, _), new_id in zip(new, ids, strict=True):
            created_ids[index] = new_id
        if progress is not None:
            progress(len(new), len(decisions))
        sources: list[NewSource] = []
        for index, decision in enumerate(decisions):
            found = created_ids.get(index) or (decision.existing.id if decision.existing else None)
            assert found is not None
            question_id: int = found
            if decision.existing is not None:
                if decision.outcome == "updated":
                    repository.add_version(question_id, decision.version)
                if decision.node_id is not None and decision.node_id != decision.existing.node_id:
                    repository.set_node(question_id, decision.node_id)
            if decision.record_source and decision.existing is not None:
                sources.append(
                    NewSource(
                        question_id=question_id,
                        source_key=source_key(decision.item.source_id),
                        source_id=decision.item.source_id,
                        format=fmt,
                    )
                )
            if progress is not None and index % 500 == 0:
                progress(index, len(decisions))
        repository.add_sources(course_key, sources)
    return created_ids


def _sources(decision: _Decision, fmt: str) -> tuple[NewQuestionSource, ...]:
    if not decision.record_source:
        return ()
    source_id = decision.item.source_id
    return (NewQuestionSource(source_key=source_key(source_id), source_id=source_id, format=fmt),)


def import_questions(
    course_key: CourseKey,
    data: bytes,
    file_name: str,
    *,
    format: str = "auto",
    node_usage_key: UsageKey | str | None = None,
    partial: bool = False,
    dry_run: bool = False,
    author: Any = None,
    progress: Progress | None = None,
    limits: ReadLimits | None = None,
) -> InterchangeReport:
    """Import a question file into ``course_key`` (see the module docstring); ``dry_run`` writes nothing."""
    node_id = _node_id(course_key, node_usage_key)
    try:
        result = read_file(data, file_name, format=format, limits=limits)
    except FormatError as error:
        raise ValidationError(error.message, field="file") from error
    author_id = getattr(author, "pk", None) if getattr(author, "is_authenticated", False) else None
    decisions, refused, warnings = _plan(
        course_key, result.items, node_id=node_id, author_id=author_id, progress=progress
    )
    blocked = bool(refused) and not partial
    status = "dry_run" if dry_run else "refused" if blocked else "imported"
    created_ids: dict[int, int] = {}
    if status == "imported":
        created_ids = _write(course_key, decisions, result.format, progress)
    report = InterchangeReport(
        course_key=str(course_key),
        file=file_name,
        format=result.format,
        status=status,
        dry_run=dry_run,
        partial=partial,
        refused=refused,
        warnings=warnings,
    )
    for index, decision in enumerate(decisions):
        question_id = created_ids.get(index) or (decision.existing.id if decision.existing else None)
        getattr(report, decision.outcome).append(
            _entry(decision.item, question_id=question_id, content=decision.content)
        )
    if progress is not None:
        progress(len(result.items), len(result.items))
    return report


# --- export -------------------------------------------------------------------------------------------------


def _subtree_ids(course_key: CourseKey, usage_key: UsageKey | str) -> set[int]:
    key = str(usage_key)
    found: set[int] = set()

    def walk(nodes: Iterable[Any], inside: bool) -> None:
        for node in nodes:
            here = inside or str(node.usage_key) == key
            if here:
                found.add(node.id)
            walk(node.children, here)

    walk(course_sync.get_outline_tree(course_key), False)
    return found


def _paths_by_id(course_key: CourseKey) -> dict[int, tuple[str, ...]]:
    paths: dict[int, tuple[str, ...]] = {}

    def walk(nodes: Iterable[Any], path: tuple[str, ...]) -> None:
        for node in nodes:
            here = (*path, node.display_name or str(node.usage_key))
            paths[node.id] = here
            walk(node.children, here)

    walk(course_sync.get_outline_tree(course_key), ())
    return paths


def _identifier(course_key: CourseKey, question_id: int, sources: Sequence[str], family: str | None) -> str:
    for source in sources:
        if family == "moodle" and source.startswith("moodle:") and "#id:" in source:
            return source.split("#id:", 1)[1]
        if family == "qti" and source.startswith("qti:"):
            return source[4:]
    return vault_identifier(course_key, question_id)


def export_questions(
    course_key: CourseKey, format: str, *, node_usage_key: UsageKey | str | None = None
) -> ExportResult:
    """Every active question of the course (or under one node) written in ``format``."""
    fmt = get_formats().get(format)
    if fmt is None or fmt.write is None:
        known = ", ".join(sorted(f.name for f in get_formats().writers()))
        raise ValidationError(f"Unknown export format {format!r}; one of: {known}.", field="format")
    repository = get_repository()
    questions = repository.list(QuestionFilters(course_key=course_key)).items
    if node_usage_key:
        _node_id(course_key, node_usage_key)  # a node of this course, or a 400
        inside = _subtree_ids(course_key, node_usage_key)
        questions = tuple(q for q in questions if q.node_id in inside)
    questions = tuple(sorted(questions, key=lambda q: q.id))
    sources = repository.sources_of(q.id for q in questions)
    paths = _paths_by_id(course_key)
    family = _FAMILY_OF_EXPORT.get(format)
    entries = []
    for question in questions:
        version = question.current_version
        if version is None:
            continue
        content = version.to_content()
        category_tags = [tag for tag in content.tags if tag.startswith(CATEGORY_TAG_PREFIX)]
        if question.node_id is not None and question.node_id in paths:
            category = paths[question.node_id]
        elif category_tags:
            category = tuple(p for p in category_tags[0][len(CATEGORY_TAG_PREFIX) :].split("/") if p)
        else:
            category = ()
        if category_tags:
            content = replace(content, tags=tuple(tag for tag in content.tags if tag not in category_tags))
        entries.append(
            ExportQuestion(
                identifier=_identifier(course_key, question.id, sources.get(question.id, ()), family),
                content=content,
                category=category,
                question_id=question.id,
            )
        )
    return write_questions(format, entries)
