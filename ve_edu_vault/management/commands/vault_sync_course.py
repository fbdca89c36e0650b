"""
``vault_sync_course COURSE_KEY (--olx PATH | --source modulestore|blocks-api) [--dry-run] [--json]``.

TLDR: sync one course's mirror now, from an OLX export or a live source. ``--json`` prints the
report whose shape is documented in docs/course_sync_json.rst (scripts parse it: keep it stable).
Bad input ends with a clear message on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.course_sync import api
from ve_edu_vault.errors import VaultError
from ve_edu_vault.management.commands._output import write_report

# Accept the CLI spelling (blocks-api) and the API one (blocks_api).
SOURCE_CHOICES = {"modulestore": "modulestore", "blocks-api": "blocks_api", "blocks_api": "blocks_api", "olx": "olx"}


class Command(BaseCommand):
    help = "Sync the vault's mirror of a course outline from an OLX export or a live outline source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", help="Course key, e.g. course-v1:TestX+Course+1")
        parser.add_argument("--olx", metavar="PATH", help="A course export directory or .tar.gz file.")
        parser.add_argument(
            "--source",
            choices=sorted(SOURCE_CHOICES),
            help="Outline source (default: --olx if given, else VE_EDU_VAULT_OUTLINE_SOURCE).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Compute the changes and write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the JSON report (a stable contract).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as exc:
            raise CommandError(f"{options['course_key']!r} is not a valid course key.") from exc
        source = SOURCE_CHOICES[options["source"]] if options["source"] else None
        path = options["olx"]
        if path:
            if source not in (None, "olx"):
                raise CommandError("--olx reads an OLX export; it cannot be combined with --source " + source + ".")
            source = "olx"
        elif source == "olx":
            raise CommandError("--source olx needs --olx PATH.")
        try:
            result = api.sync_course(
                course_key, source=source, path=path, trigger="command", dry_run=options["dry_run"]
            )
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        write_report(self, api.sync_result_to_dict(result), as_json=options["json"])
