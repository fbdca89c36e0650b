"""Frozen return values of ``course_sync.api`` (what views, commands and other applets receive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey, UsageKey

from ve_edu_vault.course_sync.data import ChangeSet


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncResult:
    """
    What one sync (or dry run) did. ``status`` is one of: applied, held, skipped, unchanged,
    dry_run, undone, waiting (the source does not show the publish yet). ``sync_id`` is None when no
    record was written (dry run, unchanged, waiting).
    """

    sync_id: int | None
    course_key: CourseKey
    outline_version: str
    status: str
    change_set: ChangeSet
    nodes: dict[str, int]
    source: str = ""
    message: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return self.change_set.counts()


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncRecordData:
    id: int
    course_key: CourseKey
    source: str
    trigger: str
    outline_version: str
    outline_published_at: datetime | None
    status: str
    counts: dict[str, int]
    timings: dict[str, float]
    message: str
    created: datetime
    finished: datetime | None
    undo_of_id: int | None
    undone_by_id: int | None
    requested_by_id: int | None
    changes: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True, slots=True)
class CourseNodeData:
    """One node of the mirror, as other applets and the REST API see it."""

    id: int
    course_key: CourseKey
    usage_key: UsageKey
    kind: str
    display_name: str
    parent_key: UsageKey | None
    position: int
    archived: bool
    attributes: dict[str, Any]
    components: list[list[str]]
    vault_data: dict[str, Any]
    children: tuple[CourseNodeData, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class OutlineOption:
    """A node of the mirror as one ``<option>`` of a course-node picker (``course_sync.api.outline_options``)."""

    usage_key: str
    name: str
    kind: str
    depth: int
    #: The names from the topic down to this node, joined with " / ".
    path: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CourseSyncSettings:
    course_key: CourseKey
    policy: str
    paused: bool
    paused_reason: str
    last_version: str
    last_heartbeat_at: datetime | None
