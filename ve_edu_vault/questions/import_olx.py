"""
Import the problems of an Open edX course export into the question bank.

TLDR: every published problem is accounted for: imported (new), updated (new version), unchanged
(same content hash) or listed in ``unsupported`` with a reason. Re-imports match questions by the
problem's usage key (``source_usage_key``), so they never duplicate. A question is attached to the
objective node (unit) holding the problem when the course has been synced into the mirror;
author HTML is cleaned (``sanitize.py``) before it is validated and stored;
otherwise its node stays null (sync the course, then re-import, to attach it). Parsing happens
before the transaction; the writes are one ``bulk_create`` batch plus one version per changed problem.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync import api as course_sync
from ve_edu_vault.errors import ValidationError
from ve_edu_vault.olx import OlxError, open_course_export

from .data import QuestionContent
from .data_api import ImportReport, NewVersion
from .errors import QuestionError
from .grading import validate_content
from .olx import ParsedProblem, parse_problem
from .repositories import NewQuestion, get_repository
from .sanitize import sanitize_content

__all__ = ["ParsedBlock", "import_olx_course", "import_parsed"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ParsedBlock:
    """One supported problem of an export, ready to store."""

    usage_key: UsageKey
    unit_key: UsageKey | None
    content: QuestionContent


def _objective_ids(course_key: CourseKey) -> dict[UsageKey, int]:
    found: dict[UsageKey, int] = {}

    def walk(nodes: tuple[course_sync.CourseNodeData, ...] | list[course_sync.CourseNodeData]) -> None:
        for node in nodes:
            if node.kind == "objective":
                found[node.usage_key] = node.id
            walk(node.children)

    walk(course_sync.get_outline_tree(course_key))
    return found


def _read(course_key: CourseKey, path: str | os.PathLike[str]) -> tuple[list[ParsedBlock], list[dict[str, str]]]:
    blocks: list[ParsedBlock] = []
    unsupported: list[dict[str, str]] = []
    try:
        with open_course_export(path) as export:
            if export.course_key != course_key:
                raise ValidationError(
                    f"The export is of course {export.course_key}, not {course_key}.", field="course_key"
                )
            for block in export.iter_blocks(block_type="problem"):
                location = str(block.usage_key)
                try:
                    parsed = parse_problem(block.element)
                    if not isinstance(parsed, ParsedProblem):
                        unsupported.append({"location": location, "reason": parsed.reason})
                        continue
                    content = sanitize_content(parsed.content)  # OLX is author HTML too
                    validate_content(content)
                except QuestionError as error:
                    unsupported.append({"location": location, "reason": str(error)})
                    continue
                blocks.append(ParsedBlock(usage_key=block.usage_key, unit_key=block.unit_key, content=content))
    except OlxError as error:
        raise ValidationError(f"Cannot read the course export: {error}", field="path") from error
    return blocks, unsupported


def import_parsed(
    course_key: CourseKey, blocks: list[ParsedBlock], *, author_id: int | None = None
) -> tuple[int, int, int, Counter[str]]:
    """Store parsed problems: (imported, updated, unchanged, by_type). Shared by the import and the bench."""
    repository = get_repository()
    nodes = _objective_ids(course_key)
    by_type: Counter[str] = Counter()
    imported = updated = unchanged = 0
    with transaction.atomic():
        existing = repository.find_by_sources(course_key, [block.usage_key for block in blocks])
        new: list[NewQuestion] = []
        for block in blocks:
            version = NewVersion.from_content(block.content, author_id=author_id)
            by_type[version.type] += 1
            node_id = nodes.get(block.unit_key) if block.unit_key else None
            question = existing.get(block.usage_key)
            if question is None:
                new.append(
                    NewQuestion(
                        course_key=course_key, version=version, node_id=node_id, source_usage_key=block.usage_key
                    )
                )
                continue
            if node_id is not None and node_id != question.node_id:
                repository.set_node(question.id, node_id)
            current = question.current_version
            if current is not None and current.content_hash == version.content_hash:
                unchanged += 1
            else:
                repository.add_version(question.id, version)
                updated += 1
        repository.create_many(new)
        imported = len(new)
    return imported, updated, unchanged, by_type


def import_olx_course(course_key: CourseKey, path: str | os.PathLike[str], *, author: object = None) -> ImportReport:
    """Import every problem of the export at ``path`` (directory or .tar.gz) into ``course_key``'s bank."""
    blocks, unsupported = _read(course_key, path)
    author_id = getattr(author, "pk", None) if getattr(author, "is_authenticated", False) else None
    imported, updated, unchanged, by_type = import_parsed(course_key, blocks, author_id=author_id)
    return ImportReport(
        imported=imported,
        updated=updated,
        unchanged=unchanged,
        by_type=dict(sorted(by_type.items())),
        unsupported=unsupported,
    )
