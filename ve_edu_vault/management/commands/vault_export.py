"""
``vault_export {attempts,responses,item_stats,mastery} --course COURSE_KEY [--assessment ID] [--since DATE]
[--until DATE] [--attempts all|first|last|best] [--format csv|jsonl|parquet] [--output FILE] [--usernames]``.

TLDR: writes the export to standard output (or ``--output``), a page of rows at a time (constant memory), with a
progress bar on standard error. Learners are the platform's anonymous ids; ``--usernames`` (an operator's choice)
names them by username. The columns are a public contract (docs/analytics_json.rst). Refusals end with the
message on standard error and exit code 1.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.analytics import api
from ve_edu_vault.errors import VaultError
from ve_edu_vault.management.commands._progress import ProgressBar


class Command(BaseCommand):
    help = "Export a course's attempts, responses, item statistics or mastery as CSV, JSON Lines or Parquet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=api.KINDS, help="What to export.")
        parser.add_argument("--course", required=True, help="The course key.")
        parser.add_argument("--assessment", type=int, default=None, help="Only this assessment.")
        parser.add_argument("--since", default=None, help="Attempts submitted on or after (YYYY-MM-DD or ISO).")
        parser.add_argument("--until", default=None, help="Attempts submitted before (YYYY-MM-DD or ISO).")
        parser.add_argument("--attempts", choices=["all", "first", "last", "best"], default="all")
        parser.add_argument("--format", choices=api.FORMATS, default="csv", dest="file_format")
        parser.add_argument("--output", default=None, help="The file to write (default: standard output).")
        parser.add_argument("--usernames", action="store_true", help="Name learners by username (PII).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course_key = CourseKey.from_string(options["course"])
        except InvalidKeyError as exc:
            raise CommandError(f"Not a valid course key: {options['course']}") from exc
        try:
            request = api.export_request(
                options["kind"],
                course_key,
                fmt=options["file_format"],
                assessment_id=options["assessment"],
                since=options["since"],
                until=options["until"],
                attempts=options["attempts"],
                identity="username" if options["usernames"] else "anonymous",
            )
            total = api.export_rows(request)
            api.audit_export(request, mode="command")
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        bar = ProgressBar(self.stderr, request.kind)

        def progress(done: int) -> None:
            if total:
                bar(min(done, total), total)

        out: Any = open(options["output"], "wb") if options["output"] else sys.stdout.buffer  # noqa: SIM115
        try:
            for chunk in api.stream_export(request, progress):
                out.write(chunk)
            out.flush()
        finally:
            if options["output"]:
                out.close()
        if total is not None:
            bar(total, total)
        else:
            self.stderr.write(f"{request.kind}: done")
