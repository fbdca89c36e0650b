"""
Frozen values of the regrade applet: a run as callers see it, and its statuses.

TLDR: no Django here; ``api.py`` returns these, ``store.py`` builds them from its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opaque_keys.edx.keys import CourseKey

__all__ = ["FAILED", "PLANNED", "QUEUED", "RUNNING", "SUCCEEDED", "RegradeRunData"]

PLANNED = "planned"
QUEUED = "queued"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"


@dataclass(frozen=True, kw_only=True, slots=True)
class RegradeRunData:
    """A regrade run as callers see it (the audit record and its progress)."""

    id: int
    course_key: CourseKey
    question_id: int
    to_version_id: int
    from_version_ids: tuple[int, ...]
    status: str
    dry_run: bool
    batch_size: int
    total: int
    done: int
    changed: int
    report: dict[str, Any]
    error: str
    requested_by_id: int | None
    created: datetime
    started_at: datetime | None
    finished_at: datetime | None
