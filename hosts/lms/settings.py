"""LMS host, the settings the demo and ``./manage.py lms`` use (common + production plugin settings)."""

from __future__ import annotations

from edx_django_utils.plugins import add_plugins

from hosts.lms.common import *  # noqa: F403

add_plugins(__name__, PROJECT_TYPE, "production")  # noqa: F405
