"""
``vault_regrade QUESTION_ID [--to-version ID] [--dry-run] [--json] [--queue] [--batch-size N]``: bulk regrade.

TLDR: regrades every graded response of the question pinned to an earlier version with the corrected version (the
current one unless ``--to-version``). ``--dry-run`` records the plan and prints, per learner, the old and new scores
and the answer key diff, without changing a grade. Without it the run happens in this process (``--queue``: on the
Celery workers instead) and the command prints the run's progress record. Every run, dry or not, is a
``RegradeRun`` audit record. Refusals end with the message on stderr and exit code 1.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ve_edu_vault.errors import VaultError
from ve_edu_vault.regrade import api


class Command(BaseCommand):
    help = "Regrade every graded response of a question with its corrected version (with --dry-run first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("question_id", type=int, help="The question whose key was corrected.")
        parser.add_argument("--to-version", type=int, default=None, help="The corrected version (default: current).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing.")
        parser.add_argument("--json", action="store_true", help="Print the run record as JSON.")
        parser.add_argument("--queue", action="store_true", help="Run on the Celery workers instead of here.")
        parser.add_argument("--batch-size", type=int, default=api.DEFAULT_BATCH_SIZE, help="Responses per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = api.plan(
                options["question_id"], to_version_id=options["to_version"], batch_size=options["batch_size"]
            )
            if not options["dry_run"]:
                run = api.start(run.id) if options["queue"] else api.run_batches(run.id)
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(asdict(run), indent=2, default=str))
            return
        report = run.report
        self.stdout.write(
            f"Regrade {run.id} of question {run.question_id} to version {run.to_version_id}: {run.status} "
            f"({report.get('changed', 0)} of {report.get('total', 0)} responses change"
            + (f"; {run.done} regraded)" if not options["dry_run"] else ")")
        )
        for version_id, changes in (report.get("key_diff") or {}).items():
            for change in changes:
                self.stdout.write(f"  version {version_id}: {json.dumps(change, default=str)}")
        for learner in report.get("learners") or ():
            for item in learner["attempts"]:
                self.stdout.write(
                    f"  {learner['username'] or learner['user_id']}: attempt {item['attempt_id']} "
                    f"{item['old_score']:.3f} -> {item['new_score']:.3f}"
                    + (" (changed by hand: kept)" if item.get("changed_by_hand") else "")
                )
