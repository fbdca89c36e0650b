"""
Whether the vault's storage answers: the SQL database always, MongoDB when it holds the attempts.

TLDR: the health endpoint's probe, here so that views never hold a database connection.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

__all__ = ["storage_ok"]


def storage_ok() -> bool:
    """One trivial round trip to each store in use; False when one fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if getattr(settings, "VE_EDU_VAULT_STORAGE_BACKEND", "django") == "mongodb":
            from . import mongodb

            mongodb.client().admin.command("ping")
    except Exception:
        return False
    return True
