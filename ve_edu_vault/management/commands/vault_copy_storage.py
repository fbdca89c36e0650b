"""
``vault_copy_storage COURSE_KEY --from django --to mongodb [--batch N] [--restart] [--questions-only] [--json]``.

Copies the course's questions (with every version), attempts and responses between storage backends
(``assessments.api.copy_course``), showing progress, then verifies counts and checksums; exit code 1 when they
differ. Run it again after an interruption: it continues after the last question and attempt copied. Switch
``VE_EDU_VAULT_STORAGE_BACKEND`` only after a verified copy, with the LMS stopped (attempts taken during a copy are
copied by running it again). ``--questions-only`` copies the question bank alone: what a deployment whose attempts
were already on MongoDB, with the bank in SQL (before ADR 0027), runs once per course when it upgrades.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ve_edu_vault.assessments import api as assessments

BACKENDS = ("django", "mongodb")


class Command(BaseCommand):
    help = "Copy a course's questions, attempts and responses from one storage backend to the other, verified."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("course_key")
        parser.add_argument("--from", dest="source", choices=BACKENDS, required=True)
        parser.add_argument("--to", dest="target", choices=BACKENDS, required=True)
        parser.add_argument("--batch", type=int, default=200, help="questions or attempts per batch (default 200)")
        parser.add_argument("--restart", action="store_true", help="copy from the first question and attempt again")
        parser.add_argument(
            "--questions-only",
            action="store_true",
            help="copy the question bank alone (the attempts stay where they are)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as exc:
            raise CommandError(f"Not a course key: {options['course_key']}") from exc
        if options["source"] == options["target"]:
            raise CommandError("--from and --to name the same backend.")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")

        def progress(kind: str, copied: int, last_id: int) -> None:
            if not options["json"]:
                self.stdout.write(f"copied {copied} {kind}(s), up to {kind} {last_id}")

        report = assessments.copy_course(
            course_key,
            source=options["source"],
            target=options["target"],
            batch=options["batch"],
            restart=options["restart"],
            progress=progress,
            questions_only=options["questions_only"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), sort_keys=True))
        else:
            source, target = report.source_digest, report.target_digest
            for name, found in ((report.source, report.source_questions), (report.target, report.target_questions)):
                self.stdout.write(
                    f"{name}: {found.questions} questions, {found.versions} versions, sha256 {found.sha256}"
                )
            if not report.questions_only:
                for name, digest in ((report.source, source), (report.target, target)):
                    self.stdout.write(
                        f"{name}: {digest.attempts} attempts, {digest.responses} responses, sha256 {digest.sha256}"
                    )
        if not report.verified:
            raise CommandError("The copy differs from its source (counts or checksums): see above.")
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("Verified: counts and checksums match."))
