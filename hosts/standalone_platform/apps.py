"""The hosts' standalone platform app (tables of the stand-in platform backend)."""

from __future__ import annotations

from django.apps import AppConfig


class StandalonePlatformConfig(AppConfig):
    name = "hosts.standalone_platform"
    label = "standalone_platform"
    verbose_name = "Stand-in platform (hosts only)"
    default_auto_field = "django.db.models.BigAutoField"
