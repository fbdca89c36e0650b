"""
``vault_import_olx_problems COURSE_KEY PATH [--json]``: import a course export's problems into the bank.

TLDR: PATH is an OLX course directory or a .tar.gz export of COURSE_KEY. ``--json`` prints
``{"imported", "updated", "unchanged", "by_type", "unsupported": [{"location", "reason"}]}`` (a
stable contract for scripts). Re-runs never duplicate (problems match by usage key); a changed
problem gets a new version. Questions attach to their unit's objective node when the course has
been synced, otherwise their node stays empty. An export of another course exits non-zero.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.errors import VaultError
from ve_edu_vault.questions import api


class Command(BaseCommand):
    help = "Import the problems of an Open edX course export (directory or .tar.gz) into the question bank."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", help="Course key, e.g. course-v1:TestX+Course+1")
        parser.add_argument("path", help="OLX course directory or .tar.gz export")
        parser.add_argument("--json", action="store_true", help="Print the JSON report (a stable contract).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as exc:
            raise CommandError(f"{options['course_key']!r} is not a valid course key.") from exc
        try:
            report = api.import_olx_course(course_key, options["path"])
        except VaultError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), indent=2, sort_keys=True))
            return
        self.stdout.write(
            f"Imported {report.imported}, updated {report.updated}, unchanged {report.unchanged} "
            f"problem(s) of {course_key}."
        )
        for qtype, count in report.by_type.items():
            self.stdout.write(f"  {qtype}: {count}")
        for item in report.unsupported:
            self.stdout.write(f"Unsupported {item['location']}: {item['reason']}")
