"""WSGI entry point of the LMS host (``gunicorn hosts.lms.wsgi``), as edx-platform's ``lms/wsgi.py``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosts.lms.settings")

application = get_wsgi_application()
