"""
The hosts' Celery app, as edx-platform's ``lms/celery.py``: settings from Django, tasks autodiscovered.

Start a worker with ``celery -A hosts.celery worker`` (DJANGO_SETTINGS_MODULE names the host).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosts.cms.settings")

app = Celery("hosts")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
