"""Output helpers shared by the course sync commands (JSON contract or a short human summary)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from ve_edu_vault.course_sync.api import COUNT_KINDS, NODE_KINDS


def write_report(command: BaseCommand, report: dict[str, Any], *, as_json: bool) -> None:
    """Print ``report`` (from ``sync_result_to_dict``) as JSON, or as a few human-readable lines."""
    if as_json:
        command.stdout.write(json.dumps(report, indent=2, sort_keys=False))
        return
    sync_id = report["sync_id"] if report["sync_id"] is not None else "none (nothing recorded)"
    command.stdout.write(
        f"Course {report['course_key']}: {report['status']} (outline version {report['outline_version']}, "
        f"sync id {sync_id})"
    )
    counts = report["counts"]
    command.stdout.write("Changes: " + ", ".join(f"{kind} {counts[kind]}" for kind in COUNT_KINDS))
    nodes = report["nodes"]
    command.stdout.write("Active nodes: " + ", ".join(f"{kind} {nodes[kind]}" for kind in NODE_KINDS))
