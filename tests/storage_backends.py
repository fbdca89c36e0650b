"""
The storage backends the contract suites run against: the ORM (the test run's database) and MongoDB.

MongoDB is the in-process stand-in (``mongomock://``) unless ``VAULT_TEST_MONGODB_URL`` names a real server (then
each test gets a database of its own there, dropped afterwards). What the stand-in does not check is listed in
the README ("MongoDB storage").
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

BACKENDS = ["django", "mongodb"]


def mongodb_url() -> str:
    return os.environ.get("VAULT_TEST_MONGODB_URL") or "mongomock://"


@contextmanager
def mongodb_backend(settings: Any, *, select: bool = False) -> Iterator[None]:
    """A fresh MongoDB database with its indexes; ``select`` also makes it the configured storage backend."""
    from ve_edu_vault.storage import mongodb, mongodb_indexes

    settings.VE_EDU_VAULT_MONGODB_URL = mongodb_url()
    settings.VE_EDU_VAULT_MONGODB_DATABASE = f"vault_test_{uuid.uuid4().hex[:12]}"
    if select:
        settings.VE_EDU_VAULT_STORAGE_BACKEND = "mongodb"
    mongodb.reset()
    mongodb_indexes.forget_checks()
    mongodb_indexes.ensure_indexes(mongodb.database())
    try:
        yield
    finally:
        mongodb.client().drop_database(settings.VE_EDU_VAULT_MONGODB_DATABASE)
        mongodb.reset()
        mongodb_indexes.forget_checks()
