"""
``host_import_course [path]``: the hosts' stand-in for Studio's ``./manage.py cms import``.

Reads an OLX course export (a directory or .tar.gz; by default the vault's demo course) and
publishes its outline in the stand-in platform, sending ``COURSE_PUBLISHED`` as a Studio publish
does. Safe to run again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hosts.standalone_platform.backend import publish_outline


class Command(BaseCommand):
    help = "Import an OLX course export into the hosts' stand-in platform (default: the vault's demo course)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", nargs="?", help="course export folder or .tar.gz (default: the demo course)")

    def handle(self, *args: Any, **options: Any) -> None:
        from ve_edu_vault.demo import DEMO_COURSE_OLX
        from ve_edu_vault.olx import OlxError, open_course_export

        path = options["path"] or str(DEMO_COURSE_OLX)
        try:
            with open_course_export(path) as export:
                outline = export.read_outline()
        except OlxError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        publish_outline(outline)
        self.stdout.write(f"Imported {outline.course_key} ({len(outline.nodes)} nodes) from {path}")
