"""
``vault_mongodb_indexes [--check]``: create the indexes of the mongodb storage backend (safe to run again).

Without the indexes the backend refuses to serve (the unique ones keep rules: one attempt in progress per learner
and assessment, one attempt number, unique response ids). ``--check`` creates nothing and exits 1 when one is
missing. Tutor's init task runs ``vault_init``, which does the same.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ve_edu_vault.storage import mongodb, mongodb_indexes


class Command(BaseCommand):
    help = "Create (or --check) the MongoDB indexes of the vault's mongodb storage backend."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="create nothing; exit 1 when an index is missing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            mongodb.ping()
        except mongodb.StorageUnavailable as error:
            raise CommandError(str(error)) from error
        database = mongodb.database()
        if options["check"]:
            missing = mongodb_indexes.missing_indexes(database)
            if missing:
                raise CommandError(f"Missing MongoDB indexes: {', '.join(missing)}")
            self.stdout.write("All MongoDB indexes are present.")
            return
        created = mongodb_indexes.ensure_indexes(database)
        self.stdout.write(
            self.style.SUCCESS(f"Created: {', '.join(created)}") if created else "All MongoDB indexes are present."
        )
