"""The CMS host: loads the plugin as edx-platform's cms does."""

# As edx-platform's lms/__init__.py: load the Celery app whenever the host loads.
from hosts.celery import app as celery_app

__all__ = ["celery_app"]
