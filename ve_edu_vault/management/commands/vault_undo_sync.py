"""
``vault_undo_sync SYNC_ID [--json]``: undo one applied sync of a course's mirror.

TLDR: restores the mirror as it was before the sync and pauses automatic sync of the course
(resume it from the Studio page or REST). Refusals (unknown sync, later syncs changed its nodes)
end with a clear message on stderr and exit code 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ve_edu_vault.course_sync import api
from ve_edu_vault.errors import VaultError
from ve_edu_vault.management.commands._output import write_report


class Command(BaseCommand):
    help = "Undo an applied course sync (the mirror returns to its state before it; auto sync pauses)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sync_id", type=int, help="The id of the applied sync to undo.")
        parser.add_argument("--json", action="store_true", help="Print the JSON report (a stable contract).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = api.undo_sync(options["sync_id"])
        except VaultError as exc:
            details = exc.details.get("conflicts") if isinstance(exc.details, dict) else None
            lines = [exc.message]
            for conflict in details or ():
                lines.append("  " + ", ".join(f"{key}={value}" for key, value in conflict.items()))
            raise CommandError("\n".join(lines)) from exc
        write_report(self, api.sync_result_to_dict(result), as_json=options["json"])
