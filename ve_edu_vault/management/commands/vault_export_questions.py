"""
``vault_export_questions COURSE_KEY --format moodle-xml|gift|aiken|qti3|qti21 [--node USAGE_KEY] --output FILE``:
write the course's active questions (or those under one node) in another system's format.

TLDR: a public contract. Questions the format cannot hold are left out and listed on stderr with the reason;
what a format cannot keep of a written question (hints in QTI, points in GIFT...) is listed as notes.
``qti3``/``qti21`` write an IMS content package (.zip).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import VaultError
from ve_edu_vault.questions import api

FORMATS = ("moodle-xml", "gift", "aiken", "qti3", "qti21")


class Command(BaseCommand):
    help = "Export a course's questions as Moodle XML, GIFT, Aiken, or a QTI 3.0 / 2.1 package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", help="Course key, e.g. course-v1:TestX+Course+1")
        parser.add_argument("--format", required=True, help=f"One of {', '.join(FORMATS)}.")
        parser.add_argument("--node", default=None, help="Usage key of a course node: only the questions under it.")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as exc:
            raise CommandError(f"{options['course_key']!r} is not a valid course key.") from exc
        try:
            result = api.export_questions(course_key, options["format"], node_usage_key=options["node"])
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        output = Path(options["output"])
        try:
            output.write_bytes(result.data)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write: {exc}") from exc
        self.stdout.write(f"Wrote {result.written} question(s) of {course_key} to {output} ({options['format']}).")
        for identifier, reason in result.skipped:
            self.stderr.write(f"Left out {identifier}: {reason}")
        for identifier, warning in result.warnings:
            self.stderr.write(f"Note {identifier}: {warning}")
