"""
``vault_init [--demo]``: the vault's own start-up work, safe to run again (Tutor's init task runs it).

Check the configuration, create the MongoDB indexes when that storage backend is chosen (as
``vault_mongodb_indexes``) and, with ``--demo``, load the demo users, enrollments, questions and
assessments into the demo course, which the platform must have imported first (``ve_edu_vault.demo``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ve_edu_vault import conf
from ve_edu_vault.platform import api as platform


class Command(BaseCommand):
    help = "Run ve-edu-vault's start-up work (idempotent); --demo loads the demo course and users."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--demo", action="store_true", help="load the demo course, staff user and learner")

    def handle(self, *args: Any, **options: Any) -> None:
        conf.validate_settings()
        self.stdout.write(
            f"ve-edu-vault: platform backend {platform.backend_name()}, "
            f"storage {conf.get('VE_EDU_VAULT_STORAGE_BACKEND')}"
        )
        if conf.get("VE_EDU_VAULT_STORAGE_BACKEND") == "mongodb":
            from ve_edu_vault.storage import mongodb, mongodb_indexes

            created = mongodb_indexes.ensure_indexes(mongodb.database())
            self.stdout.write(f"MongoDB indexes created: {', '.join(created) or 'none (all present)'}")
        if options["demo"]:
            from ve_edu_vault.demo import DEMO_PASSWORD, DemoCourseMissing, load_demo_data

            try:
                summary = load_demo_data()
            except DemoCourseMissing as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo course {summary.course_key} ({summary.sync_status}); logins: "
                    f"{summary.staff_username} / {DEMO_PASSWORD} (staff), {summary.learner_username} / {DEMO_PASSWORD}"
                )
            )
