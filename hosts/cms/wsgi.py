"""WSGI entry point of the CMS host (``gunicorn hosts.cms.wsgi``), as edx-platform's ``cms/wsgi.py``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hosts.cms.settings")

application = get_wsgi_application()
