"""
``vault_import_questions COURSE_KEY FILE [--format auto|moodle-xml|gift|aiken|qti] [--node USAGE_KEY] [--partial]
[--dry-run] [--json]``: import a question bank file (Moodle XML, GIFT, Aiken, QTI 3.0/2.1 item or package,
Canvas QTI 1.2 export) into the course's question bank.

TLDR: a public contract (``docs/question_interchange_json.rst``). Without ``--partial`` the file imports all
or nothing: when any item is refused, nothing is written, the report lists the refusals and the command
exits 2. ``--dry-run`` reports what would be created, updated, unchanged and refused without writing.
``--json`` prints the report as one JSON object on stdout. A progress bar goes to stderr. An unreadable file,
a bad course or node key: ``CommandError`` (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import VaultError
from ve_edu_vault.management.commands._progress import ProgressBar
from ve_edu_vault.questions import api

FORMATS = ("auto", "moodle-xml", "gift", "aiken", "qti")


class Command(BaseCommand):
    help = "Import a question file (Moodle XML, GIFT, Aiken, QTI 3.0/2.1, Canvas QTI 1.2) into a course's bank."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", help="Course key, e.g. course-v1:TestX+Course+1")
        parser.add_argument("file", help="The file: .xml, .txt/.gift, or a .zip package")
        parser.add_argument("--format", default="auto", help=f"One of {', '.join(FORMATS)} (default: auto).")
        parser.add_argument("--node", default=None, help="Usage key of a course node to attach every question to.")
        parser.add_argument("--partial", action="store_true", help="Import what can be imported; report the rest.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the JSON report (a stable contract).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as exc:
            raise CommandError(f"{options['course_key']!r} is not a valid course key.") from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            report = api.import_questions(
                course_key,
                path.read_bytes(),
                path.name,
                format=options["format"],
                node_usage_key=options["node"],
                partial=options["partial"],
                dry_run=options["dry_run"],
                progress=ProgressBar(self.stderr, "Importing"),
            )
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        data = report.to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        else:
            counts = data["counts"]
            self.stdout.write(
                f"{data['file']} ({data['format']}) into {course_key}: {data['status']}; created {counts['created']}, "
                f"updated {counts['updated']}, unchanged {counts['unchanged']}, refused {counts['refused']}."
            )
            for entry in data["refused"]:
                where = f"{entry['file']}:{entry['line']}" if entry["line"] else entry["file"]
                self.stdout.write(f"Refused {where} {entry['source_id']} ({entry['type']}): {entry['reason']}")
            for entry in data["warnings"]:
                self.stdout.write(f"Note {entry['file']}:{entry['line']} {entry['source_id']}: {entry['warning']}")
        if data["status"] == "refused":
            raise CommandError(
                f"{data['counts']['refused']} item(s) refused: nothing was imported (--partial imports the rest).",
                returncode=2,
            )
